from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from handbook.models import Edition
from handbook.services import edition_publish


class Command(BaseCommand):
    help = "Puts a draft edition in force (e.g. one made by import_handbook); the edition in force is retired."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("edition", help="the draft's version")

    def handle(self, *args: object, **options: object) -> None:
        edition = Edition.objects.filter(version=options["edition"]).first()
        if edition is None:
            raise CommandError(f"No edition {options['edition']}.")
        try:
            edition_publish(edition=edition)
        except ValidationError as exc:
            raise CommandError(f"{edition} was not published:\n" + "\n".join(f"  - {m}" for m in exc.messages)) from exc
        self.stdout.write(self.style.SUCCESS(f"{edition} is now in force."))
