"""What the committee requires, per organisation: the channels a person cannot turn off.

An administrator sets, for an event, the required channels of a unit (``ChannelRule``); the
units below inherit them: a unit's rule is its own, else its nearest ancestor's, else the
event's ``required`` in ``events.py``. ``notify()`` applies the rule of the message's
organisation; the preferences page shows as required what any of the person's units requires.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction

from branches.models import Organisation, User
from branches.selectors import grants_of

from .events import CHOOSABLE, PERSONAL, spec_of
from .models import ChannelRule


@dataclass(frozen=True)
class Resolved:
    required: tuple[str, ...]
    source: Organisation | None  # the unit whose rule applies; None: the platform's default


def _chain(path: str) -> list[int]:
    """The unit of ``path`` and those above it, nearest first."""
    return [int(part) for part in reversed(path.strip("/").split("/")) if part]


def _ordered(channels: Iterable[str]) -> tuple[str, ...]:
    chosen = set(channels)
    return tuple(c for c in PERSONAL if c in chosen)


def _rules(paths: Iterable[str], events: Iterable[str]) -> dict[tuple[int, str], ChannelRule]:
    ids = {pk for path in paths for pk in _chain(path)}
    rows = ChannelRule.objects.filter(organisation_id__in=ids, event__in=list(events)).select_related("organisation")
    return {(rule.organisation_id, rule.event): rule for rule in rows}


def _resolve(path: str, event: str, rules: dict[tuple[int, str], ChannelRule], *, skip_own: bool = False) -> Resolved:
    chain = _chain(path)[1:] if skip_own else _chain(path)
    for pk in chain:
        rule = rules.get((pk, event))
        if rule is not None:
            return Resolved(_ordered(rule.required), rule.organisation)
    return Resolved(_ordered(spec_of(event).required), None)


def required_at(organisation: Organisation | None, event: str) -> tuple[str, ...]:
    """The channels required for ``event`` about ``organisation`` (one query)."""
    if organisation is None:
        return _ordered(spec_of(event).required)
    return _resolve(organisation.path, event, _rules([organisation.path], [event])).required


def rules_for(paths: Iterable[str], event: str) -> dict[tuple[int, str], ChannelRule]:
    """The rules of ``event`` on the units of ``paths`` and above them (one query), for ``resolve``."""
    return _rules(paths, [event])


def resolve(path: str, event: str, rules: dict[tuple[int, str], ChannelRule]) -> tuple[str, ...]:
    """``required_at`` of the unit at ``path`` from rules loaded by ``rules_for`` (no query)."""
    return _resolve(path, event, rules).required


def _paths_of(user: User) -> list[str]:
    from members.models import Member

    paths = {grant.path for grant in grants_of(user)}
    paths.update(Member.objects.filter(user=user).values_list("branch__path", flat=True))
    return sorted(p for p in paths if p)


def required_for_user(user: User) -> dict[str, tuple[str, ...]]:
    """Per event, what any of the person's units (their roles, their member record)
    requires; the platform's defaults for someone with none (two queries)."""
    paths = _paths_of(user)
    if not paths:
        return {event: _ordered(spec_of(event).required) for event in CHOOSABLE}
    rules = _rules(paths, CHOOSABLE)
    return {event: _ordered(c for path in paths for c in _resolve(path, event, rules).required) for event in CHOOSABLE}


@dataclass(frozen=True)
class Row:
    event: str
    own: ChannelRule | None
    applies: Resolved
    inherited: Resolved


def table_of(organisation: Organisation) -> list[Row]:
    """The administrator's page: per event, the unit's own rule (if any), what applies, and
    what it would inherit without its own rule."""
    rules = _rules([organisation.path], CHOOSABLE)
    return [
        Row(
            event=event,
            own=rules.get((organisation.pk, event)),
            applies=_resolve(organisation.path, event, rules),
            inherited=_resolve(organisation.path, event, rules, skip_own=True),
        )
        for event in CHOOSABLE
    ]


@transaction.atomic
def rules_save(*, organisation: Organisation, by: User, chosen: set[str]) -> int:
    """Stores the unit's rules from the ticked boxes (``"event:channel"``). An event whose
    ticks equal what the unit would inherit keeps no rule of its own (it follows the units
    above); any other gets one. Returns how many rules the unit now has."""
    from .preferences import offered_channels

    offered = offered_channels()
    rows = {row.event: row for row in table_of(organisation)}
    kept = 0
    for event in CHOOSABLE:
        # A channel not offered here (SMS without a provider) keeps what applies now.
        required = _ordered(
            c for c in PERSONAL if (f"{event}:{c}" in chosen if c in offered else c in rows[event].applies.required)
        )
        if required == rows[event].inherited.required:
            ChannelRule.objects.filter(organisation=organisation, event=event).delete()
            continue
        ChannelRule.objects.update_or_create(
            organisation=organisation, event=event, defaults={"required": list(required), "updated_by": by}
        )
        kept += 1
    return kept
