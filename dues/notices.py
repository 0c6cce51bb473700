"""What the dues ledger tells people, through the notifications module: once a month, each
member in arrears (three months or more unpaid before this one) to their branch's
secretaries, and to the member themself in the platform. Keyed by the member and the month,
so a job that runs twice tells each once."""

import datetime as dt

from django.urls import reverse

from notifications.events import Event
from notifications.recipients import secretaries_of
from notifications.services import notify

from .selectors import arrears_everywhere, first_of


def arrears_reminders(*, today: dt.date) -> int:
    """Tells about every member in arrears on ``today``; returns how many members were told
    about (a second run in the same month tells nobody)."""
    month = f"{first_of(today):%Y-%m}"
    members = list(arrears_everywhere(today=today).select_related("user"))
    people = secretaries_of({member.branch_id for member in members})
    told = 0
    for member in members:
        context = {
            "member": member.name,
            "months": member.months_owed,
            "amount": f"{member.amount_owed or 0:.2f}",
            "month": month,
        }
        link = reverse("dues:member", args=[member.pk])
        message = notify(
            people.get(member.branch_id, []),
            Event.DUES_ARREARS,
            context,
            organisation=member.branch,
            link=link,
            key=f"dues_arrears:{member.pk}:{month}",
        )
        told += message is not None
        if member.user_id:
            notify(
                [member.user],
                Event.DUES_ARREARS_OWN,
                context,
                organisation=member.branch,
                link=link,
                key=f"dues_arrears_own:{member.pk}:{month}",
            )
    return told
