"""The life of a task: open → done (time, note, evidence) → checked (quality, comment), or
cancelled with a reason; assignment; supervision (督办) with comments the branch answers.
Every change writes a TaskEvent (who, when, what).

A step the task's current state forbids raises ``Conflict`` (the REST API's 409); wrong or
missing input a plain ``ValidationError`` (400). Both show on the HTML forms alike."""

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from branches import abilities
from branches.models import User
from config.exceptions import Conflict
from notifications.events import Event
from notifications.recipients import task_people
from notifications.services import notify

from ..evidence import MAX_FILES, checked_type
from ..models import EventKind, Evidence, Notification, NotificationKind, Quality, Task, TaskEvent, TaskStatus
from ..selectors import assignable_users
from ..tallies import state, tally_change

CHECK_COMMENT_LENGTH = 2000


def _locked(task: Task) -> Task:
    # Only the task row is locked: the article and request are nullable outer joins.
    return Task.objects.select_for_update(of=("self",)).select_related("branch", "article").get(pk=task.pk)


def _tell_supervision(task: Task, by: User, comment: str) -> None:
    """督办: whoever does the task hears what the reviewer expects (and the branch's group)."""
    notify(
        task_people(task),
        Event.SUPERVISION,
        {"task": task.title, "due_on": f"{task.due_on:%Y-%m-%d}", "by": str(by), "comment": comment[:300]},
        organisation=task.branch,
        link=reverse("tasks:detail", args=[task.pk]),
    )


def _record(task: Task, kind: str, by: User | None, text: str = "", **changes: object) -> TaskEvent:
    return TaskEvent.objects.create(task=task, kind=kind, by=by, text=text, changes=changes)


@transaction.atomic
def task_assign(*, task: Task, assignee: User | None, by: User) -> Task:
    """Assigns (or reassigns, or un-assigns) to a person of the branch."""
    task = _locked(task)
    abilities.require(by, "task.assign", task)
    if assignee is not None and not assignable_users(task.branch).filter(pk=assignee.pk).exists():
        raise ValidationError({"assignee": _("Tasks can only be assigned to a person of the branch.")})
    if task.assignee_id == (assignee.pk if assignee else None):
        return task
    old = str(task.assignee) if task.assignee_id else ""
    task.assignee = assignee
    task.save(update_fields=["assignee"])
    _record(task, EventKind.ASSIGNED, by, assignee=[old, str(assignee) if assignee else ""])
    return task


@transaction.atomic
def task_complete(
    *,
    task: Task,
    by: User,
    note: str = "",
    files: Sequence[UploadedFile] = (),
    at: dt.datetime | None = None,
) -> Task:
    """Done in one step: completion time, note and evidence files (each checked first; a
    bad file refuses the whole step and nothing is stored)."""
    task = _locked(task)
    abilities.require(by, "task.complete", task)
    if len(files) > MAX_FILES:
        raise ValidationError(_("At most %(n)d files at a time.") % {"n": MAX_FILES})
    types = [checked_type(upload) for upload in files]
    if not note.strip() and not files:
        raise ValidationError(_("Say what was done or attach evidence."))
    _mark_done(task, by=by, note=note, at=at or timezone.now(), files=files, types=types)
    return task


def _mark_done(
    task: Task, *, by: User, note: str, at: dt.datetime, files: Sequence[UploadedFile], types: Sequence[str]
) -> None:
    """Writes the completion and stores each (already checked) file as this task's evidence."""
    before = state(task)
    task.status = TaskStatus.DONE
    task.completed_at = at
    task.completed_by = by
    task.completion_note = note.strip()
    task.delay_days = max(0, (timezone.localdate(at) - task.due_on).days) if task.due_on else 0
    task.full_clean()
    task.save(update_fields=["status", "completed_at", "completed_by", "completion_note", "delay_days"])
    tally_change(before, task)
    for upload, content_type in zip(files, types, strict=True):
        evidence = Evidence(
            task=task,
            original_name=(upload.name or "")[-255:],
            content_type=content_type,
            size=upload.size or 0,
            uploaded_by=by,
        )
        # One upload may be stored for several tasks: each copy is read from its start.
        upload.seek(0)
        evidence.file.save(upload.name or "evidence", upload, save=False)
        evidence.save()
        _record(task, EventKind.EVIDENCE, by, text=evidence.original_name)
    _record(task, EventKind.COMPLETED, by, text=task.completion_note, delay_days=task.delay_days)


def _named(task: Task) -> str:
    return f"{task.code} {task}".strip()


@transaction.atomic
def tasks_complete_many(
    *,
    tasks: Sequence[Task],
    by: User,
    note: str = "",
    files: Sequence[UploadedFile] = (),
    at: dt.datetime | None = None,
) -> list[Task]:
    """Several open tasks done in one step (a secretary back from site with a fortnight of the
    same daily article): one note and one set of files, a copy of each file stored per task.
    All or none: a task the user may not complete, or that is no longer open, refuses the
    whole step (404 / 403 / Conflict naming it) and nothing is changed or stored."""
    if not tasks:
        raise ValidationError(_("Choose at least one task."))
    if len(files) > MAX_FILES:
        raise ValidationError(_("At most %(n)d files at a time.") % {"n": MAX_FILES})
    # Locked in one order, so that two such steps over the same tasks cannot deadlock.
    locked = list(
        Task.objects.select_for_update(of=("self",))
        .select_related("branch", "article")
        .filter(pk__in={task.pk for task in tasks})
        .order_by("pk")
    )
    if len(locked) != len({task.pk for task in tasks}):
        raise Http404
    for task in locked:
        try:
            abilities.require(by, "task.complete", task)
        except Conflict as exc:
            raise Conflict(f"{_named(task)}: {' '.join(exc.messages)}") from exc
    types = [checked_type(upload) for upload in files]
    if not note.strip() and not files:
        raise ValidationError(_("Say what was done or attach evidence."))
    at = at or timezone.now()
    for task in locked:
        _mark_done(task, by=by, note=note, at=at, files=files, types=types)
    return locked


@transaction.atomic
def task_check(*, task: Task, by: User, quality: str, comment: str = "") -> Task:
    """核: a reviewer rates the work done (优 / 良 / 中 / 差)."""
    task = _locked(task)
    abilities.require(by, "task.check", task)
    if quality not in Quality.values:
        raise ValidationError({"quality": _("Choose a quality rating.")})
    if len(comment.strip()) > CHECK_COMMENT_LENGTH:
        raise ValidationError(
            {"comment": _("Keep the comment within %(max)d characters.") % {"max": CHECK_COMMENT_LENGTH}}
        )
    before = state(task)
    task.status = TaskStatus.CHECKED
    task.quality = quality
    task.check_comment = comment.strip()
    task.checked_at = timezone.now()
    task.checked_by = by
    task.save(update_fields=["status", "quality", "check_comment", "checked_at", "checked_by"])
    tally_change(before, task)
    _record(task, EventKind.CHECKED, by, text=task.check_comment, quality=quality)
    return task


@transaction.atomic
def task_cancel(*, task: Task, by: User, reason: str) -> Task:
    task = _locked(task)
    abilities.require(by, "task.cancel", task)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason for cancelling.")})
    before = state(task)
    task.status = TaskStatus.CANCELLED
    task.cancel_reason = reason[:200]
    task.cancelled_at = timezone.now()
    task.save(update_fields=["status", "cancel_reason", "cancelled_at"])
    tally_change(before, task)
    _record(task, EventKind.CANCELLED, by, text=task.cancel_reason)
    return task


@transaction.atomic
def task_supervise(*, task: Task, by: User, comment: str) -> Task:
    """督办: puts the task under the reviewer's supervision, with what is expected."""
    task = _locked(task)
    abilities.require(by, "task.supervise", task)
    if not comment.strip():
        raise ValidationError({"text": _("Write what the branch must do.")})
    task.supervised = True
    task.supervised_at = timezone.now()
    task.save(update_fields=["supervised", "supervised_at"])
    _record(task, EventKind.SUPERVISED, by, text=comment.strip())
    Notification.objects.create(branch=task.branch, kind=NotificationKind.SUPERVISION, task=task)
    _tell_supervision(task, by, comment.strip())
    return task


@transaction.atomic
def task_comment(*, task: Task, by: User, text: str) -> TaskEvent:
    """A reviewer's further comment on a supervised task."""
    task = _locked(task)
    abilities.require(by, "task.comment", task)
    if not text.strip():
        raise ValidationError({"text": _("Write a comment.")})
    Notification.objects.create(branch=task.branch, kind=NotificationKind.SUPERVISION, task=task)
    _tell_supervision(task, by, text.strip())
    return _record(task, EventKind.COMMENT, by, text=text.strip())


@transaction.atomic
def task_reply(*, task: Task, by: User, text: str) -> TaskEvent:
    """The branch answers the supervision comments."""
    task = _locked(task)
    abilities.require(by, "task.reply", task)
    if not text.strip():
        raise ValidationError({"text": _("Write an answer.")})
    event = _record(task, EventKind.REPLY, by, text=text.strip())
    # The reviewers who supervised or commented hear the answer.
    supervisors = User.objects.filter(
        pk__in=task.events.filter(kind__in=(EventKind.SUPERVISED, EventKind.COMMENT)).values("by_id"), is_active=True
    )
    notify(
        supervisors,
        Event.SUPERVISION_REPLY,
        {"task": task.title, "by": str(by), "reply": event.text[:300]},
        organisation=task.branch,
        link=reverse("tasks:detail", args=[task.pk]),
    )
    return event


@transaction.atomic
def task_release(*, task: Task, by: User) -> Task:
    """Ends supervision."""
    task = _locked(task)
    abilities.require(by, "task.release", task)
    task.supervised = False
    task.save(update_fields=["supervised"])
    _record(task, EventKind.RELEASED, by)
    return task
