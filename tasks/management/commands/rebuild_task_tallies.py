"""Recounts the dashboard's task tallies from the tasks table (idempotent, in batches)."""

import time

from django.core.management.base import BaseCommand

from tasks.tallies import tally_rebuild


class Command(BaseCommand):
    help = "Recount the per-branch, per-due-date task tallies from the tasks."

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=500, help="branches per transaction")

    def handle(self, *args, **options):
        started = time.perf_counter()
        rows = tally_rebuild(branches_per_batch=options["batch"])
        self.stdout.write(f"{rows} tally rows written in {time.perf_counter() - started:.1f} s")
