from django.core.management.base import BaseCommand, CommandError, CommandParser

from tasks.models import SheetKind
from tasks.periods import local_today
from tasks.services import reminders_send

from .generate_tasks import parse_date

KINDS = {"daily": SheetKind.DAILY, "monthly": SheetKind.MONTHLY, "quarterly": SheetKind.QUARTERLY}
KINDS["half-yearly"] = SheetKind.HALF_YEARLY


class Command(BaseCommand):
    help = "Makes and e-mails the reminder sheets (工作提醒表) of one kind for the period holding a date."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--kind", required=True, choices=sorted(KINDS))
        parser.add_argument("--date", help="YYYY-MM-DD; default today (Asia/Shanghai)")

    def handle(self, *args: object, **options: str | None) -> None:
        kind = KINDS.get(options["kind"] or "")
        if kind is None:
            raise CommandError(f"--kind must be one of {', '.join(sorted(KINDS))}")
        on = parse_date(options["date"]) if options["date"] else local_today()
        result = reminders_send(kind=kind, on=on)
        self.stdout.write(f"{result.created} sheet(s) created, {result.sent} sent")
