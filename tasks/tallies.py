"""The task counters the dashboard reads: per branch and due date (``TaskTally``) and, the
same summed, per branch and quarter (``TaskQuarterTally``), both moved by the same statements.

A task counts in the row of its branch and due date by its status, delay and quality. Every
service that changes one of those (or creates tasks) takes the task's ``state`` before the
change and calls ``tally_change`` after it, in its own transaction: the row moves by the
difference, with ``col = col + delta`` (``INSERT … ON CONFLICT DO UPDATE``), so that two
transactions changing tasks of one branch and day both count. Assigning a task, supervising
it or commenting on it changes no counter. ``tally_rebuild`` recounts from the tasks table.

A quarter row also keeps ``overdue_open``: the open tasks due before its ``overdue_as_of``.
Every statement that moves a per-date open count moves it too when that date is before the
row's ``overdue_as_of`` — compared in the ``ON CONFLICT DO UPDATE`` itself, against the row as
it stands when the statement updates it (the latest committed version, locked), never against a
value read earlier. A new quarter row starts as of its earliest due date (nothing of it due
before: 0). ``overdue_advance``, a daily job, moves the day to today for the quarter that
holds today.
"""

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count, IntegerField, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from branches.models import Organisation

from .models import QUALITY_POINTS, Task, TaskQuarterTally, TaskStatus, TaskTally
from .periods import local_today

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
        # In key order (quarter, branch, day): services lock the rows they share in one order.
        changed.sort(key=lambda item: (quarter_of(item[0][1]), item[0]))
        rows = [[b, *quarter_of(d), ops.adapt_datefield_value(d), *row] for (b, d), row in changed]
        one = "(" + ", ".join(["%s"] * len(rows[0])) + ")"
        head, tail = _upsert_head()
        names = ", ".join(ops.quote_name(n) for n in ("branch_id", "year", "quarter", "due_on", *COUNTERS))
        sums = [f"SUM({ops.quote_name(name)})" for name in COUNTERS]
        per_quarter = _quarter_upsert_sql("changed", sums=sums, open_delta=sums[1], from_due_on=False)
        # Two statements a chunk, in the caller's transaction (each service holds one): the
        # per-date rows, then the per-quarter rows, from the same values.
        with connection.cursor() as cursor:
            for start in range(0, len(rows), 2000):
                chunk = rows[start : start + 2000]
                # Identifiers come from the model's meta, values go as parameters.
                params = [value for row in chunk for value in row]
                values = ", ".join([one] * len(chunk))
                cursor.execute(f"{head} VALUES {values} {tail}", params)
                cursor.execute(f"WITH changed ({names}) AS (VALUES {values}) {per_quarter}", params)
        self.rows.clear()


def _upsert_head(*, per_quarter: bool = False) -> tuple[str, str]:
    """``INSERT INTO tally (columns)`` and the ``ON CONFLICT … DO UPDATE`` that adds, for the
    per-date table (or the per-quarter table's counters, ``per_quarter``: its overdue count
    is ``_quarter_upsert_sql``'s)."""
    ops = connection.ops
    table = ops.quote_name((TaskQuarterTally if per_quarter else TaskTally)._meta.db_table)
    keys = ["year", "quarter", "branch_id"] if per_quarter else ["year", "quarter", "branch_id", "due_on"]
    names = [*(keys[:3] if per_quarter else ["branch_id", "year", "quarter", "due_on"]), *COUNTERS]
    conflict = ", ".join(ops.quote_name(n) for n in keys)
    updates = ", ".join(f"{q} = {table}.{q} + excluded.{q}" for q in (ops.quote_name(n) for n in COUNTERS))
    columns = ", ".join(ops.quote_name(n) for n in names)
    return f"INSERT INTO {table} ({columns})", f"ON CONFLICT ({conflict}) DO UPDATE SET {updates}"


def _quarter_of_sql(column: str) -> tuple[str, str]:
    """The year and the quarter of a date column, in SQL (``%%``: sent with parameters)."""
    if connection.vendor == "postgresql":
        return f"EXTRACT(YEAR FROM {column})::int", f"EXTRACT(QUARTER FROM {column})::int"
    return f"CAST(strftime('%%Y', {column}) AS INTEGER)", f"(CAST(strftime('%%m', {column}) AS INTEGER) + 2) / 3"


def _quarter_upsert_sql(source: str, *, sums: list[str], open_delta: str, from_due_on: bool) -> str:
    """One statement adding ``source`` (a CTE's name: ``branch_id`` and ``due_on`` a row, and
    ``year`` and ``quarter`` unless ``from_due_on``) to the per-quarter tallies: the ``sums``
    (aggregates in ``COUNTERS`` order) per branch and quarter, and to ``overdue_open`` the
    ``open_delta`` of the source's rows due before that row's ``overdue_as_of`` as it stands
    when the statement updates it. A row inserted starts as of its earliest due date."""
    table = connection.ops.quote_name(TaskQuarterTally._meta.db_table)
    head, tail = _upsert_head(per_quarter=True)
    head = head[:-1] + ", overdue_open, overdue_as_of)"
    year, quarter = _quarter_of_sql("due_on") if from_due_on else ("year", "quarter")
    # Most changes are due on or after the row's day (today's work and later, generation's
    # new periods): then the source is not read again.
    counted = (
        f"COALESCE((SELECT {open_delta} FROM {source} WHERE branch_id = excluded.branch_id "  # noqa: S608
        f"AND {year} = excluded.year AND {quarter} = excluded.quarter AND due_on < {table}.overdue_as_of), 0)"
    )
    overdue = (
        f"overdue_open = {table}.overdue_open + "
        f"CASE WHEN excluded.overdue_as_of >= {table}.overdue_as_of THEN 0 ELSE {counted} END"
    )
    # SQLite needs a WHERE before an upsert's ON CONFLICT after a SELECT; it is wanted anyway.
    return (
        f"{head} SELECT {year}, {quarter}, branch_id, {', '.join(sums)}, 0, MIN(due_on) "  # noqa: S608
        f"FROM {source} WHERE due_on IS NOT NULL GROUP BY branch_id, {year}, {quarter} "
        f"ORDER BY {year}, {quarter}, branch_id {tail}, {overdue}"
    )


def new_open_tally_sql(source: str, *, per_quarter: bool = False) -> str:
    """One statement counting the open tasks ``source`` (a CTE's name, ``branch_id, due_on`` a
    row, e.g. an ``INSERT … RETURNING``) into the per-date or (``per_quarter``) the
    per-quarter tallies."""
    year, quarter = _quarter_of_sql("due_on")
    zeros = ["0"] * (len(COUNTERS) - 2)
    if per_quarter:
        return _quarter_upsert_sql(
            source, sums=["COUNT(*)", "COUNT(*)", *zeros], open_delta="COUNT(*)", from_due_on=True
        )
    head, tail = _upsert_head()
    # SQLite needs a WHERE before an upsert's ON CONFLICT after a SELECT; it is wanted anyway.
    return (
        f"{head} SELECT branch_id, {year}, {quarter}, due_on, COUNT(*), COUNT(*), {', '.join(zeros)} "  # noqa: S608
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


def tally_rebuild(*, branches_per_batch: int = 500, models: tuple | None = None, today: dt.date | None = None) -> int:
    """Recounts every tally from the tasks table, ``branches_per_batch`` branches a
    transaction (each batch's rows deleted and written again, the tasks table locked against
    writes while it counts them, so that no service changes them meanwhile). Idempotent; returns the
    number of per-date rows written (the per-quarter rows are their sums, their overdue count
    as of ``today``, Asia/Shanghai's by default). ``models`` (organisation, task, tally,
    quarter tally) are a migration's."""
    org_model, task_model, tally_model, *rest = models or (Organisation, Task, TaskTally, TaskQuarterTally)
    quarter_model = rest[0] if rest else None  # migration 0007 predates the per-quarter table
    # Migration 0008 predates the overdue count.
    overdue = quarter_model is not None and any(f.name == "overdue_open" for f in quarter_model._meta.fields)
    today = today or local_today()
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
                # The counters, then the open ones due before today.
                total = quarters.setdefault((row.branch_id, row.year, row.quarter), [0] * (len(COUNTERS) + 1))
                for i, name in enumerate(COUNTERS):
                    total[i] += getattr(row, name)
                total[-1] += row.open_tasks if row.due_on < today else 0
            as_of = {"overdue_as_of": today} if overdue else {}
            quarter_model.objects.bulk_create(
                [
                    quarter_model(
                        branch_id=b,
                        year=y,
                        quarter=q,
                        **dict(zip(COUNTERS, values, strict=False)),
                        **({"overdue_open": values[-1], **as_of} if overdue else {}),
                    )
                    for (b, y, q), values in quarters.items()
                ],
                batch_size=2000,
            )


def overdue_advance(*, today: dt.date) -> int:
    """Moves the overdue count of the quarter that holds ``today`` to ``today`` (the daily
    job): each of its rows not yet as of today gains the open counts of its per-date rows due
    from its day until today (or, for a row ahead of today, loses those from today until its
    day), in one ``UPDATE … FROM``. Returns the rows moved; run again the same day, none.

    On PostgreSQL the rows are first locked, so that the statement that moves them reads the
    per-date rows after every service that changed them has committed: a service that has
    moved a per-date row but not yet its quarter row compares the due date with the new day
    when it does (its upsert waits for this transaction)."""
    year, quarter = quarter_of(today)
    ops = connection.ops
    table, per_date = (ops.quote_name(model._meta.db_table) for model in (TaskQuarterTally, TaskTally))
    day = ops.adapt_datefield_value(today)
    # Identifiers come from the models' meta, values go as parameters.
    moved = (
        f"UPDATE {table} SET overdue_open = {table}.overdue_open + moved.delta, overdue_as_of = %s "  # noqa: S608
        f"FROM (SELECT q.branch_id, "
        f"COALESCE(SUM(CASE WHEN d.due_on < %s THEN d.open_tasks ELSE -d.open_tasks END), 0) AS delta "
        f"FROM {table} AS q LEFT JOIN {per_date} AS d "
        f"ON d.year = q.year AND d.quarter = q.quarter AND d.branch_id = q.branch_id "
        f"AND ((d.due_on >= q.overdue_as_of AND d.due_on < %s) OR (d.due_on >= %s AND d.due_on < q.overdue_as_of)) "
        f"WHERE q.year = %s AND q.quarter = %s AND q.overdue_as_of <> %s GROUP BY q.branch_id) AS moved "
        f"WHERE {table}.year = %s AND {table}.quarter = %s AND {table}.branch_id = moved.branch_id "
        f"AND {table}.overdue_as_of <> %s"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"SELECT COUNT(*) FROM (SELECT 1 FROM {table} WHERE year = %s AND quarter = %s "  # noqa: S608
                f"AND overdue_as_of <> %s ORDER BY branch_id FOR UPDATE) AS locked",
                [year, quarter, day],
            )
        cursor.execute(moved, [day, day, day, day, year, quarter, day, year, quarter, day])
        return cursor.rowcount


def quality_average(total: int, count: int) -> float | None:
    return round(float(Decimal(total) / Decimal(count)), 2) if count else None
