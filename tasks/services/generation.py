"""Required actions (规定动作) become tasks: one per active branch × article × period."""

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.db.models import QuerySet

from branches.models import Organisation, OrgKind, OrgStatus
from handbook.models import Article, Edition
from handbook.selectors import edition_in_force

from ..models import Task
from ..periods import SCHEDULED_FREQUENCIES, Period, periods_between

BATCH = 2000


def branches_for_tasks() -> QuerySet[Organisation]:
    """Branches that get work: active 党支部 (groups work under their branch's tasks)."""
    return Organisation.objects.filter(kind=OrgKind.BRANCH, status=OrgStatus.ACTIVE)


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

    Idempotent: the unique constraint (branch, article, period) turns a second run, or a
    concurrent one, into no-ops (INSERT … ON CONFLICT DO NOTHING). A branch established
    after a period ended gets no task for it.
    """
    last = last or first
    edition = edition or edition_in_force()
    if edition is None:
        return 0
    articles = list(edition.articles.filter(frequency__in=list(frequencies)).order_by("code"))
    work: list[tuple[Article, Period, dt.date | None]] = []
    for article in articles:
        for period in periods_between(article.frequency, first, last):
            work.append((article, period, article.due_date(period.start, period.end)))
    if not work:
        return 0
    branch_qs = branches if branches is not None else branches_for_tasks()
    branch_rows = list(branch_qs.values_list("pk", "established_on"))
    # Counted in the window rather than by a long list of ids: what changes is only what
    # this call adds (or a concurrent call, which is the same work).
    scope = Task.objects.filter(article__in=articles, period_start__lte=last, period_end__gte=first)
    if branches is not None:
        scope = scope.filter(branch__in=branch_qs)
    before = scope.count()
    with transaction.atomic():
        pending: list[Task] = []
        for branch_id, established_on in branch_rows:
            for article, period, due in work:
                if established_on and established_on > period.end:
                    continue
                pending.append(
                    Task(
                        branch_id=branch_id,
                        article=article,
                        title=article.title,
                        frequency=article.frequency,
                        period_key=period.key,
                        period_start=period.start,
                        period_end=period.end,
                        due_on=due,
                    )
                )
                if len(pending) >= BATCH:
                    Task.objects.bulk_create(pending, ignore_conflicts=True)
                    pending = []
        Task.objects.bulk_create(pending, ignore_conflicts=True)
    return scope.count() - before
