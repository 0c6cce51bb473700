"""The dashboard's figures kept in the cache between two writes of what they read.

A committee's page over 20,000 branches reads its figures in a dozen aggregates (about 50 ms);
between two writes of the rows they read, the same request gives the same figures. So the
figures are cached under a *generation*: a counter in the cache that every write of a table
the figures read moves on, so that the next read misses and computes afresh. Two groups, each
with its own counter, because they change at very different rates:

- ``cards``: the cards and their roll-ups, the plans, the rectification items, the branches
  (what a reviewer's or a secretary's step changes: a few times a minute at most);
- ``tasks``: the task tallies (moved by every task done, all day long) and the branches.

The writes are seen where they happen, in the database connection (``watch_writes``, an
execute wrapper on every connection): every ``INSERT``, ``UPDATE``, ``DELETE`` or ``TRUNCATE``
of a watched table — through a model's ``save()``, a queryset's ``update()``, a bulk insert or
raw SQL alike — moves its groups' counters on at once (so that the writer's own later reads,
and a test's, see the change) and once more after the transaction commits (so that a reader
never keeps rows older than the counter it read).
``tests/assessments/test_dashboard_cache.py`` checks that every table the dashboard's queries
read is watched.

Only with a cache every process shares (``REDIS_URL``): with the per-process memory cache a
write made by another process (a worker, a cron job) would not reach this one's counter, so
``DASHBOARD_CACHE_SECONDS`` is 0 there and the figures are computed on every request. The
entries also expire after that many seconds, a bound on what a write made outside the
application (psql) can leave stale. A failing cache never fails a page or a write.
"""

import dataclasses
import datetime as dt
import hashlib
import logging
import re
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone, translation

from branches.models import Organisation
from tasks.statistics import BranchTaskStats

from .dashboard import Dashboard, TaskFigures, dashboard_for, task_figures
from .dashboard_cards import Final
from .desk import PlanProgress
from .line_subtotals import LineAverage

logger = logging.getLogger(__name__)

CARDS, TASKS = "cards", "tasks"
# The tables the dashboard's figures read, and the groups a write of each moves on.
WATCHED: dict[str, frozenset[str]] = {
    "branches_organisation": frozenset({CARDS, TASKS}),
    "branches_user": frozenset({CARDS}),  # a rectification item's owner's name
    "assessments_scorecard": frozenset({CARDS}),
    "assessments_scorecardline": frozenset({CARDS}),  # a branch's own final card (a line save moves its card anyway)
    "assessments_quarterrollup": frozenset({CARDS}),
    "assessments_articlerollup": frozenset({CARDS}),
    "assessments_assessmentplan": frozenset({CARDS}),
    "assessments_planentry": frozenset({CARDS}),
    "assessments_rectificationitem": frozenset({CARDS}),
    "assessments_finding": frozenset({CARDS}),
    "handbook_article": frozenset({CARDS}),
    "handbook_category": frozenset({CARDS}),
    "tasks_tasktally": frozenset({TASKS}),
    "tasks_taskquartertally": frozenset({TASKS}),
}
# The table a statement writes: what follows INSERT INTO, UPDATE or DELETE FROM (in a
# data-modifying CTE too). "DO UPDATE SET" and "FOR UPDATE OF" name no table of ours.
_WRITTEN = re.compile(r"\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+[\"`]?(\w+)", re.IGNORECASE)
_PENDING = "_dashboard_generations_pending"


def groups_written(sql: str) -> frozenset[str]:
    """The groups whose figures a statement may change: none for a read."""
    head = sql.lstrip()[:8].upper()
    if head.startswith("SELECT"):
        return frozenset()
    if head.startswith("TRUNCATE"):
        return frozenset({CARDS, TASKS})
    groups: set[str] = set()
    for table in _WRITTEN.findall(sql):
        groups |= WATCHED.get(table.lower(), frozenset())
    return frozenset(groups)


def enabled() -> bool:
    return settings.DASHBOARD_CACHE_SECONDS > 0


def _key(group: str) -> str:
    return f"dashboard:generation:{group}"


def generation(group: str) -> int:
    """The group's counter; a new one (the clock in nanoseconds, later than any counter an
    evicted key held) when the cache has none."""
    value = cache.get(_key(group))
    if value is None:
        cache.add(_key(group), time.time_ns(), timeout=None)
        value = cache.get(_key(group))
    return int(value)


def bump(group: str) -> None:
    """Moves the group's counter on: every figure cached under it is read afresh."""
    if not enabled():
        return
    try:
        try:
            cache.incr(_key(group))
        except ValueError:  # no counter yet, or evicted: a new one is as good as a bump
            cache.set(_key(group), time.time_ns(), timeout=None)
    except Exception:  # the cache is down: the figures' entries expire on their own
        logger.warning("dashboard generation %s not moved on: the cache does not answer", group, exc_info=True)


def _written(connection: BaseDatabaseWrapper, groups: frozenset[str]) -> None:
    """Moves the groups on now (the writer's own later reads, a test's), and, inside a
    transaction, once more when it commits: a reader that read the counter before the commit
    may have kept older rows under it."""
    for group in groups:
        bump(group)
    if not connection.in_atomic_block:
        return  # autocommit: the statement is committed already
    pending: dict[str, Callable[[], None]] = connection.__dict__.setdefault(_PENDING, {})
    queued = {id(entry[1]) for entry in connection.run_on_commit}
    for group in groups:
        callback = pending.get(group)
        if callback is not None and id(callback) in queued:
            continue  # this transaction's commit moves it on already

        def moved_on_commit(group: str = group) -> None:
            bump(group)

        pending[group] = moved_on_commit
        transaction.on_commit(moved_on_commit, using=connection.alias)


def watch_writes(execute: Callable[..., Any], sql: Any, params: Any, many: bool, context: dict[str, Any]) -> Any:
    """The execute wrapper: runs the statement, then notes the groups it wrote."""
    result = execute(sql, params, many, context)
    if enabled():
        groups = groups_written(sql if isinstance(sql, str) else str(sql))
        if groups:
            _written(context["connection"], groups)
    return result


def install(connection: BaseDatabaseWrapper, **kwargs: object) -> None:
    """``connection_created``: the wrapper first (outermost), once per connection; a test's
    own ``with connection.execute_wrapper(…)`` pops the last one, never this."""
    if watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.insert(0, watch_writes)


# The shape of what is cached: a deployment that changes a kept row's fields reads afresh
# rather than unpickling rows of the old shape.
_SHAPE = hashlib.blake2s(
    repr(
        [Final._fields]
        + [
            [f.name for f in dataclasses.fields(kind)]
            for kind in (Dashboard, TaskFigures, PlanProgress, LineAverage, BranchTaskStats)
        ]
    ).encode(),
    digest_size=4,
).hexdigest()


def _full_key(group: str, key: str) -> str | None:
    """The key of an entry under the group's current generation; None when the cache does
    not answer (the figures are then computed and not kept)."""
    try:
        return f"dashboard:{_SHAPE}:{group}:{generation(group)}:{key}"
    except Exception:
        logger.warning("dashboard figures computed without the cache: it does not answer", exc_info=True)
        return None


def _kept(full_key: str | None, compute: Callable[[], Any]) -> Any:
    if full_key is None:
        return compute()
    try:
        found = cache.get(full_key)
    except Exception:
        logger.warning("dashboard figures computed without the cache: it does not answer", exc_info=True)
        return compute()
    if found is not None:
        return found
    value = compute()
    try:
        cache.set(full_key, value, timeout=settings.DASHBOARD_CACHE_SECONDS)
    except Exception:
        logger.warning("dashboard figures not kept: the cache does not answer", exc_info=True)
    return value


def cached_dashboard(
    root: Organisation,
    *,
    year: int,
    quarter: int,
    sort: str = "score",
    shown: int | None = None,
    today: dt.date | None = None,
) -> Dashboard:
    """``dashboard_for``, its card figures and its task figures each read from the cache when
    nothing they read was written since they were kept (``DASHBOARD_CACHE_SECONDS`` 0: always
    computed). The generations are read before the figures' first query, so that figures
    computed from rows older than a write are never kept under the counter after it. The
    board's ``kept_as`` names both entries (None when not kept): ``kept_html`` keeps the page's
    rendering of them under it."""
    today = today or timezone.localdate()
    if not enabled():
        return dashboard_for(root, year=year, quarter=quarter, sort=sort, shown=shown, today=today)
    common = f"{root.pk}:{year}:{quarter}:{shown}:{today.isoformat()}"
    # Labels (grades, subtotals) are translated when computed: one entry per language.
    cards_key = _full_key(CARDS, f"{common}:{sort}:{translation.get_language()}")
    tasks_key = _full_key(TASKS, common)
    board = _kept(
        cards_key,
        lambda: dashboard_for(root, year=year, quarter=quarter, sort=sort, shown=shown, today=today, with_tasks=False),
    )
    board.tasks = _kept(tasks_key, lambda: task_figures(root, year=year, quarter=quarter, today=today, shown=shown))
    board.kept_as = f"{cards_key}|{tasks_key}" if cards_key and tasks_key else None
    return board


def kept_html(board: Dashboard, render: Callable[[], str]) -> str:
    """The page's rendering of the board's figures (``render``: the same for every reader of
    the unit, in the language of the request), kept beside them: rendering a hundred ranking
    rows costs more than reading them."""
    if board.kept_as is None:
        return render()
    digest = hashlib.blake2s(board.kept_as.encode(), digest_size=16).hexdigest()
    return _kept(f"dashboard:{_SHAPE}:html:{digest}", render)
