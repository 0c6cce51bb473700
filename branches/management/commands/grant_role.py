from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from branches import services
from branches.models import Organisation, Role, User


class Command(BaseCommand):
    help = "Grant ROLE over the organisation ORG_CODE (and everything below it) to USERNAME."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("role", choices=Role.values)
        parser.add_argument("org_code")

    def handle(self, *args: object, username: str, role: str, org_code: str, **options: object) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(
                f"No user named {username!r}. Create one first (manage.py createsuperuser or the Roles page)."
            )
        organisation = Organisation.objects.filter(code=org_code).first()
        if organisation is None:
            raise CommandError(f"No organisation with code {org_code!r}.")
        try:
            services.role_grant(by=None, user=user, role=role, organisation=organisation)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(f"{username} is now {role} of {organisation.code} {organisation.name}.")
