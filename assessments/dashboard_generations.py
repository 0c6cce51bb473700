"""The generations of the dashboard's kept figures: a counter in the cache per group of
tables, moved on by every write of a table the figures read (``assessments/dashboard_cache.py``
keeps the figures under them). Two groups, because they change at very different rates:

- ``cards``: the cards and their roll-ups, the plans, the rectification items, the branches
  (what a reviewer's or a secretary's step changes);
- ``tasks``: the task tallies (moved by every task done, all day long) and the branches.

The writes are seen where they happen, in the database connection (``watch_writes``, an
execute wrapper on every connection): every ``INSERT``, ``UPDATE``, ``DELETE`` or ``TRUNCATE``
of a watched table — through a model's ``save()``, a queryset's ``update()``, a bulk insert or
raw SQL alike — moves its groups' counters on at once (so that the writer's own later reads,
and a test's, see the change) and once more after the transaction commits (so that a reader
never keeps rows older than the counter it read). ``tests/assessments/test_dashboard_cache.py``
checks that every table the dashboard's queries read is watched.

One kind of write is known to change no figure: a card that is not final — its lines, its
totals, a look at a line — since the figures read a card's scores only once it is final, and
its status change moves the cards on. The services that make such writes run them inside
``unfinished_card_writes()``, so that a secretary filling her card does not make every
committee's page compute afresh.
"""

import logging
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper

logger = logging.getLogger(__name__)

CARDS, TASKS = "cards", "tasks"
# The tables the dashboard's figures read, and the groups a write of each moves on.
WATCHED: dict[str, frozenset[str]] = {
    "branches_organisation": frozenset({CARDS, TASKS}),
    "branches_user": frozenset({CARDS}),  # a rectification item's owner's name
    "assessments_scorecard": frozenset({CARDS}),
    "assessments_scorecardline": frozenset({CARDS}),  # the lines of a branch's own final card
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
# The tables of an unfinished card (its lines, its totals): see ``unfinished_card_writes``.
CARD_TABLES = frozenset({"assessments_scorecard", "assessments_scorecardline"})
_QUIET: ContextVar[frozenset[str]] = ContextVar("dashboard_quiet_tables", default=frozenset())


@contextmanager
def unfinished_card_writes() -> Iterator[None]:
    """Writes of a card that is not final (its lines, its totals, a look at a line) inside the
    block move no generation on: the figures read a card's scores only once it is final. The
    caller's own checks keep the card self-editable or under review while it writes."""
    token = _QUIET.set(_QUIET.get() | CARD_TABLES)
    try:
        yield
    finally:
        _QUIET.reset(token)


def groups_written(sql: str) -> frozenset[str]:
    """The groups whose figures a statement may change: none for a read."""
    head = sql.lstrip()[:8].upper()
    if head.startswith("SELECT"):
        return frozenset()
    if head.startswith("TRUNCATE"):
        return frozenset({CARDS, TASKS})
    groups: set[str] = set()
    quiet = _QUIET.get()
    for table in _WRITTEN.findall(sql):
        if table.lower() not in quiet:
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
