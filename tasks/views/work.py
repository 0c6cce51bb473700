"""One task: its page, and each step of its life (complete, assign, cancel, check,
supervise, comment, answer), each a small form that posts to a service."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from branches import abilities

from .. import selectors, services
from ..forms import AssignForm, CheckForm, CompleteForm, ReasonForm, TextForm, add_service_errors
from ..models import Task
from ..periods import local_today


@login_required
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.get_task_for(request.user, pk)
    return render(
        request,
        "tasks/detail.html",
        {
            "task": task,
            "overdue": task.is_overdue(local_today()),
            "evidence": task.evidence.all(),
            "events": task.events.select_related("by"),
            "may": abilities.actions_map(request.user, task),
            "reply_form": TextForm(),
        },
    )


def _step(
    request: HttpRequest,
    pk: int,
    *,
    ability: str,
    make_form: Callable[[Task, Any, Any], forms.Form],
    run: Callable[[Task, dict[str, Any]], object],
    title: str,
    done: str,
) -> HttpResponse:
    task = selectors.get_task_for(request.user, pk, ability=ability)
    data = request.POST if request.method == "POST" else None
    files = request.FILES if request.method == "POST" else None
    form = make_form(task, data, files)
    if request.method == "POST" and form.is_valid():
        try:
            run(task, form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("tasks:detail", pk=task.pk)
    return render(request, "tasks/step.html", {"task": task, "form": form, "title": title})


@login_required
def task_complete(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        ability="task.complete",
        make_form=lambda task, data, files: CompleteForm(data, files),
        run=lambda task, d: services.task_complete(task=task, by=request.user, note=d["note"], files=d["files"]),
        title=_("Complete with evidence"),
        done=_("Marked as done."),
    )


@login_required
def task_assign(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        ability="task.assign",
        make_form=lambda task, data, files: AssignForm(
            data, people=selectors.assignable_users(task.branch), initial={"assignee": task.assignee_id}
        ),
        run=lambda task, d: services.task_assign(task=task, assignee=d["assignee"], by=request.user),
        title=_("Assign"),
        done=_("Assigned."),
    )


@login_required
def task_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        ability="task.cancel",
        make_form=lambda task, data, files: ReasonForm(data),
        run=lambda task, d: services.task_cancel(task=task, by=request.user, reason=d["reason"]),
        title=_("Cancel the task"),
        done=_("Cancelled."),
    )


@login_required
def task_check(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        ability="task.check",
        make_form=lambda task, data, files: CheckForm(data),
        run=lambda task, d: services.task_check(task=task, by=request.user, quality=d["quality"], comment=d["comment"]),
        title=_("Check the work"),
        done=_("Checked."),
    )


@login_required
def task_supervise(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        ability="task.supervise",
        make_form=lambda task, data, files: TextForm(data),
        run=lambda task, d: services.task_supervise(task=task, by=request.user, comment=d["text"]),
        title=_("Put under supervision"),
        done=_("The task is under supervision; the branch has been notified."),
    )


@login_required
def task_comment(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        ability="task.comment",
        make_form=lambda task, data, files: TextForm(data),
        run=lambda task, d: services.task_comment(task=task, by=request.user, text=d["text"]),
        title=_("Supervision comment"),
        done=_("Comment sent."),
    )


@login_required
def task_reply(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        ability="task.reply",
        make_form=lambda task, data, files: TextForm(data),
        run=lambda task, d: services.task_reply(task=task, by=request.user, text=d["text"]),
        title=_("Answer the supervision"),
        done=_("Answer sent."),
    )


@login_required
@require_POST
def task_release(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.get_task_for(request.user, pk, ability="task.release")
    try:
        services.task_release(task=task, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Supervision ended."))
    return redirect("tasks:detail", pk=task.pk)


@login_required
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    evidence = selectors.get_evidence_for(request.user, pk)
    response = FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
