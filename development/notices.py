"""What the development files tell people, through the notifications module: the branch's
secretaries, a few days before each deadline of a file — the talk with an applicant (within a
month of the application), the end of a probationary member's probation (转正) and the next
half-yearly assessment (培养考察) of an activist or a probationary member. Keyed by the file,
the step and its date, so a job that runs every day tells each once (a new assessment
recorded moves the date, and the next one is told in its turn)."""

import datetime as dt

from django.conf import settings
from django.urls import reverse

from notifications.events import Event
from notifications.recipients import secretaries_of
from notifications.services import notify

from .models import Candidate
from .selectors import deadlines_of


def deadline_reminders(*, today: dt.date) -> int:
    """Tells about every open file whose deadline is at most ``DEVELOPMENT_DAYS_BEFORE`` days
    away (or already past, when no run told of it in time); returns how many were told."""
    days_before = settings.NOTIFY_DEVELOPMENT_DAYS_BEFORE
    rows = [row for row in deadlines_of(Candidate.objects.all()) if (row.due_on - today).days <= days_before]
    people = secretaries_of({row.candidate.branch_id for row in rows})
    told = 0
    for row in rows:
        candidate = row.candidate
        context = {
            "candidate": candidate.name,
            "stage": candidate.get_stage_display(),
            "step": row.step.label,
            "due_on": row.due_on.isoformat(),
            "days": (row.due_on - today).days,
        }
        message = notify(
            people.get(candidate.branch_id, []),
            Event.DEVELOPMENT_DEADLINE,
            context,
            organisation=candidate.branch,
            link=reverse("development:detail", args=[candidate.pk]),
            key=f"development:{candidate.pk}:{row.step.kind}:{row.due_on:%Y-%m-%d}",
        )
        told += message is not None
    return told
