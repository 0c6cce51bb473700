"""Renders every final feedback sheet of a quarter into a folder, on several processes.

The templates are rendered here, where the database is; only WeasyPrint's layout, which is
where the time goes, runs in the worker processes, which therefore never touch the database.
"""

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from assessments.models import Scorecard, ScorecardStatus
from assessments.services.feedback import feedback_filename, feedback_html
from assessments.services.scorecards import parse_period
from config.pdf import html_to_pdf


def _write_pdf(job: tuple[str, str]) -> str:
    path, html = job
    Path(path).write_bytes(html_to_pdf(html))
    return path


class Command(BaseCommand):
    help = "Renders every final feedback sheet (检查调研情况反馈单) of a quarter into a folder."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--quarter", required=True, help="e.g. 2026Q3")
        parser.add_argument("--out", required=True, help="folder for the PDF files")
        parser.add_argument("--processes", type=int, default=min(4, os.cpu_count() or 1))

    def handle(self, *args: object, **options: object) -> None:
        try:
            year, quarter = parse_period(str(options["quarter"]))
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        out = Path(str(options["out"]))
        out.mkdir(parents=True, exist_ok=True)
        cards = (
            Scorecard.objects.filter(year=year, quarter=quarter, status=ScorecardStatus.FINAL)
            .select_related("branch", "reviewed_by", "edition")
            .order_by("branch__code")
        )
        jobs = [(str(out / feedback_filename(card)), feedback_html(card)) for card in cards]
        # Forked children must not share the parent's database connections.
        connections.close_all()
        processes = max(1, int(options["processes"]))  # type: ignore[call-overload]
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=processes, mp_context=context) as pool:
            written = list(pool.map(_write_pdf, jobs))
        self.stdout.write(f"{len(written)} feedback sheet(s) written to {out}")
