"""Reads of the dues ledger, scoped by the ability tables."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone

from branches import abilities
from branches.models import Organisation, OrgKind, User
from members.models import ON_ROLL_STATUSES, Member

from .brackets import PayerKind
from .models import DuesEntry, DuesMonth

ARREARS_MONTHS = 3  # article 1-06: "对连续3个月未交纳的党员及时谈话提醒"


def first_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def previous_month(month: dt.date) -> dt.date:
    return first_of(month - dt.timedelta(days=1))


def unpaid() -> Q:
    return Q(amount_paid__lt=F("amount_due"))


def arrears_members(user: User, *, today: dt.date | None = None) -> QuerySet[Member]:
    """Members of the branches whose ledger the user reads who owe dues for three months or
    more, counting the months before this one (this month's dues are not late yet), each
    annotated with ``months_owed``. The workbench counts this list; the arrears page shows it."""
    scope = abilities.visible(user, "dues.view", field="branch__path")
    if scope is None:
        return Member.objects.none()
    return _in_arrears(Member.objects.filter(scope), today=today)


def arrears_everywhere(*, today: dt.date | None = None) -> QuerySet[Member]:
    """Every member in arrears, whoever reads the ledger (the monthly reminder job), each
    annotated with ``months_owed`` and ``amount_owed`` (the months before this one)."""
    return _in_arrears(Member.objects.all(), today=today).annotate(
        amount_owed=Sum(F("dues__amount_due") - F("dues__amount_paid"), filter=_owed(today))
    )


def _owed(today: dt.date | None) -> Q:
    this_month = first_of(today or timezone.localdate())
    return Q(dues__month__lt=this_month) & Q(dues__amount_paid__lt=F("dues__amount_due"))


def _in_arrears(members: QuerySet[Member], *, today: dt.date | None) -> QuerySet[Member]:
    return (
        members.filter(status__in=ON_ROLL_STATUSES)
        .annotate(months_owed=Count("dues", filter=_owed(today)))
        .filter(months_owed__gte=ARREARS_MONTHS)
        .select_related("branch")
        .order_by("branch__path", "name")
    )


def months_owed(member: Member, *, today: dt.date | None = None) -> int:
    this_month = first_of(today or timezone.localdate())
    return member.dues.filter(unpaid(), month__lt=this_month).count()


def dues_flag(user: User, member: Member) -> dict[str, int | None]:
    """The member page's dues line (``dues/_member_flag.html``): months owed, for those who
    may read the member's dues."""
    if not abilities.can(user, "dues.member_view", member):
        return {"dues_months_owed": None}
    return {"dues_months_owed": months_owed(member), "dues_arrears_months": ARREARS_MONTHS}


def dues_of(member: Member) -> QuerySet[DuesEntry]:
    return member.dues.select_related("branch").order_by("-month")


def month_of(branch: Organisation, month: dt.date) -> DuesMonth:
    """The branch's month, unsaved when nobody has written to it yet (open)."""
    return DuesMonth.objects.filter(branch=branch, month=month).first() or DuesMonth(branch=branch, month=month)


def kept_branches(user: User) -> QuerySet[Organisation]:
    """The branches whose ledger the user reads."""
    return abilities.units_for(user, "dues.view").filter(kind=OrgKind.BRANCH).order_by("path")


@dataclass
class Line:
    """A row of a branch's month: the member, their entry (None until written), and what to
    prefill it with (last month's base and kind)."""

    member: Member
    entry: DuesEntry | None
    base: Decimal | None
    payer_kind: str


def month_lines(branch: Organisation, month: dt.date) -> list[Line]:
    """Every member on the branch's roll, and anyone with an entry in its month."""
    entries = {e.member_id: e for e in DuesEntry.objects.filter(branch=branch, month=month).select_related("member")}
    members = list(
        Member.objects.filter(Q(branch=branch, status__in=ON_ROLL_STATUSES) | Q(pk__in=list(entries))).order_by("name")
    )
    earlier = {}
    missing = [m.pk for m in members if m.pk not in entries]
    if missing:
        # The latest earlier entry of each member without one: its base and kind carry over.
        for e in DuesEntry.objects.filter(member_id__in=missing, month__lt=month).order_by("member_id", "-month"):
            earlier.setdefault(e.member_id, e)
    lines = []
    for member in members:
        entry = entries.get(member.pk)
        source = entry or earlier.get(member.pk)
        lines.append(
            Line(
                member=member,
                entry=entry,
                base=source.base if source else None,
                payer_kind=source.payer_kind if source else PayerKind.EMPLOYED,
            )
        )
    return lines


def entries_visible(user: User) -> QuerySet[DuesEntry]:
    """The entries of the branches whose ledger the user reads, and the user's own."""
    scope = abilities.visible(user, "dues.view", field="branch__path")
    own = Q(member__user=user) if user.is_authenticated else Q(pk__in=[])
    q = own if scope is None else (scope | own)
    return DuesEntry.objects.filter(q).select_related("member", "branch").order_by("-month", "member__name")
