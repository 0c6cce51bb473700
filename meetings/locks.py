"""When a meeting record may no longer change: the records feed the measures of the quarter's
scorecard (对标自查评分表), so once the branch has submitted the card of the quarter a meeting
falls in (submitted, reviewed or final), that quarter's records are frozen. A returned card
opens them again, together with the card."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Meeting


def locking_card(branch_id: int, day: dt.date):
    """The scorecard of the quarter holding ``day`` that freezes the branch's records, or None."""
    from assessments.models import Scorecard
    from assessments.models.scorecards import SELF_EDITABLE

    quarter = (day.month - 1) // 3 + 1
    return (
        Scorecard.objects.filter(branch_id=branch_id, year=day.year, quarter=quarter)
        .exclude(status__in=SELF_EDITABLE)
        .first()
    )


def meeting_day(meeting: Meeting) -> dt.date:
    return timezone.localtime(meeting.held_at).date()


def is_frozen(meeting: Meeting) -> bool:
    return locking_card(meeting.branch_id, meeting_day(meeting)) is not None


def frozen_message(card) -> str:
    from assessments.desk import quarter_label

    return _(
        "The scorecard of %(period)s is %(status)s: its meeting records can no longer be changed. "
        "Ask the reviewer to return the scorecard first."
    ) % {"period": quarter_label(card.year, card.quarter), "status": card.get_status_display()}


def refusal(meeting: Meeting) -> str:
    card = locking_card(meeting.branch_id, meeting_day(meeting))
    return frozen_message(card) if card else ""
