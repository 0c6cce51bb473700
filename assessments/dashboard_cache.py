"""The dashboard's figures kept in the cache between two writes of what they read.

A committee's page over 20,000 branches reads its figures in a dozen aggregates and renders a
hundred ranking rows; between two writes of the rows they read, the same request gives the
same figures. So the card figures and the task figures are each kept under their group's
generation (``assessments/dashboard_generations.py``: every write of a table they read moves
it on, so that the next read misses and computes afresh), and the page's rendering of them
beside them. When many readers miss at once (right after a write), one computes and the others
wait for its result rather than compute the same (``_kept``).

Only with a cache every process shares (``REDIS_URL``): with the per-process memory cache a
write made by another process (a worker, a cron job) would not reach this one's counter, so
``DASHBOARD_CACHE_SECONDS`` is 0 there and the figures are computed on every request. The
entries also expire after that many seconds, a bound on what a write made outside the
application (psql) can leave unseen. A failing cache never fails a page or a write.
"""

import dataclasses
import datetime as dt
import hashlib
import logging
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone, translation

from branches.models import Organisation
from tasks.statistics import BranchTaskStats

from .dashboard import Dashboard, TaskFigures, dashboard_for, task_figures
from .dashboard_cards import Final
from .dashboard_generations import CARDS, TASKS, enabled, generation
from .desk import PlanProgress
from .line_subtotals import LineAverage

logger = logging.getLogger(__name__)

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


# A reader that finds another computing the same entry waits this long for it (then computes
# itself: the other may have died), looking every POLL_SECONDS.
WAIT_SECONDS = 10.0
POLL_SECONDS = 0.025


def _kept(full_key: str | None, compute: Callable[[], Any]) -> Any:
    """The entry at ``full_key``, else ``compute()`` kept there. Of the readers that miss at
    once, the first computes (it holds ``<key>:computing``) and the others wait for its entry;
    if it fails (its mark is gone and no entry came), they compute themselves."""
    if full_key is None:
        return compute()
    mark = f"{full_key}:computing"
    try:
        found = cache.get(full_key)
        if found is not None:
            return found
        leader = cache.add(mark, 1, timeout=int(WAIT_SECONDS) * 3)
        if not leader:
            deadline = time.monotonic() + WAIT_SECONDS
            while time.monotonic() < deadline:
                time.sleep(POLL_SECONDS)
                found = cache.get(full_key)
                if found is not None:
                    return found
                if cache.get(mark) is None:
                    break  # the one computing stopped without keeping anything
    except Exception:
        logger.warning("dashboard figures computed without the cache: it does not answer", exc_info=True)
        return compute()
    try:
        value = compute()
    except BaseException:
        if leader:
            _forget(mark)
        raise
    try:
        cache.set(full_key, value, timeout=settings.DASHBOARD_CACHE_SECONDS)
    except Exception:
        logger.warning("dashboard figures not kept: the cache does not answer", exc_info=True)
    if leader:
        _forget(mark)
    return value


def _forget(key: str) -> None:
    try:
        cache.delete(key)
    except Exception:
        logger.warning("dashboard mark %s left to expire: the cache does not answer", key, exc_info=True)


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
    renderings of them beside them."""
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
    board.kept_as = {CARDS: cards_key, TASKS: tasks_key} if cards_key and tasks_key else None
    return board


def kept_html(board: Dashboard, group: str, render: Callable[[], str]) -> str:
    """The page's rendering of the board's card or task figures (``group``; ``render``: the
    same for every reader of the unit, in the language of the request), kept beside them:
    rendering a hundred ranking rows costs more than reading them. A task done renders the
    task table again, not the ranking."""
    if board.kept_as is None:
        return render()
    language = translation.get_language()
    digest = hashlib.blake2s(f"{board.kept_as[group]}:{language}".encode(), digest_size=16).hexdigest()
    return _kept(f"dashboard:{_SHAPE}:html:{group}:{digest}", render)
