"""阶段性工作要求: a committee sends a task with a deadline to all or chosen branches below it."""

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from branches.models import Organisation, User
from branches.selectors import in_subtree
from config.exceptions import Conflict
from notifications.events import Event
from notifications.recipients import secretaries_of
from notifications.services import notify

from ..models import AdHocRequest, EventKind, Notification, NotificationKind, Task, TaskEvent
from ..periods import local_today
from ..tallies import tally_new_open
from .generation import branches_for_tasks


@transaction.atomic
def request_send(
    *,
    organisation: Organisation,
    title: str,
    what: str,
    due_on: dt.date,
    by: User,
    standard: str = "",
    branches: Sequence[Organisation] | None = None,
    today: dt.date | None = None,
) -> AdHocRequest:
    """Creates the request and one task per branch (every active branch below
    ``organisation`` when ``branches`` is None), each branch notified."""
    today = today or local_today()
    if due_on < today:
        raise ValidationError({"due_on": _("The deadline cannot be in the past.")})
    below = branches_for_tasks().filter(in_subtree(organisation))
    if branches is None:
        targets = list(below)
    else:
        allowed = set(below.values_list("pk", flat=True))
        if not branches or any(branch.pk not in allowed for branch in branches):
            raise ValidationError({"branches": _("Choose one or more active branches below this organisation.")})
        targets = list(branches)
    if not targets:
        raise Conflict(_("There is no active branch below this organisation."))
    request = AdHocRequest(
        organisation=organisation, title=title.strip(), what=what.strip(), standard=standard.strip(), due_on=due_on
    )
    request.created_by = by
    request.full_clean()
    request.save()
    tasks = Task.objects.bulk_create(
        Task(
            branch=branch,
            request=request,
            title=request.title,
            period_key=f"{today:%Y-%m}",
            period_start=today,
            period_end=due_on,
            due_on=due_on,
        )
        for branch in targets
    )
    tally_new_open(tasks)
    TaskEvent.objects.bulk_create(TaskEvent(task=task, kind=EventKind.CREATED, by=by) for task in tasks)
    Notification.objects.bulk_create(
        Notification(branch_id=task.branch_id, kind=NotificationKind.REQUEST, task=task) for task in tasks
    )
    people = secretaries_of(task.branch_id for task in tasks)
    for task in tasks:
        notify(
            people.get(task.branch_id, []),
            Event.REQUIREMENT,
            {
                "title": request.title,
                "what": request.what[:300],
                "due_on": f"{request.due_on:%Y-%m-%d}",
                "sender": organisation.name,
            },
            organisation=task.branch,
            link=reverse("tasks:detail", args=[task.pk]),
        )
    return request
