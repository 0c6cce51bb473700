"""跟踪督办 in figures: per branch and period, how much work was due, done on time, late,
still overdue, and of what quality. One selector, for the reviewer's overview and the
assessments dashboard alike."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Avg, Case, Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce

from branches.models import Organisation

from .models import QUALITY_POINTS, Task, TaskQuarterTally, TaskStatus, TaskTally

DONE = (TaskStatus.DONE, TaskStatus.CHECKED)


@dataclass(frozen=True)
class BranchTaskStats:
    branch_id: int
    due: int  # tasks due in the period, cancelled ones left out
    due_so_far: int  # of those, the ones done or already past their due date
    done: int
    on_time: int
    overdue: int  # open and past due today
    average_delay_days: float | None  # over the done tasks
    checked: int
    average_quality: float | None  # 优 4 … 差 1, over the checked tasks

    @property
    def on_time_rate(self) -> float | None:
        """Share of the work due so far that was done by its due date (None when none was):
        work not yet due and not yet done neither helps nor hurts."""
        return round(100 * self.on_time / self.due_so_far, 1) if self.due_so_far else None


def task_statistics(
    *, branches: QuerySet[Organisation], first: dt.date, last: dt.date, today: dt.date
) -> dict[int, BranchTaskStats]:
    """Statistics of the work due in ``[first, last]`` for each of ``branches`` (one query)."""
    quality_points = Case(
        *(When(quality=value, then=points) for value, points in QUALITY_POINTS.items()),
        default=None,
        output_field=IntegerField(),
    )
    rows = (
        Task.objects.filter(branch__in=branches, due_on__range=(first, last))
        .exclude(status=TaskStatus.CANCELLED)
        .values("branch_id")
        .annotate(
            due=Count("pk"),
            due_so_far=Count("pk", filter=Q(status__in=DONE) | Q(due_on__lt=today)),
            done=Count("pk", filter=Q(status__in=DONE)),
            on_time=Count("pk", filter=Q(status__in=DONE, delay_days=0)),
            overdue=Count("pk", filter=Q(status=TaskStatus.OPEN, due_on__lt=today)),
            delay_sum=Sum("delay_days", filter=Q(status__in=DONE)),
            checked=Count("pk", filter=Q(status=TaskStatus.CHECKED)),
            quality=Avg(quality_points, filter=Q(status=TaskStatus.CHECKED)),
        )
        .order_by()
    )
    stats: dict[int, BranchTaskStats] = {}
    for row in rows:
        quality = row["quality"]
        stats[row["branch_id"]] = BranchTaskStats(
            branch_id=row["branch_id"],
            due=row["due"],
            due_so_far=row["due_so_far"],
            done=row["done"],
            on_time=row["on_time"],
            overdue=row["overdue"],
            average_delay_days=round(row["delay_sum"] / row["done"], 1) if row["done"] else None,
            checked=row["checked"],
            average_quality=round(float(Decimal(str(quality))), 2) if quality is not None else None,
        )
    return stats


# The columns of ``tallied_task_rows``: per branch, its tallies summed over the quarter.
TALLY_ROW = ("branch_id", "due", "due_so_far", "done", "on_time", "overdue", "delay", "checked", "quality", "rated")


# The columns of ``tally_sums`` that ``tally_row`` reads, in its order.
TALLY_COLUMNS = (
    "branch_id",
    "due_sum",
    "done_sum",
    "on_time_sum",
    "overdue",
    "delay",
    "checked_sum",
    "quality_total",
    "rated",
)


def tally_row(
    branch_id: int, due: int, done: int, on_time: int, overdue: int, delay: int, checked: int, quality: int, rated: int
) -> tuple[int, ...]:
    """A ``TALLY_COLUMNS`` row as a ``TALLY_ROW``: due so far is the done ones and those open
    and past due."""
    return (branch_id, due, done + overdue, done, on_time, overdue, delay, checked, quality, rated)


def tallied_task_rows(
    *, branches: QuerySet[Organisation] | Q, year: int, quarter: int, today: dt.date
) -> list[tuple[int, ...]]:
    """The tallies of a calendar quarter summed per branch, as plain tuples (``TALLY_ROW``):
    one query over a row a branch, no object made per branch (``tally_sums``)."""
    rows = tally_sums(branches=branches, year=year, quarter=quarter, today=today).values_list(*TALLY_COLUMNS)
    return [tally_row(*row) for row in rows]


def stats_of_tally_row(row: tuple[int, ...]) -> BranchTaskStats:
    """A ``tallied_task_rows`` row as ``task_statistics`` gives it (quality averaged over the
    checked tasks rated)."""
    from .tallies import quality_average

    branch_id, due, due_so_far, done, on_time, overdue, delay, checked, quality, rated = row
    return BranchTaskStats(
        branch_id=branch_id,
        due=due,
        due_so_far=due_so_far,
        done=done,
        on_time=on_time,
        overdue=overdue,
        average_delay_days=round(delay / done, 1) if done else None,
        checked=checked,
        average_quality=quality_average(quality, rated),
    )


def tallied_task_statistics(
    *, branches: QuerySet[Organisation], year: int, quarter: int, today: dt.date
) -> dict[int, BranchTaskStats]:
    """``task_statistics`` of the tasks due in a calendar quarter, summed from the kept
    tallies (``TaskTally``) instead of the tasks (one query)."""
    rows = tallied_task_rows(branches=branches, year=year, quarter=quarter, today=today)
    return {row[0]: stats_of_tally_row(row) for row in rows}


def tally_sums(*, branches: QuerySet[Organisation] | Q, year: int, quarter: int, today: dt.date) -> QuerySet:
    """The quarter's tallies per branch (one row a branch with tasks due): its per-quarter row
    (``TaskQuarterTally``). Overdue is that row's open count when the quarter ended before
    ``today``, none when it starts after; for the quarter that holds today, the row's
    ``overdue_open`` (the open tasks due before its ``overdue_as_of``) moved to ``today`` by the
    open counts of its per-date rows (``TaskTally``) in between: none to read once the daily job
    has moved the day to today; those due from that day until today when it has not; those due
    from today until that day, subtracted, for a ``today`` before it. One query, a plain one
    that callers may annotate, order and aggregate; the per-date sums are subqueries that a row
    as of today never runs (the planner's cost of them is why JIT is off: settings)."""
    return tally_rows(branches=branches, year=year, quarter=quarter, today=today, when=quarter_is(year, quarter, today))


def quarter_is(year: int, quarter: int, today: dt.date) -> str:
    """Whether the quarter is "past", "ahead" or "current" on ``today`` — which of
    ``tally_rows``' forms reads it."""
    first = dt.date(year, 3 * quarter - 2, 1)
    last = dt.date(year + quarter // 4, 3 * quarter % 12 + 1, 1) - dt.timedelta(days=1)
    if last < today:
        return "past"
    return "ahead" if today <= first else "current"


def tally_rows(*, branches: QuerySet[Organisation] | Q, year: int, quarter: int, today: dt.date, when: str) -> QuerySet:
    """``tally_sums`` with the quarter's place on ``today`` given (``quarter_is``): the
    dashboard's query compiled once per place (``config.baked``)."""
    # ``branches``: a queryset (a semi-join), or a Q over the ``branch`` relation (one join that
    # a caller reading the branch's name shares).
    chosen = branches if isinstance(branches, Q) else Q(branch__in=branches)
    rows = TaskQuarterTally.objects.filter(chosen, year=year, quarter=quarter, due__gt=0)
    if when == "past":
        return _summed(rows, F("open_tasks"))
    if when == "ahead":
        return _summed(rows, Value(0, output_field=IntegerField()))
    days = TaskTally.objects.filter(year=year, quarter=quarter, branch_id=OuterRef("branch_id"))

    def summed(between: QuerySet) -> Coalesce:
        return Coalesce(Subquery(between.values("branch_id").annotate(n=Sum("open_tasks")).values("n")[:1]), 0)

    since = summed(days.filter(due_on__gte=OuterRef("overdue_as_of"), due_on__lt=today))
    ahead = summed(days.filter(due_on__gte=today, due_on__lt=OuterRef("overdue_as_of")))
    moved = Case(
        When(overdue_as_of=today, then=F("overdue_open")),
        When(overdue_as_of__lt=today, then=F("overdue_open") + since),
        default=F("overdue_open") - ahead,
        output_field=IntegerField(),
    )
    return _summed(rows, moved)


def _summed(rows: QuerySet, overdue: object) -> QuerySet:
    """``tally_sums``' columns of ``rows``, overdue given."""
    return rows.annotate(
        due_sum=F("due"),
        overdue=overdue,
        done_sum=F("done"),
        on_time_sum=F("on_time"),
        delay=F("delay_sum"),
        checked_sum=F("checked"),
        quality_total=F("quality_sum"),
        rated=F("quality_n"),
    ).order_by()
