"""python manage.py import_members FILE.xlsx [--org CODE] [--dry-run]

The same check and the same report as the web import; exits non-zero when any row is
bad (or the file is refused), and writes nothing in that case.
"""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from branches.models import Organisation

from ...excel.reader import FileRefused
from ...imports import import_file_now


class Command(BaseCommand):
    help = "Imports a member roster from an .xlsx file (all rows or none)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument(
            "--org", help="Code of the organisation to import into (default: the top of the tree, if only one)."
        )
        parser.add_argument("--dry-run", action="store_true", help="Check and report; write nothing.")

    def handle(self, *args: object, **options: object) -> None:
        organisation = _organisation(options.get("org"))
        try:
            plan, written = import_file_now(
                path=str(options["file"]), organisation=organisation, by=None, dry_run=bool(options["dry_run"])
            )
        except FileRefused as exc:
            raise CommandError(str(exc.args[0])) from exc
        except OSError as exc:
            raise CommandError(str(exc)) from exc
        summary = plan.summary()
        self.stdout.write(
            f"rows={summary['total']} new={summary['new']} updated={summary['updated']} "
            f"unchanged={summary['unchanged']} bad_rows={summary['bad_rows']} errors={summary['errors']}"
        )
        for notice in plan.notices:
            self.stdout.write(f"notice: {notice}")
        for error in plan.errors:
            self.stdout.write(f"row {error['row']} · {error['column']} · {error['message']}")
        if not plan.ok:
            raise CommandError(f"{summary['bad_rows']} bad row(s): nothing was written.")
        self.stdout.write(self.style.SUCCESS("written" if written else "checked (dry run): nothing written"))


def _organisation(code: object) -> Organisation:
    if code:
        found = Organisation.objects.filter(code=str(code)).first()
        if found is None:
            raise CommandError(f"No organisation with code {code}.")
        return found
    roots = list(Organisation.objects.filter(parent__isnull=True)[:2])
    if len(roots) != 1:
        raise CommandError("Give --org CODE: the tree has no single top organisation.")
    return roots[0]
