from django.core.management.base import BaseCommand, CommandError

from handbook.models import Edition, EditionStatus
from handbook.services import load_default_edition


class Command(BaseCommand):
    help = "Loads and publishes the default handbook edition; does nothing when it is already there."

    def handle(self, *args: object, **options: object) -> None:
        before = set(Edition.objects.values_list("pk", flat=True))
        try:
            edition = load_default_edition()
        except FileNotFoundError as exc:
            raise CommandError(f"The default edition file is missing: {exc.filename}") from exc
        if edition is None or edition.pk in before:
            in_force = Edition.objects.filter(status=EditionStatus.PUBLISHED).first()
            self.stdout.write(f"Nothing to do: the edition in force is {in_force}.")
        else:
            count = edition.articles.count()
            self.stdout.write(self.style.SUCCESS(f"Loaded and published {edition} ({count} articles)."))
