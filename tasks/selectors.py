"""Reads of tasks, always through the acting user's scope (branches.selectors): a task
outside it is a 404, one inside it without the ability a 403. Who may do what is the table
in ``tasks/permissions.py``.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from branches import abilities
from branches.models import Organisation, OrgKind, OrgStatus, RoleAssignment, User
from branches.selectors import in_subtree, subtree_filter
from members.models import ON_ROLL_STATUSES

from .models import AdHocRequest, Evidence, ReminderSheet, Task, TaskStatus


def tasks_visible_to(user: User, *, ability: str | None = "task.view") -> QuerySet[Task]:
    """The tasks of the branches where the user holds ``ability`` (None: any role)."""
    if ability is None:
        q = subtree_filter(user, field="branch__path")
    else:
        q = abilities.visible(user, ability, field="branch__path")
    if q is None:
        return Task.objects.none()
    return Task.objects.filter(q)


def tasks_listed_for(user: User) -> QuerySet[Task]:
    """Every task ``get_task_for`` would show the user: the tasks of the branches where they
    hold a board role, and, wherever they hold any role, the tasks assigned to them."""
    return tasks_visible_to(user) | tasks_visible_to(user, ability=None).filter(assignee=user)


def get_task_for(user: User, pk: int, *, ability: str = "task.view") -> Task:
    """The task ``pk``: 404 outside the user's scope, 403 inside it without ``ability`` (its
    state is the service's to refuse, with its own message)."""
    tasks = Task.objects.select_related("branch", "article", "assignee", "request")
    return abilities.get_for(user, ability, tasks, pk)


def get_evidence_for(user: User, pk: int) -> Evidence:
    evidence = Evidence.objects.filter(pk=pk).select_related("task").first()
    if evidence is None:
        raise Http404
    get_task_for(user, evidence.task_id)
    return evidence


def assignable_users(branch: Organisation) -> QuerySet[User]:
    """一人一岗: the people a task may go to. Users holding a secretary or member role on the
    branch or one of its groups, and users linked to a member on the branch's roll."""
    holders = RoleAssignment.objects.filter(
        in_subtree(branch, via="organisation__path"), role__in=abilities.holders_of("task.take")
    ).values("user_id")
    return (
        User.objects.filter(
            Q(pk__in=holders) | Q(member__branch=branch, member__status__in=ON_ROLL_STATUSES), is_active=True
        )
        .distinct()
        .order_by("full_name", "username")
    )


def request_senders_for(user: User) -> QuerySet[Organisation]:
    """The units the user may send a work requirement (阶段性工作要求) from: active committees
    and general branches where they hold a sending role."""
    return abilities.units_for(user, "requirement.send").filter(
        kind__in=[OrgKind.COMMITTEE, OrgKind.GENERAL_BRANCH], status=OrgStatus.ACTIVE
    )


def requests_visible_to(user: User) -> QuerySet[AdHocRequest]:
    """The work requirements sent from units where the user holds a sending role."""
    q = abilities.visible(user, "requirement.view", field="organisation__path")
    if q is None:
        return AdHocRequest.objects.none()
    return AdHocRequest.objects.filter(q)


def get_request_for(user: User, pk: int) -> AdHocRequest:
    """The work requirement ``pk``: 404 when sent from outside the user's scope, 403 inside
    it without a sending role."""
    requirements = AdHocRequest.objects.select_related("organisation")
    return abilities.get_for(user, "requirement.view", requirements, pk, via="organisation__path")


def branches_with_tasks_for(user: User, *, ability: str = "board.view") -> QuerySet[Organisation]:
    return abilities.units_for(user, ability).filter(kind=OrgKind.BRANCH, status=OrgStatus.ACTIVE)


def board(branch: Organisation, *, show: str, today: dt.date) -> QuerySet[Task]:
    """The secretary's board: this month's or this quarter's work, the overdue, the done.

    The month and the quarter list their own work and, above it, every piece of work still
    open past its due date, whenever it was due: what was missed is what most needs doing.
    Daily work is on the day's reminder sheet: the board shows no day after today. Cancelled
    work has its own tab."""
    from .periods import period_of

    tasks = Task.objects.filter(branch=branch).select_related("article", "assignee")
    overdue = Q(status=TaskStatus.OPEN, due_on__lt=today)
    if show == "overdue":
        return tasks.filter(overdue).order_by("due_on", "pk")
    if show == "done":
        return tasks.filter(status__in=[TaskStatus.DONE, TaskStatus.CHECKED]).order_by("-completed_at", "-pk")
    if show == "cancelled":
        return tasks.filter(status=TaskStatus.CANCELLED).order_by("-cancelled_at", "-pk")
    period = period_of("quarterly" if show == "quarter" else "monthly", today)
    in_period = Q(due_on__range=(period.start, period.end)) & ~Q(frequency="daily", due_on__gt=today)
    return tasks.filter(in_period | overdue).exclude(status=TaskStatus.CANCELLED).order_by("due_on", "pk")


@dataclass(frozen=True)
class BoardCounts:
    """The figures above a board's list, counted from the very rows it shows."""

    listed: int
    done: int
    on_time: int
    overdue: int

    @property
    def on_time_rate(self) -> float | None:
        """Share of the done work that was done by its due date."""
        return round(100 * self.on_time / self.done, 1) if self.done else None


def board_counts(tasks: QuerySet[Task], *, today: dt.date) -> BoardCounts:
    """``tasks`` (a ``board`` queryset) counted in one query."""
    done = Q(status__in=[TaskStatus.DONE, TaskStatus.CHECKED])
    figures = tasks.order_by().aggregate(
        listed=Count("pk"),
        done=Count("pk", filter=done),
        on_time=Count("pk", filter=done & Q(delay_days=0)),
        overdue=Count("pk", filter=Q(status=TaskStatus.OPEN, due_on__lt=today)),
    )
    return BoardCounts(**figures)


def my_tasks(user: User) -> QuerySet[Task]:
    return (
        Task.objects.filter(assignee=user, branch__status=OrgStatus.ACTIVE)
        .exclude(status=TaskStatus.CANCELLED)
        .select_related("branch", "article")
        .order_by("status", "due_on", "pk")
    )


def _secretary_scope(user: User, field: str = "branch__path") -> Q | None:
    return abilities.visible(user, "work.unassigned", field=field)


def my_work(user: User) -> QuerySet[Task]:
    """The open work that is the user's to do: assigned to them, and — for a secretary — the
    branch's work nobody has been given yet. The workbench counts it and "my work" lists it."""
    mine = Q(assignee=user)
    secretary = _secretary_scope(user)
    if secretary is not None:
        mine |= Q(assignee__isnull=True) & secretary
    return (
        Task.objects.filter(mine, status=TaskStatus.OPEN, branch__status=OrgStatus.ACTIVE)
        .select_related("branch", "article", "assignee")
        .order_by("due_on", "pk")
    )


def week_end(today: dt.date) -> dt.date:
    """The Sunday of the week holding ``today``."""
    return today + dt.timedelta(days=6 - today.weekday())


WORK_VIEWS = ("week", "overdue", "open")


def work_in_view(tasks: QuerySet[Task], view: str, *, today: dt.date) -> QuerySet[Task]:
    """``week``: due from today to Sunday; ``overdue``: past its due date; ``open``: all."""
    if view == "week":
        return tasks.filter(due_on__range=(today, week_end(today)))
    if view == "overdue":
        return tasks.filter(due_on__lt=today)
    return tasks


def supervision_awaiting_reply(user: User) -> QuerySet[Task]:
    """督办 the user must answer: supervised work whose last word is the committee's (put
    under supervision or commented on, not yet answered). A secretary answers for the whole
    branch; anyone else for the work assigned to them."""
    from .models import EventKind, TaskEvent

    answerable = Q(assignee=user)
    secretary = _secretary_scope(user)
    if secretary is not None:
        answerable |= secretary
    last_word = (
        TaskEvent.objects.filter(
            task=OuterRef("pk"), kind__in=[EventKind.SUPERVISED, EventKind.COMMENT, EventKind.REPLY]
        )
        .order_by("-at", "-pk")
        .values("kind")[:1]
    )
    return (
        Task.objects.filter(answerable, supervised=True, branch__status=OrgStatus.ACTIVE)
        .exclude(status=TaskStatus.CANCELLED)
        .annotate(last_word=Subquery(last_word))
        .exclude(last_word=EventKind.REPLY)
        .select_related("branch", "article")
        .order_by("due_on", "pk")
    )


def sheets_visible_to(user: User) -> QuerySet[ReminderSheet]:
    q = abilities.visible(user, "sheet.view", field="branch__path")
    if q is None:
        return ReminderSheet.objects.none()
    return ReminderSheet.objects.filter(q)


def get_sheet_for(user: User, pk: int) -> ReminderSheet:
    return abilities.get_for(user, "sheet.view", ReminderSheet.objects.select_related("branch"), pk)


def done_work_by_article(branch: Organisation, *, first: dt.date, last: dt.date) -> dict[str, list[Task]]:
    """The branch's handbook tasks due in [first, last] and done, by article code: the
    evidence a scorecard line of that article can point to (one query)."""
    done: dict[str, list[Task]] = {}
    tasks = (
        Task.objects.filter(
            branch=branch,
            due_on__range=(first, last),
            status__in=(TaskStatus.DONE, TaskStatus.CHECKED),
            article__isnull=False,
        )
        .annotate(article_code=F("article__code"))
        .order_by("due_on", "pk")
    )
    for task in tasks:
        done.setdefault(task.article_code, []).append(task)
    return done


def handbook_tasks_due(branch: Organisation, *, first: dt.date, last: dt.date) -> list[Task]:
    """The branch's handbook tasks due in [first, last], cancelled ones aside, each with its
    ``article_code`` (one query): the scorecard reads its done work and its late tasks here."""
    return list(
        Task.objects.filter(branch=branch, due_on__range=(first, last), article__isnull=False)
        .exclude(status=TaskStatus.CANCELLED)
        .annotate(article_code=F("article__code"))
        .order_by("due_on", "pk")
    )


def chosen_tasks(branch: Organisation, ids: set[int]) -> list[Task]:
    """The tasks ``ids``, all of ``branch`` (the ticks of "complete several"), or 404: a tick
    of another branch's task names nothing of it."""
    chosen = list(
        Task.objects.filter(branch=branch, pk__in=ids)
        .select_related("branch", "article", "assignee")
        .order_by("due_on", "pk")
    )
    if len(chosen) != len(ids):
        raise Http404
    return chosen
