"""Writes of the dues ledger: keyword-only, checked, atomic; ``by=None`` is the system itself."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from branches import abilities
from branches.models import Organisation, User
from config.exceptions import Conflict
from members.models import ON_ROLL_STATUSES, Member

from . import brackets
from .models import DuesEntry, DuesMonth


@dataclass
class Values:
    """What a keeper enters for one member's month."""

    base: Decimal
    payer_kind: str = brackets.PayerKind.EMPLOYED
    amount_paid: Decimal = Decimal("0.00")
    paid_on: dt.date | None = None
    override_amount: Decimal | None = None
    override_reason: str = ""


def _month(branch: Organisation, month: dt.date, *, lock: bool = False) -> DuesMonth:
    rows = DuesMonth.objects.select_for_update() if lock else DuesMonth.objects
    found = rows.filter(branch=branch, month=month).first()
    return found or DuesMonth(branch=branch, month=month)


def _check_member(branch: Organisation, member: Member, month: dt.date) -> None:
    on_branch = member.branch_id == branch.pk and member.status in ON_ROLL_STATUSES
    if not on_branch and not DuesEntry.objects.filter(member=member, month=month, branch=branch).exists():
        raise ValidationError(_("%(name)s is not on this branch's roll.") % {"name": member.name})


def fill(entry: DuesEntry, values: Values) -> DuesEntry:
    """Put ``values`` on the entry with the amount the brackets give, or the one set by hand."""
    entry.payer_kind = values.payer_kind
    entry.base = values.base
    entry.rate = brackets.rate_for(values.payer_kind, values.base)
    entry.computed_amount = brackets.amount_for(values.payer_kind, values.base)
    entry.override_amount = values.override_amount
    entry.override_reason = values.override_reason.strip() if values.override_amount is not None else ""
    entry.amount_due = values.override_amount if values.override_amount is not None else entry.computed_amount
    entry.amount_paid = values.amount_paid
    entry.paid_on = values.paid_on if values.amount_paid else None
    return entry


def _write(*, by: User | None, branch: Organisation, member: Member, month: dt.date, values: Values) -> DuesEntry:
    entry = DuesEntry.objects.filter(member=member, month=month).first() or DuesEntry(
        member=member, month=month, branch=branch
    )
    if entry.branch_id != branch.pk:
        raise ValidationError(_("%(name)s's dues of this month are kept by another branch.") % {"name": member.name})
    fill(entry, values)
    entry.updated_by = by
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def dues_record(*, by: User | None, branch: Organisation, member: Member, month: dt.date, values: Values) -> DuesEntry:
    """Record (or correct) one member's dues of a month in an open month of the branch."""
    ledger = _month(branch, month, lock=True)
    if by is not None:
        abilities.require(by, "dues.keep", ledger)
    elif ledger.is_closed:
        raise Conflict(abilities.refusal("dues.keep", ledger))
    _check_member(branch, member, month)
    return _write(by=by, branch=branch, member=member, month=month, values=values)


@transaction.atomic
def dues_record_many(
    *, by: User | None, branch: Organisation, month: dt.date, rows: list[tuple[Member, Values]]
) -> list[DuesEntry]:
    """Several members' dues of one month at once: every row or none."""
    ledger = _month(branch, month, lock=True)
    if by is not None:
        abilities.require(by, "dues.keep", ledger)
    for member, _values in rows:
        _check_member(branch, member, month)
    return [_write(by=by, branch=branch, member=m, month=month, values=v) for m, v in rows]


@transaction.atomic
def dues_month_close(*, by: User, branch: Organisation, month: dt.date) -> DuesMonth:
    """Close the branch's month: no more entries until an administrator reopens it."""
    ledger = _month(branch, month, lock=True)
    abilities.require(by, "dues.keep", ledger)
    ledger.closed_at = timezone.now()
    ledger.closed_by = by
    ledger.full_clean()
    ledger.save()
    return ledger


@transaction.atomic
def dues_month_reopen(*, by: User, ledger: DuesMonth, reason: str) -> DuesMonth:
    abilities.require(by, "dues.reopen", ledger)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reopen_reason": _("Say why the month is reopened.")})
    ledger.closed_at = None
    ledger.closed_by = None
    ledger.reopen_reason = reason
    ledger.full_clean()
    ledger.save()
    return ledger
