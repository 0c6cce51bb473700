"""每人的通知选择: which events reach a person on which of their own channels.

No row: the event's default. The channels the committee requires for an event are always
on: those of the message's organisation when it is sent, and on the page those any of the
person's units requires (``requirements``: the nearest unit's rule, else
``EventSpec.required``); text messages only when a provider is configured.
"""

from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction

from branches.models import Organisation, User

from .channels.sms import sms_available
from .events import CHOOSABLE, PERSONAL, Channel, Event, spec_of
from .models import Preference
from .requirements import required_at, required_for_user


def offered_channels() -> tuple[str, ...]:
    return tuple(c for c in PERSONAL if c != Channel.SMS or sms_available())


def channels_for(
    users: Iterable[User], event: str, *, organisation: Organisation | None = None
) -> dict[int, list[str]]:
    """Each user's channels for ``event`` about ``organisation`` (two queries)."""
    users = list(users)
    return channels_from(users, event, required_at(organisation, event), choices_of(users, event))


def choices_of(users: Iterable[User], event: str) -> dict[int, dict[str, bool]]:
    """The users' own choices for ``event`` (one query)."""
    choices: dict[int, dict[str, bool]] = defaultdict(dict)
    rows = Preference.objects.filter(user__in=list(users), event=event).values_list("user_id", "channel", "enabled")
    for user_id, channel, enabled in rows:
        choices[user_id][channel] = enabled
    return choices


def channels_from(
    users: Iterable[User], event: str, required: Iterable[str], choices: dict[int, dict[str, bool]]
) -> dict[int, list[str]]:
    """Each user's channels from what is required and their choices (no query)."""
    spec = spec_of(event)
    required = tuple(required)
    offered = offered_channels()
    result: dict[int, list[str]] = {}
    for user in users:
        mine = choices.get(user.pk, {})
        result[user.pk] = [
            channel for channel in offered if channel in required or mine.get(channel, channel in spec.default)
        ]
    return result


def table_for(user: User) -> list[dict]:
    """The preferences page: one row per event, one cell per channel (on, and whether it may
    be changed)."""
    rows = Preference.objects.filter(user=user).values_list("event", "channel", "enabled")
    mine = {(event, channel): enabled for event, channel, enabled in rows}
    required_by = required_for_user(user)
    table = []
    for event in CHOOSABLE:
        spec = spec_of(event)
        cells = []
        for channel in offered_channels():
            required = channel in required_by[event]
            on = required or mine.get((event, channel), channel in spec.default)
            cells.append(
                {
                    "channel": channel,
                    "label": Channel(channel).label,
                    "on": on,
                    "required": required,
                    "name": f"{event}:{channel}",
                }
            )
        table.append({"event": event, "label": Event(event).label, "cells": cells})
    return table


@transaction.atomic
def preferences_save(*, user: User, chosen: set[str]) -> int:
    """Stores the person's choices: ``chosen`` holds ``"event:channel"`` for each box ticked.
    Required channels stay on whatever is sent. Returns how many choices differ from the
    defaults."""
    Preference.objects.filter(user=user).delete()
    required_by = required_for_user(user)
    rows = []
    for event in CHOOSABLE:
        spec = spec_of(event)
        for channel in offered_channels():
            if channel in required_by[event]:
                continue
            on = f"{event}:{channel}" in chosen
            if on != (channel in spec.default):
                rows.append(Preference(user=user, event=event, channel=channel, enabled=on))
    Preference.objects.bulk_create(rows)
    return len(rows)
