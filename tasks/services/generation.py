"""Required actions (规定动作) become tasks: one per active branch × article × period.

Work done every day (the default edition's one daily article, 2-02 党员先锋岗和党员责任区:
each responsible member patrols their area every day and writes it in the patrol record)
is tracked as one **weekly checklist task** per branch, not one task a day: the week's
seven patrol records, checked by the group leader as the article's 怎么做 asks (党小组长每周
检查巡查记录), due at the end of the week, with the records as its evidence. The article's
deductions count missing weeks (巡查记录连续缺失一周及以上), so the week is the unit the
reviewer judges; a task a day made half of all tasks (91 of 181 a branch a quarter) and
ninety boxes nobody ticks. ``TASKS_DAILY_WORK = "daily"`` brings back one task a day.

Branches are taken in batches of ``BRANCHES_PER_BATCH``: memory and queries grow with the
batches, not with the branches (a batch is two reads and its inserts).
"""

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from branches.models import BRANCH_OFFICERS, Organisation, OrgKind, OrgStatus, RoleAssignment
from handbook.models import Article, DueKind, Edition, Frequency
from handbook.selectors import edition_in_force

from ..models import Task, TaskStatus
from ..periods import SCHEDULED_FREQUENCIES, Period, periods_between
from ..tallies import new_open_tally_sql

# Branches generated together: at 181 tasks a branch and quarter, about 90,000 rows.
BRANCHES_PER_BATCH = 500
# Columns written for a generated task; every other NOT NULL column gets its empty value.
GENERATED = (
    "branch",
    "article",
    "title",
    "frequency",
    "period_key",
    "period_start",
    "period_end",
    "due_on",
    "assignee",
)
EMPTY = {"status": TaskStatus.OPEN, "completion_note": "", "quality": "", "check_comment": "", "cancel_reason": ""}


def insert_tasks_ignoring_duplicates(rows: list[tuple]) -> int:
    """``INSERT … ON CONFLICT DO NOTHING`` of generated tasks, in one transaction; returns
    how many rows this call inserted (the database's row count, which leaves out the
    duplicates skipped, whoever inserted them).

    Each inserted task is counted in its branch's tally (``tasks.tallies``) in the same
    transaction.

    Not ``bulk_create``: measured on a quarter for 2,000 branches (362,000 rows), it spent
    four fifths of its time compiling SQL object by object. SQLite (3.24+) and PostgreSQL
    both take this statement; the unique constraint still decides what is a duplicate.
    """
    if not rows:
        return 0
    meta = Task._meta
    constant = {**EMPTY, "supervised": False, "created_at": timezone.now()}
    names = [*GENERATED, *constant]
    columns = ", ".join(connection.ops.quote_name(meta.get_field(name).column) for name in names)
    ops = connection.ops
    tail = (*EMPTY.values(), False, ops.adapt_datetimefield_value(constant["created_at"]))
    date = ops.adapt_datefield_value
    values = [(b, a, t, f, k, date(s), date(e), date(d), who, *tail) for b, a, t, f, k, s, e, d, who in rows]
    # Identifiers come from the model's meta, values go as parameters.
    head = f"INSERT INTO {ops.quote_name(meta.db_table)} ({columns}) VALUES "  # noqa: S608
    one_row = "(" + ", ".join(["%s"] * len(names)) + ")"
    # The rows inserted (not the duplicates) are counted in the tallies by the same
    # transaction: one more statement.
    inserted = 0
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            inserted += _insert_unnest(cursor, rows, names, tail)
        else:
            # In-process: one executemany for the batch (sqlite3 sums the rows each
            # statement changed); the rows it inserted are those of its creation time.
            cursor.executemany(head + one_row + " ON CONFLICT DO NOTHING", values)
            inserted += cursor.rowcount
            table = ops.quote_name(meta.db_table)
            made = f"WITH made AS (SELECT branch_id, due_on FROM {table} WHERE created_at = %s) "  # noqa: S608
            cursor.execute(made + new_open_tally_sql("made"), [tail[-1]])
            cursor.execute(made + new_open_tally_sql("made", per_quarter=True), [tail[-1]])
    return inserted


def _pg_array(values: Iterable[object]) -> str:
    """A PostgreSQL array literal (``{"a","b",NULL}``), every element quoted."""
    parts = []
    for value in values:
        if value is None:
            parts.append("NULL")
        else:
            text = str(value).replace("\\", "\\\\").replace('"', '\\"')
            parts.append(f'"{text}"')
    return "{" + ",".join(parts) + "}"


def _insert_unnest(cursor: object, rows: list[tuple], names: list[str], tail: tuple) -> int:
    """PostgreSQL: one ``INSERT … SELECT FROM unnest(…) ON CONFLICT DO NOTHING`` for all the
    rows, each column sent as one array literal. Measured on 200,000 tasks it took a third
    of the time of multi-row ``VALUES`` statements, whose thousands of parameters the
    server parses one by one. The same statement counts the rows it inserted into the
    tallies (a data-modifying CTE) and returns their number."""
    meta = Task._meta
    ops = connection.ops
    fields = [meta.get_field(name) for name in GENERATED]
    arrays = ", ".join(f"%s::{f.db_type(connection)}[]" for f in fields)
    constants = ", ".join(["%s"] * len(tail))
    columns = ", ".join(ops.quote_name(meta.get_field(name).column) for name in names)
    # Identifiers and types come from the model's meta, values go as parameters.
    sql = (
        f"WITH inserted AS (INSERT INTO {ops.quote_name(meta.db_table)} ({columns}) "  # noqa: S608
        f"SELECT u.*, {constants} FROM unnest({arrays}) AS u ON CONFLICT DO NOTHING RETURNING branch_id, due_on), "
        f"tallied AS ({new_open_tally_sql('inserted')}), "
        f"quartered AS ({new_open_tally_sql('inserted', per_quarter=True)}) SELECT COUNT(*) FROM inserted"
    )
    cursor.execute(sql, [*tail, *(_pg_array(column) for column in zip(*rows, strict=True))])  # type: ignore[attr-defined]
    return cursor.fetchone()[0]  # type: ignore[attr-defined]


def officers_of(branch_ids: list[int]) -> dict[tuple[int, str], int]:
    """谁来做: for each (branch, officer role) the user who holds it on that branch — the one
    granted first when several do. An article whose ``who_role`` nobody holds on a branch
    (or names the secretary or the whole committee) stays unassigned: the secretary's work."""
    held: dict[tuple[int, str], int] = {}
    grants = (
        RoleAssignment.objects.filter(organisation__in=branch_ids, role__in=BRANCH_OFFICERS, user__is_active=True)
        .order_by("granted_at", "pk")
        .values_list("organisation_id", "role", "user_id")
    )
    for branch_id, role, user_id in grants:
        held.setdefault((branch_id, role), user_id)
    return held


def branches_for_tasks() -> QuerySet[Organisation]:
    """Branches that get work: active 党支部 (groups work under their branch's tasks)."""
    return Organisation.objects.filter(kind=OrgKind.BRANCH, status=OrgStatus.ACTIVE)


def task_frequency(article_frequency: str) -> str:
    """The period a task of an article of this frequency covers: daily work is one weekly
    checklist task unless ``TASKS_DAILY_WORK`` is ``"daily"`` (see the module's docstring)."""
    if article_frequency == Frequency.DAILY and getattr(settings, "TASKS_DAILY_WORK", "weekly") != "daily":
        return Frequency.WEEKLY
    return article_frequency


def _due(article: Article, period: Period) -> dt.date | None:
    if period.frequency == article.frequency:
        return article.due_date(period.start, period.end)
    # Daily work checked once a week: due when the week ends (or so many days after).
    extra = (article.due_value or 0) if article.due_kind == DueKind.AFTER else 0
    return period.end + dt.timedelta(days=extra)


def _branch_batches(branch_qs: QuerySet[Organisation]) -> Iterable[list[tuple[int, dt.date | None]]]:
    """The branches by primary key, ``BRANCHES_PER_BATCH`` at a time (keyset pages)."""
    last = 0
    while True:
        batch = list(
            branch_qs.filter(pk__gt=last).order_by("pk").values_list("pk", "established_on")[:BRANCHES_PER_BATCH]
        )
        if batch:
            yield batch
        if len(batch) < BRANCHES_PER_BATCH:
            return
        last = batch[-1][0]


def tasks_generate(
    *,
    first: dt.date,
    last: dt.date | None = None,
    branches: QuerySet[Organisation] | None = None,
    frequencies: Iterable[str] = SCHEDULED_FREQUENCIES,
    edition: Edition | None = None,
) -> int:
    """Creates the tasks of every period that overlaps ``[first, last]`` for every scheduled
    article of the edition in force and every active branch; returns how many were new.
    ``frequencies`` are the tasks' (a daily article's weekly checklist is weekly work).

    Idempotent: the unique constraint (branch, article, period) turns a second run, or a
    concurrent one, into no-ops (INSERT … ON CONFLICT DO NOTHING), and the count is of the
    rows this run inserted: of two runs at once, one reports the tasks and the other 0. A
    branch established after a period ended gets no task for it. Each batch of branches is
    inserted in a transaction of its own (a run cut short is finished by the next one).
    """
    last = last or first
    edition = edition or edition_in_force()
    if edition is None:
        return 0
    wanted = set(frequencies)
    articles = [
        a
        for a in edition.articles.filter(frequency__in=SCHEDULED_FREQUENCIES).order_by("code")
        if task_frequency(a.frequency) in wanted
    ]
    work: list[tuple[Article, Period, dt.date | None]] = []
    for article in articles:
        for period in periods_between(task_frequency(article.frequency), first, last):
            work.append((article, period, _due(article, period)))
    if not work:
        return 0
    branch_qs = branches if branches is not None else branches_for_tasks()
    inserted = 0
    for batch in _branch_batches(branch_qs):
        officers = officers_of([pk for pk, _established in batch])
        rows = [
            (
                branch_id,
                article.pk,
                article.title,
                period.frequency,
                period.key,
                period.start,
                period.end,
                due,
                officers.get((branch_id, article.who_role)),
            )
            for branch_id, established_on in batch
            for article, period, due in work
            if not (established_on and established_on > period.end)
        ]
        inserted += insert_tasks_ignoring_duplicates(rows)
    return inserted
