"""The secretary's board of a branch, a person's own tasks, the reviewer's overview and the
work requirements a committee sends."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from branches import abilities
from branches.models import Organisation, OrgKind
from branches.selectors import in_subtree
from config.request_values import parse_id

from .. import selectors, services
from ..forms import CompleteForm, RequestForm, add_service_errors
from ..models import Notification, Task, TaskStatus
from ..periods import local_today, period_of
from ..statistics import task_statistics

BOARD_TABS = ("month", "quarter", "overdue", "done", "cancelled")
BOARD_ROWS = 500
MY_ROWS = 300


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """My work: what is mine to do (this week's, the overdue, all that is open), and the
    boards I may open. The workbench's counts link here and count the same rows."""
    today = local_today()
    show = request.GET.get("show", "open")
    if show not in selectors.WORK_VIEWS:
        show = "open"
    work = selectors.work_in_view(selectors.my_work(request.user), show, today=today)
    mine = list(work[:MY_ROWS])
    completable = {task.pk for task in mine if abilities.can(request.user, "task.complete", task)}
    # Ticked rows are sent to their own branch's "complete several" page: one form per branch.
    branches = {task.branch_id: task.branch for task in mine if task.pk in completable}
    many = [unit for unit in branches.values() if abilities.can(request.user, "work.complete_many", unit)]
    boards = selectors.branches_with_tasks_for(request.user).order_by("path")[:200]
    return render(
        request,
        "tasks/home.html",
        {
            "mine": mine,
            "completable": completable,
            "many": many,
            "many_ids": {unit.pk for unit in many},
            "count": work.count(),
            "show": show,
            "views": selectors.WORK_VIEWS,
            "boards": boards,
            "today": today,
        },
    )


@login_required
def board(request: HttpRequest, pk: int) -> HttpResponse:
    branch = abilities.unit_for(request.user, pk, "board.view")
    if branch.kind != OrgKind.BRANCH:
        raise Http404
    show = request.GET.get("show", "month")
    if show not in BOARD_TABS:
        show = "month"
    today = local_today()
    listed = selectors.board(branch, show=show, today=today)
    tasks = list(listed[:BOARD_ROWS])
    # The figures above the list count the list itself: the month's (or the quarter's) rows.
    counts = selectors.board_counts(listed, today=today)
    return render(
        request,
        "tasks/board.html",
        {
            "org": branch,
            "tasks": tasks,
            "completable": {task.pk for task in tasks if abilities.can(request.user, "task.complete", task)},
            "show": show,
            "tabs": BOARD_TABS,
            "today": today,
            "counts": counts,
            "more": max(0, counts.listed - len(tasks)),
        },
    )


def _chosen(request: HttpRequest, branch: Organisation) -> list[Task]:
    """The tasks ticked on the board (``?task=1&task=2``): all of this branch, or 404."""
    source = request.POST if request.method == "POST" else request.GET
    ids = {parse_id(value) for value in source.getlist("task")}
    if None in ids:
        raise Http404
    return selectors.chosen_tasks(branch, ids)


@login_required
def complete_many(request: HttpRequest, pk: int) -> HttpResponse:
    """Several ticked tasks of the board done at once, with one note and one set of files."""
    branch = abilities.unit_for(request.user, pk, "work.complete_many")
    # A plain member ticks their own tasks on "my work" and goes back there; officers to the board.
    to_board = abilities.can(request.user, "board.view", branch)
    back = reverse("tasks:board", args=[branch.pk]) if to_board else reverse("tasks:home")
    chosen = _chosen(request, branch)
    # A task the user may not even read (another member's) is refused whole, never named.
    if not all(abilities.holds(request.user, "task.view", task) for task in chosen):
        raise PermissionDenied
    form = CompleteForm(request.POST or None, request.FILES or None)
    # Named before anything is posted, so that the user sees which ticks to take back.
    for task in chosen:
        if not abilities.can(request.user, "task.complete", task):
            reason = (
                abilities.refusal("task.complete", task)
                if abilities.holds(request.user, "task.complete", task)
                else _("You may not complete this task.")
            )
            form.add_error(None, f"{task.code} {task}: {reason}".strip())
    if request.method == "POST" and form.is_valid():
        try:
            done = services.tasks_complete_many(
                tasks=chosen, by=request.user, note=form.cleaned_data["note"], files=form.cleaned_data["files"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("%(count)d task(s) marked as done.") % {"count": len(done)})
            return redirect(back)
    return render(
        request,
        "tasks/complete_many.html",
        {"org": branch, "chosen": chosen, "form": form, "back": back, "to_board": to_board},
    )


def _quarter_from(request: HttpRequest, today: dt.date) -> dt.date:
    raw = request.GET.get("on", "")
    try:
        return dt.date.fromisoformat(raw) if raw else today
    except ValueError:
        return today


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    """跟踪督办 across the subtree: overdue by branch, supervised tasks, on-time rate."""
    abilities.require(request.user, "tasks.overview")
    today = local_today()
    quarter = period_of("quarterly", _quarter_from(request, today))
    branches = selectors.branches_with_tasks_for(request.user, ability="tasks.overview")
    stats = task_statistics(branches=branches, first=quarter.start, last=quarter.end, today=today)
    overdue_now = dict(
        selectors.tasks_visible_to(request.user, ability="tasks.overview")
        .filter(status=TaskStatus.OPEN, due_on__lt=today)
        .values_list("branch_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    rows = [
        {"branch": branch, "stats": stats.get(branch.pk), "overdue_now": overdue_now.get(branch.pk, 0)}
        for branch in branches.order_by("path")
    ]
    rows.sort(key=lambda row: (-row["overdue_now"], row["branch"].code))
    supervised = (
        selectors.tasks_visible_to(request.user, ability="tasks.overview")
        .filter(supervised=True)
        .exclude(status=TaskStatus.CANCELLED)
        .select_related("branch", "article")
        .order_by("due_on")[:200]
    )
    senders = selectors.request_senders_for(request.user)
    return render(
        request,
        "tasks/overview.html",
        {
            "rows": rows,
            "supervised": supervised,
            "quarter": quarter,
            "previous": quarter.start - dt.timedelta(days=1),
            "next": quarter.end + dt.timedelta(days=1),
            "senders": senders.order_by("path")[:20],
            "today": today,
        },
    )


@login_required
def notifications(request: HttpRequest, pk: int) -> HttpResponse:
    branch = abilities.unit_for(request.user, pk, "board.view")
    items = (
        Notification.objects.filter(branch=branch)
        .select_related("sheet", "task", "task__request")
        .order_by("-created_at", "-pk")[:100]
    )
    return render(request, "tasks/notifications.html", {"org": branch, "items": items})


@login_required
def request_create(request: HttpRequest, pk: int) -> HttpResponse:
    """阶段性工作要求: sent from a committee or general branch to the branches below it."""
    organisation = abilities.unit_for(request.user, pk, "requirement.send")
    if not abilities.can(request.user, "requirement.send", organisation):
        # A branch, a group or a dissolved unit sends no requirement: the same answer as the API's.
        return render(
            request,
            "conflict.html",
            {"message": abilities.refusal("requirement.send", organisation)},
            status=409,
        )
    below = services.branches_for_tasks().filter(in_subtree(organisation)).order_by("path")
    form = RequestForm(request.POST or None, branches=below)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            sent = services.request_send(
                organisation=organisation,
                title=data["title"],
                what=data["what"],
                standard=data["standard"],
                due_on=data["due_on"],
                branches=list(data["branches"]) or None,
                by=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Sent to %(count)d branch(es).") % {"count": sent.tasks.count()})
            return redirect("tasks:overview")
    return render(request, "tasks/request_form.html", {"org": organisation, "form": form})
