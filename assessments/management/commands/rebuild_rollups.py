"""Recomputes the dashboard's roll-ups of final cards from the scorecard lines.

    python manage.py rebuild_rollups

Idempotent: run it any number of times, it leaves the same rows. One unit per transaction
(the largest, the committee, aggregates every final line below it), so it can run while the
site is up: a card finalised meanwhile is counted once either way.
"""

import time

from django.core.management.base import BaseCommand

from assessments.rollups import rebuild_all


class Command(BaseCommand):
    help = "Recompute the dashboard's roll-ups of final scorecards from their lines."

    def handle(self, *args: object, **options: object) -> None:
        started = time.perf_counter()
        units = rebuild_all()
        self.stdout.write(f"Rebuilt the roll-ups of {units} unit(s) in {time.perf_counter() - started:.1f} s.")
