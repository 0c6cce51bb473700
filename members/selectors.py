"""Reads of the roster."""

from branches.models import Organisation

from .models import ON_ROLL_STATUSES, Member


def members_on_roll_count(organisation: Organisation) -> int:
    """Members still on the roll anywhere in the organisation's subtree."""
    return Member.objects.filter(branch__path__startswith=organisation.path, status__in=ON_ROLL_STATUSES).count()
