import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from handbook.services import edition_import
from handbook.xlsx import xlsx_to_handbook


class Command(BaseCommand):
    help = "Imports a handbook (JSON or xlsx, the export format) as a new draft edition; nothing is written on error."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument(
            "--as-version", dest="edition_version", help="store under this version instead of the file's"
        )

    def handle(self, *args: object, **options: object) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            if path.suffix.lower() == ".xlsx":
                with path.open("rb") as file:
                    data = xlsx_to_handbook(file)
            else:
                try:
                    data = json.loads(path.read_text(encoding="utf-8"))
                except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                    raise CommandError(f"{path} is not valid JSON: {exc}") from exc
            edition = edition_import(data=data, version=options["edition_version"])
        except ValidationError as exc:
            raise CommandError(
                f"{path} was not imported; nothing was written:\n" + "\n".join(f"  - {m}" for m in exc.messages)
            ) from exc
        self.stdout.write(
            self.style.SUCCESS(f"Imported {edition} as a draft with {edition.articles.count()} articles.")
        )
