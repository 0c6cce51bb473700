"""The dashboard with its figures kept in the cache (assessments/dashboard_cache.py), measured
by bench/dashboard.py on the data it built: a page read between two writes, a page read
right after a write of each group (its part of the figures computed again), and the figures
as served against the same figures in hand-written SQL. The cache is the configured one:
Redis with REDIS_URL, else this process's memory."""

import statistics
import time
from collections.abc import Callable

from bench.common import Row


def _times_ms(run: Callable[[], object], n: int, before: Callable[[], object] | None = None) -> list[float]:
    """``run``'s wall-clock times; ``before`` (untimed) ahead of each."""
    if before is None:
        run()  # warm-up: the first read fills the cache
    times = []
    for _ in range(n):
        if before is not None:
            before()
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return times


def _p95(times: list[float]) -> float:
    return sorted(times)[max(0, round(0.95 * len(times)) - 1)]


def measure_cached(made: dict, page_sql: Callable[[], object]) -> list[Row]:
    """``page_sql`` runs the page's figures in hand-written SQL (the baseline of the ratio)."""
    from django.db.models import F
    from django.test import Client
    from django.test.utils import override_settings
    from django.urls import reverse

    from assessments.dashboard_cache import cached_dashboard
    from assessments.models import Scorecard
    from assessments.views.dashboard import RANKING_ROWS
    from tasks.models import TaskQuarterTally

    rows: list[Row] = []
    client = Client()
    client.force_login(made["reviewer"])
    url = reverse("assessments:dashboard")
    tally = TaskQuarterTally.objects.filter(year=2026, quarter=3).order_by("pk").first()
    card = Scorecard.objects.filter(branch=made["first"], year=2026, quarter=3).first()

    def task_written() -> None:
        # A write of a task tally, as a task done makes (the counts left as they are).
        TaskQuarterTally.objects.filter(pk=tally.pk).update(done=F("done"))

    def card_written() -> None:
        Scorecard.objects.filter(pk=card.pk).update(version=F("version"))

    with override_settings(DASHBOARD_CACHE_SECONDS=600):
        for name, size, target in (("committee", "committee", "≤ 300 ms"), ("unit", "2,000-branch unit", "≤ 100 ms")):
            if made[name] is None:
                continue
            org = made[name]

            def get(org=org) -> None:
                response = client.get(url, {"org": org.pk, "quarter": "2026Q3"})
                assert response.status_code == 200, response.status_code

            for label, before in (
                ("figures kept (a read between two writes)", None),
                ("after a task tally written (the task figures computed)", task_written if tally else None),
                ("after a card written (the card figures computed)", card_written if card else None),
            ):
                if label.startswith("after") and before is None:
                    continue
                times = _times_ms(get, 15, before)
                rows.append(Row(f"dashboard GET, {size}, {label} (median)", statistics.median(times), "ms", target))
                rows.append(Row(f"dashboard GET, {size}, {label} (p95)", _p95(times), "ms"))
        served = _times_ms(lambda: cached_dashboard(made["committee"], year=2026, quarter=3, shown=RANKING_ROWS), 21)
        sql = _times_ms(page_sql, 21)
        ms, base = statistics.median(served), statistics.median(sql)
        rows.append(
            Row(
                "the page's figures as served (kept) vs the same in hand-written SQL",
                ms,
                "ms",
                "ratio ≤ 1.2",
                base,
                ms / base,
            )
        )
    return rows
