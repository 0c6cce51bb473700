"""The dashboard's task figures (对标 as daily work), summed and ordered by the database from
the tasks app's kept tallies: the totals over every branch in one aggregate, the branches
worst at their tasks cut by LIMIT, so that the page reads thirty rows of 20,000."""

import datetime as dt

from django.db.models import Case, Count, DecimalField, F, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Cast, Coalesce, Round

from tasks.statistics import TALLY_COLUMNS, BranchTaskStats, stats_of_tally_row, tally_row, tally_sums

_RATE = DecimalField(max_digits=6, decimal_places=1)


def _sums(branches: Q, year: int, quarter: int, today: dt.date) -> QuerySet:
    return tally_sums(branches=branches, year=year, quarter=quarter, today=today).annotate(
        so_far=F("done_sum") + F("overdue")
    )


def task_totals(branches: Q, *, year: int, quarter: int, today: dt.date) -> dict[str, int]:
    """Over every branch with tasks due in the quarter: how many branches, the work due so
    far, done on time, and open past its due date (one aggregate)."""
    totals = _sums(branches, year, quarter, today).aggregate(
        branches=Count("branch_id"),
        so_far_total=Coalesce(Sum("so_far"), 0),
        on_time_total=Coalesce(Sum("on_time_sum"), 0),
        overdue_total=Coalesce(Sum("overdue"), 0),
    )
    return {
        "branches": totals["branches"],
        "due_so_far": totals["so_far_total"],
        "on_time": totals["on_time_total"],
        "overdue": totals["overdue_total"],
    }


def worst_at_tasks(
    branches: Q, *, year: int, quarter: int, today: dt.date, limit: int | None
) -> list[tuple[str, BranchTaskStats]]:
    """(branch name, statistics) of the branches with tasks due (``branches``: a Q over the
    tally's ``branch``), worst on-time rate first (a
    branch with nothing due so far last), then by name; the first ``limit`` (all with None)."""
    rate = Case(
        When(so_far=0, then=Value(101)),
        default=Round(Cast(F("on_time_sum") * 100, _RATE) / F("so_far"), 1),
        output_field=_RATE,
    )
    rows = (
        _sums(branches, year, quarter, today)
        .annotate(rate=rate)
        .order_by("rate", "branch__name", "branch_id")
        .values_list("branch__name", *TALLY_COLUMNS)
    )
    kept = rows if limit is None else rows[:limit]
    return [(name, stats_of_tally_row(tally_row(*row))) for name, *row in kept]
