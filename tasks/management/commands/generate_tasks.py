import datetime as dt

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tasks.periods import local_today
from tasks.services import tasks_generate


def parse_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"{value!r} is not a date (YYYY-MM-DD)") from exc


class Command(BaseCommand):
    help = "Creates the handbook's tasks of the periods holding a date (today in Asia/Shanghai by default)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="YYYY-MM-DD; default today")
        parser.add_argument("--until", help="YYYY-MM-DD: every period up to this date as well")

    def handle(self, *args: object, **options: str | None) -> None:
        first = parse_date(options["date"]) if options["date"] else local_today()
        last = parse_date(options["until"]) if options["until"] else first
        if last < first:
            raise CommandError("--until is before --date")
        created = tasks_generate(first=first, last=last)
        self.stdout.write(f"{created} task(s) created for {first}" + (f" to {last}" if last != first else ""))
