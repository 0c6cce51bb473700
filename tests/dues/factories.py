"""Dues entries for the tests, written through the service as the system (by=None)."""

import datetime as dt
from decimal import Decimal

from branches.models import Organisation
from dues.models import DuesEntry, DuesMonth
from dues.services import Values, dues_record
from members.models import Member
from tests.factories import MemberFactory

MONTH = dt.date(2026, 10, 1)


def entry_in(
    branch: Organisation,
    *,
    member: Member | None = None,
    month: dt.date = MONTH,
    base: str = "4800.00",
    paid: str = "0",
    paid_on: dt.date | None = None,
) -> DuesEntry:
    member = member or MemberFactory(branch=branch)
    amount = Decimal(paid)
    values = Values(base=Decimal(base), amount_paid=amount, paid_on=paid_on or (month if amount else None))
    return dues_record(by=None, branch=branch, member=member, month=month, values=values)


def closed_month(branch: Organisation, month: dt.date = MONTH) -> DuesMonth:
    from django.utils import timezone

    return DuesMonth.objects.create(branch=branch, month=month, closed_at=timezone.now())
