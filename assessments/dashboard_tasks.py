"""The dashboard's task figures (对标 as daily work), summed and ordered by the database from
the tasks app's kept tallies: the totals over every branch in one aggregate, the branches
worst at their tasks cut by LIMIT, so that the page reads thirty rows of 20,000. Both queries
are compiled once per form (``config.baked``)."""

import datetime as dt

from django.db.models import Case, Count, DecimalField, F, QuerySet, Sum, Value, When
from django.db.models.functions import Cast, Coalesce, Round

from config.baked import Baked, one_row
from tasks.statistics import TALLY_COLUMNS, BranchTaskStats, quarter_is, stats_of_tally_row, tally_row, tally_rows

from .desk import active_under

_RATE = DecimalField(max_digits=6, decimal_places=1)


def _sums(*, when: str, path: str, year: int, quarter: int, today: dt.date) -> QuerySet:
    # The branches as a filter through the tally's own join (which the rows' names share),
    # not 20,000 ids in an IN list.
    branches = active_under(path, via="branch__")
    rows = tally_rows(branches=branches, year=year, quarter=quarter, today=today, when=when)
    return rows.annotate(so_far=F("done_sum") + F("overdue"))


def _totals(**period: object) -> QuerySet:
    return one_row(
        _sums(**period),
        branches=Count("branch_id"),
        so_far_total=Coalesce(Sum("so_far"), 0),
        on_time_total=Coalesce(Sum("on_time_sum"), 0),
        overdue_total=Coalesce(Sum("overdue"), 0),
    )


def _worst(*, limit: int | None, **period: object) -> QuerySet:
    rate = Case(
        When(so_far=0, then=Value(101)),
        default=Round(Cast(F("on_time_sum") * 100, _RATE) / F("so_far"), 1),
        output_field=_RATE,
    )
    rows = (
        _sums(**period)
        .annotate(rate=rate)
        .order_by("rate", "branch__name", "branch_id")
        .values_list("branch__name", *TALLY_COLUMNS)
    )
    return rows if limit is None else rows[:limit]


TOTALS = Baked(_totals)
WORST = Baked(_worst)


def task_totals(path: str, *, year: int, quarter: int, today: dt.date) -> dict[str, int]:
    """Over every active branch below ``path`` with tasks due in the quarter: how many
    branches, the work due so far, done on time, and open past its due date (one aggregate)."""
    ((branches, so_far, on_time, overdue),) = TOTALS.rows(
        shape={"when": quarter_is(year, quarter, today)}, path=path, year=year, quarter=quarter, today=today
    )
    return {"branches": branches, "due_so_far": so_far, "on_time": on_time, "overdue": overdue}


def worst_at_tasks(
    path: str, *, year: int, quarter: int, today: dt.date, limit: int | None
) -> list[tuple[str, BranchTaskStats]]:
    """(branch name, statistics) of the active branches below ``path`` with tasks due, worst
    on-time rate first (a branch with nothing due so far last), then by name; the first
    ``limit`` (all with None)."""
    shape = {"when": quarter_is(year, quarter, today), "limit": limit}
    rows = WORST.rows(shape=shape, path=path, year=year, quarter=quarter, today=today)
    return [(name, stats_of_tally_row(tally_row(*row))) for name, *row in rows]
