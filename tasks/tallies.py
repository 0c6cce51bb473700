"""The task counters the dashboard reads: per branch and due date (``TaskTally``) and, the
same summed, per branch and quarter (``TaskQuarterTally``), both moved by the same statements.

A task counts in the row of its branch and due date by its status, delay and quality. Every
service that changes one of those (or creates tasks) takes the task's ``state`` before the
change and calls ``tally_change`` after it, in its own transaction: the row moves by the
difference, with ``col = col + delta`` (``INSERT … ON CONFLICT DO UPDATE``), so that two
transactions changing tasks of one branch and day both count. Assigning a task, supervising
it or commenting on it changes no counter. ``tally_rebuild`` recounts from the tasks table.
"""

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count, IntegerField, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from branches.models import Organisation

from .models import QUALITY_POINTS, Task, TaskQuarterTally, TaskStatus, TaskTally

DONE = (TaskStatus.DONE, TaskStatus.CHECKED)
COUNTERS = ("due", "open_tasks", "done", "on_time", "delay_sum", "checked", "quality_sum", "quality_n")
# What a task's counters depend on: branch, due date, status, delay, quality.
State = tuple[int, dt.date | None, str, int | None, str]
Key = tuple[int, dt.date]


def state(task: Task) -> State:
    return (task.branch_id, task.due_on, task.status, task.delay_days, task.quality)


def counters(status: str, delay_days: int | None, quality: str) -> tuple[int, ...]:
    """A task's contribution, in ``COUNTERS`` order (all zero when cancelled)."""
    if status == TaskStatus.CANCELLED:
        return (0,) * len(COUNTERS)
    done = status in DONE
    checked = status == TaskStatus.CHECKED
    points = QUALITY_POINTS.get(quality) if checked else None
    return (
        1,
        int(status == TaskStatus.OPEN),
        int(done),
        int(done and delay_days == 0),
        (delay_days or 0) if done else 0,
        int(checked),
        points or 0,
        int(points is not None),
    )


def quarter_of(day: dt.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


class Deltas:
    """Counter differences per (branch, due date), applied in one statement."""

    def __init__(self) -> None:
        self.rows: dict[Key, list[int]] = {}

    def add(self, task_state: State, sign: int = 1) -> None:
        branch_id, due_on, status, delay_days, quality = task_state
        if due_on is None:
            return
        row = self.rows.setdefault((branch_id, due_on), [0] * len(COUNTERS))
        for i, value in enumerate(counters(status, delay_days, quality)):
            row[i] += sign * value

    def apply(self) -> None:
        changed = [(key, row) for key, row in self.rows.items() if any(row)]
        if not changed:
            return
        ops = connection.ops
        quarters: dict[tuple[int, int, int], list[int]] = {}
        for (branch_id, due_on), row in changed:
            total = quarters.setdefault((branch_id, *quarter_of(due_on)), [0] * len(COUNTERS))
            for i, value in enumerate(row):
                total[i] += value
        by_date = [
            [branch_id, *quarter_of(due_on), ops.adapt_datefield_value(due_on), *row]
            for (branch_id, due_on), row in changed
        ]
        by_quarter = [[y, q, b, *row] for (b, y, q), row in quarters.items() if any(row)]
        # One statement a chunk and table, in the caller's transaction (each service holds one).
        with connection.cursor() as cursor:
            for per_quarter, rows in ((False, by_date), (True, by_quarter)):
                head, tail = _upsert_head(per_quarter=per_quarter)
                one = "(" + ", ".join(["%s"] * len(rows[0])) + ")" if rows else ""
                for start in range(0, len(rows), 2000):
                    chunk = rows[start : start + 2000]
                    # Identifiers come from the model's meta, values go as parameters.
                    params = [value for row in chunk for value in row]
                    cursor.execute(f"{head} VALUES {', '.join([one] * len(chunk))} {tail}", params)
        self.rows.clear()


def _upsert_head(*, per_quarter: bool = False) -> tuple[str, str]:
    """``INSERT INTO tally (columns)`` and the ``ON CONFLICT … DO UPDATE`` that adds, for the
    per-date or (``per_quarter``) the per-quarter table."""
    ops = connection.ops
    table = ops.quote_name((TaskQuarterTally if per_quarter else TaskTally)._meta.db_table)
    keys = ["year", "quarter", "branch_id"] if per_quarter else ["year", "quarter", "branch_id", "due_on"]
    names = [*(keys[:3] if per_quarter else ["branch_id", "year", "quarter", "due_on"]), *COUNTERS]
    conflict = ", ".join(ops.quote_name(n) for n in keys)
    updates = ", ".join(f"{q} = {table}.{q} + excluded.{q}" for q in (ops.quote_name(n) for n in COUNTERS))
    columns = ", ".join(ops.quote_name(n) for n in names)
    return f"INSERT INTO {table} ({columns})", f"ON CONFLICT ({conflict}) DO UPDATE SET {updates}"


def new_open_tally_sql(source: str, *, per_quarter: bool = False) -> str:
    """One statement counting the open tasks ``source`` (SQL giving ``branch_id, due_on`` a
    row, e.g. an ``INSERT … RETURNING``'s CTE) into the per-date or (``per_quarter``) the
    per-quarter tallies."""
    if connection.vendor == "postgresql":
        year, quarter = "EXTRACT(YEAR FROM due_on)::int", "EXTRACT(QUARTER FROM due_on)::int"
    else:
        year = "CAST(strftime('%%Y', due_on) AS INTEGER)"
        quarter = "(CAST(strftime('%%m', due_on) AS INTEGER) + 2) / 3"
    zeros = ", ".join(["0"] * (len(COUNTERS) - 2))
    if per_quarter:
        head, tail = _upsert_head(per_quarter=True)
        return (
            f"{head} SELECT {year}, {quarter}, branch_id, COUNT(*), COUNT(*), {zeros} "  # noqa: S608
            f"FROM {source} WHERE due_on IS NOT NULL GROUP BY branch_id, {year}, {quarter} {tail}"
        )
    head, tail = _upsert_head()
    # SQLite needs a WHERE before an upsert's ON CONFLICT after a SELECT; it is wanted anyway.
    return (
        f"{head} SELECT branch_id, {year}, {quarter}, due_on, COUNT(*), COUNT(*), {zeros} "  # noqa: S608
        f"FROM {source} WHERE due_on IS NOT NULL GROUP BY branch_id, due_on {tail}"
    )


def tally_change(before: State | None, task: Task | None) -> None:
    """One task created (``before`` None), changed, or deleted (``task`` None)."""
    deltas = Deltas()
    if before is not None:
        deltas.add(before, -1)
    if task is not None:
        deltas.add(state(task))
    deltas.apply()


def tally_new_open(tasks: Iterable[Task]) -> None:
    """New open tasks (ad-hoc requests)."""
    deltas = Deltas()
    for task in tasks:
        deltas.add(state(task))
    deltas.apply()


def tally_counts_query(tasks: QuerySet) -> QuerySet:
    """The tallies of ``tasks`` as the tasks table gives them, per (branch, due date): what
    ``tally_rebuild`` writes and what the tests compare the kept tallies with."""
    quality = Q(status=TaskStatus.CHECKED)
    points = {
        f"q{value}": Count("pk", filter=quality & Q(quality=value))
        for value in QUALITY_POINTS  # counted per rating, summed with the points below
    }
    return (
        tasks.filter(due_on__isnull=False)
        .exclude(status=TaskStatus.CANCELLED)
        .values("branch_id", "due_on")
        .annotate(
            due=Count("pk"),
            open_tasks=Count("pk", filter=Q(status=TaskStatus.OPEN)),
            done=Count("pk", filter=Q(status__in=DONE)),
            on_time=Count("pk", filter=Q(status__in=DONE, delay_days=0)),
            delay_sum=Coalesce(Sum("delay_days", filter=Q(status__in=DONE)), 0, output_field=IntegerField()),
            checked=Count("pk", filter=quality),
            **points,
        )
        .order_by()
    )


def live_tallies(tasks: QuerySet) -> dict[Key, tuple[int, ...]]:
    """(branch, due date) → counters in ``COUNTERS`` order, counted from ``tasks``."""
    found = {}
    for row in tally_counts_query(tasks):
        rated = {value: row[f"q{value}"] for value in QUALITY_POINTS}
        quality_sum = sum(QUALITY_POINTS[value] * n for value, n in rated.items())
        values = [row[name] for name in COUNTERS[:6]] + [quality_sum, sum(rated.values())]
        found[(row["branch_id"], row["due_on"])] = tuple(values)
    return found


def tally_rebuild(*, branches_per_batch: int = 500, models: tuple | None = None) -> int:
    """Recounts every tally from the tasks table, ``branches_per_batch`` branches a
    transaction (each batch's rows deleted and written again, the tasks table locked against
    writes while it counts them, so that no service changes them meanwhile). Idempotent; returns the
    number of per-date rows written (the per-quarter rows are their sums). ``models``
    (organisation, task, tally, quarter tally) are a migration's."""
    org_model, task_model, tally_model, *rest = models or (Organisation, Task, TaskTally, TaskQuarterTally)
    quarter_model = rest[0] if rest else None  # migration 0007 predates the per-quarter table
    written = 0
    last = 0
    while True:
        ids = list(
            org_model.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:branches_per_batch]
        )
        if not ids:
            return written
        last = ids[-1]
        with transaction.atomic():
            tasks = task_model.objects.filter(branch_id__in=ids)
            if connection.vendor == "postgresql":
                # No task changes while the batch is counted (reads go on); a batch is short.
                with connection.cursor() as cursor:
                    cursor.execute(f"LOCK TABLE {connection.ops.quote_name(task_model._meta.db_table)} IN SHARE MODE")
            tally_model.objects.filter(branch_id__in=ids).delete()
            if quarter_model is not None:
                quarter_model.objects.filter(branch_id__in=ids).delete()
            rows = [
                tally_model(
                    branch_id=branch_id,
                    year=quarter_of(due_on)[0],
                    quarter=quarter_of(due_on)[1],
                    due_on=due_on,
                    **dict(zip(COUNTERS, values, strict=True)),
                )
                for (branch_id, due_on), values in live_tallies(tasks).items()
            ]
            tally_model.objects.bulk_create(rows, batch_size=2000)
            written += len(rows)
            if quarter_model is None:
                continue
            quarters: dict[tuple[int, int, int], list[int]] = {}
            for row in rows:
                total = quarters.setdefault((row.branch_id, row.year, row.quarter), [0] * len(COUNTERS))
                for i, name in enumerate(COUNTERS):
                    total[i] += getattr(row, name)
            quarter_model.objects.bulk_create(
                [
                    quarter_model(branch_id=b, year=y, quarter=q, **dict(zip(COUNTERS, values, strict=True)))
                    for (b, y, q), values in quarters.items()
                ],
                batch_size=2000,
            )


def quality_average(total: int, count: int) -> float | None:
    return round(float(Decimal(total) / Decimal(count)), 2) if count else None
