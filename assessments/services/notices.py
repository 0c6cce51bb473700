"""What the assessments tell people, through the notifications module: a feedback sheet
ready, a scorecard returned, a scorecard deadline approaching, rectification items due soon
or overdue. The periodic ones are keyed (the item and its deadline, the branch and its
quarter), so a job that runs twice, or every day, tells each thing once."""

import datetime as dt

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from notifications.events import Event
from notifications.recipients import secretaries, secretaries_of
from notifications.services import notify

from ..models import RectificationItem, RectificationStatus, Scorecard, ScorecardStatus
from .scorecards import default_deadline


def _quarter(year: int, quarter: int) -> str:
    """The quarter in words (2026年第3季度), in the platform's language: the messages' templates
    are written in it, whoever's request sends them."""
    with translation.override(settings.LANGUAGE_CODE):
        return _("%(year)d, quarter %(quarter)d") % {"year": year, "quarter": quarter}


def feedback_ready(*, scorecard_id: int) -> None:
    card = Scorecard.objects.select_related("branch").get(pk=scorecard_id)
    notify(
        secretaries(card.branch_id),
        Event.FEEDBACK_READY,
        {
            "period": _quarter(card.year, card.quarter),
            "total": f"{card.review_total}" if card.review_total is not None else "",
            "grade": card.get_grade_display(),
        },
        organisation=card.branch,
        link=reverse("assessments:scorecard", args=[card.pk]),
        key=f"feedback_ready:{card.pk}",
    )


def review_returned(card: Scorecard) -> None:
    notify(
        secretaries(card.branch_id),
        Event.REVIEW_RETURNED,
        {"period": _quarter(card.year, card.quarter), "reason": card.return_reason[:300]},
        organisation=card.branch,
        link=reverse("assessments:scorecard", args=[card.pk]),
        key=f"review_returned:{card.pk}:{card.times_returned}",
    )


def _quarters_around(today: dt.date) -> list[tuple[int, int]]:
    quarter = (today.month - 1) // 3 + 1
    previous = (today.year, quarter - 1) if quarter > 1 else (today.year - 1, 4)
    return [previous, (today.year, quarter)]


def scorecard_deadline_reminders(*, today: dt.date) -> int:
    """Tells the branches that have not submitted a quarter's scorecard, within
    NOTIFY_SCORECARD_DAYS_BEFORE days of its deadline. Returns how many were told."""
    from tasks.services import branches_for_tasks

    told = 0
    for year, quarter in _quarters_around(today):
        deadline = default_deadline(year, quarter)
        days = (deadline - today).days
        if not 0 <= days <= settings.NOTIFY_SCORECARD_DAYS_BEFORE:
            continue
        submitted = Scorecard.objects.filter(year=year, quarter=quarter).exclude(status=ScorecardStatus.DRAFT)
        branches = list(branches_for_tasks().exclude(pk__in=submitted.values("branch_id")).order_by("path"))
        people = secretaries_of(branch.pk for branch in branches)
        for branch in branches:
            message = notify(
                people.get(branch.pk, []),
                Event.SCORECARD_DEADLINE,
                {"period": _quarter(year, quarter), "deadline": f"{deadline:%Y-%m-%d}", "days": days},
                organisation=branch,
                link=reverse("assessments:branch", args=[branch.pk]),
                key=f"scorecard_deadline:{branch.pk}:{year}Q{quarter}",
            )
            told += message is not None
    return told


def rectification_reminders(*, today: dt.date) -> int:
    """Tells the owners of open items due within NOTIFY_RECTIFICATION_DAYS_BEFORE days, and
    of those past their deadline (once per item and deadline each)."""
    soon = today + dt.timedelta(days=settings.NOTIFY_RECTIFICATION_DAYS_BEFORE)
    items = (
        RectificationItem.objects.filter(status=RectificationStatus.OPEN, deadline__lte=soon)
        .select_related("branch", "owner")
        .order_by("deadline", "pk")
    )
    items = list(items)
    people = secretaries_of({item.branch_id for item in items})
    told = 0
    for item in items:
        overdue = item.deadline < today
        event = Event.RECTIFICATION_OVERDUE if overdue else Event.RECTIFICATION_DUE
        owner = item.owner if item.owner_id and item.owner.is_active else None
        message = notify(
            [owner] if owner else people.get(item.branch_id, []),
            event,
            {
                "code": item.article_code,
                "deadline": f"{item.deadline:%Y-%m-%d}",
                "days": abs((item.deadline - today).days),
                "owner": item.owner_display or "—",
            },
            organisation=item.branch,
            link=reverse("assessments:rectification_item", args=[item.pk]),
            key=f"{event}:{item.pk}:{item.deadline:%Y%m%d}",
        )
        told += message is not None
    return told
