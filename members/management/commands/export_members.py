"""python manage.py export_members OUT.xlsx [--org CODE]: the roster in the import template's columns."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from branches.selectors import in_subtree

from ...excel.resource import render_export
from ...models import Member
from .import_members import _organisation


class Command(BaseCommand):
    help = "Exports the member roster of an organisation's subtree to .xlsx."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("out")
        parser.add_argument("--org", help="Code of the organisation (default: the top of the tree, if only one).")

    def handle(self, *args: object, **options: object) -> None:
        organisation = _organisation(options.get("org"))
        members = Member.objects.filter(in_subtree(organisation, via="branch__path"))
        try:
            Path(str(options["out"])).write_bytes(render_export(members))
        except OSError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"{members.count()} member(s) written to {options['out']}"))
