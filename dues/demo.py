"""Demo dues for `make run`: a year of the demo branches' ledgers for whoever is on their roll.

Twelve months up to last month, most paid between the 5th and the 15th, a few single months
missed, one member three months in arrears (the first of the 一标 branch's roll, by name),
one amount reduced by hand with a reason, this month partly collected, and every month
before last closed. Works with any roster, and does nothing with none. Idempotent: nothing
is added once the demo branches have dues.
"""

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from branches.demo import DemoWorld
from branches.models import OrgStatus
from members.models import ON_ROLL_STATUSES, Member

from .brackets import PayerKind
from .models import DuesEntry, DuesMonth
from .selectors import first_of, previous_month
from .services import Values, fill

ARREARS_BRANCH = "DEMO-P01"
MONTHS = 12


@transaction.atomic
def seed(world: DemoWorld, *, today: dt.date | None = None) -> None:
    branches = [b for b in world.branches if b.status == OrgStatus.ACTIVE]
    if DuesEntry.objects.filter(branch__in=branches).exists():
        return
    members = list(
        Member.objects.filter(branch__in=branches, status__in=ON_ROLL_STATUSES)
        .select_related("branch")
        .order_by("branch__code", "name")
    )
    if not members:
        return
    rng = random.Random(1006)  # noqa: S311 - demo data, the same every time
    this_month = first_of(today or timezone.localdate())
    months = [this_month]
    for _i in range(MONTHS):
        months.insert(0, previous_month(months[0]))
    owing = next((m for m in members if m.branch.code == ARREARS_BRANCH), None)
    reduced = next((m for m in members if m != owing), None)
    entries = []
    for member in members:
        kind = rng.choices([PayerKind.EMPLOYED, PayerKind.RETIRED, PayerKind.LOW_INCOME], weights=[92, 5, 3])[0]
        base = Decimal(rng.randrange(2800, 16000, 100)).quantize(Decimal("0.01"))
        missed = rng.choice(months[:-4]) if rng.random() < 0.1 else None  # one month missed, long ago
        for month in months:
            if member.joined_on and member.joined_on > month + dt.timedelta(days=27):
                continue
            late = member == owing and month >= months[-4]  # the last three months and this one
            skipped = late or month == missed or (month == this_month and rng.random() < 0.4)
            values = Values(base=base, payer_kind=kind)
            if member == reduced:
                values.override_amount = Decimal("10.00")
                values.override_reason = "家庭遭遇重大变故，经支部大会讨论同意减交"
            entry = fill(DuesEntry(member=member, branch=member.branch, month=month), values)
            if not skipped:
                entry.amount_paid = entry.amount_due
                entry.paid_on = month.replace(day=rng.randint(5, 15))
            entries.append(entry)
    DuesEntry.objects.bulk_create(entries, batch_size=500)
    closed_at = timezone.now()
    DuesMonth.objects.bulk_create(
        [DuesMonth(branch=b, month=m, closed_at=closed_at) for b in branches for m in months[:-2]]
    )
