import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from handbook.exchange import edition_to_dict
from handbook.models import Edition, EditionStatus
from handbook.xlsx import handbook_to_xlsx


class Command(BaseCommand):
    help = "Writes a handbook edition (by default the one in force) as JSON or xlsx."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--edition", help="the edition's version (default: the one in force)")
        parser.add_argument("--format", choices=["json", "xlsx"], default="json")
        parser.add_argument("--output", "-o", help="file to write (default: standard output for JSON)")

    def handle(self, *args: object, **options: object) -> None:
        version = options["edition"]
        if version:
            edition = Edition.objects.filter(version=version).first()
        else:
            edition = Edition.objects.filter(status=EditionStatus.PUBLISHED).first()
        if edition is None:
            raise CommandError(f"No edition {version}." if version else "No edition is in force.")
        data = edition_to_dict(edition)
        output = options["output"]
        if options["format"] == "json":
            text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
            if output:
                Path(output).write_text(text, encoding="utf-8")
            else:
                self.stdout.write(text, ending="")
            return
        content = handbook_to_xlsx(data)
        if output:
            Path(output).write_bytes(content)
        elif sys.stdout.isatty():
            raise CommandError("An xlsx export needs --output FILE.")
        else:
            sys.stdout.buffer.write(content)
        if output:
            self.stdout.write(f"Wrote {edition} to {output}.")
