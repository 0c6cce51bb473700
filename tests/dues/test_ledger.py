"""The ledger's rules: the amount computed or set by hand with a reason, arrears, closed months."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from branches.models import Role
from branches.services import role_grant
from branches.workbench import workbench_for
from config.exceptions import Conflict
from dues import selectors
from dues.models import DuesEntry, DuesMonth
from dues.services import Values, dues_month_close, dues_month_reopen, dues_record
from tests.conftest import World
from tests.dues.factories import MONTH, entry_in
from tests.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_amount_due_is_computed_from_the_base(world: World) -> None:
    entry = entry_in(world.branch_a, base="8600.00")
    assert (entry.rate, entry.computed_amount, entry.amount_due) == (
        Decimal("0.015"),
        Decimal("129.00"),
        Decimal("129.00"),
    )


def test_an_amount_set_by_hand_needs_a_reason(world: World) -> None:
    member = MemberFactory(branch=world.branch_a)
    values = Values(base=Decimal("4800"), override_amount=Decimal("100.00"))
    with pytest.raises(ValidationError) as caught:
        dues_record(by=world.secretary_a, branch=world.branch_a, member=member, month=MONTH, values=values)
    assert "override_reason" in caught.value.error_dict
    assert not DuesEntry.objects.exists()
    values.override_reason = "本人自愿多交"
    entry = dues_record(by=world.secretary_a, branch=world.branch_a, member=member, month=MONTH, values=values)
    assert (entry.computed_amount, entry.amount_due, entry.override_reason) == (
        Decimal("48.00"),
        Decimal("100.00"),
        "本人自愿多交",
    )


def test_another_branchs_secretary_cannot_record_and_a_member_cannot_either(world: World) -> None:
    member = MemberFactory(branch=world.branch_a)
    values = Values(base=Decimal("4800"))
    with pytest.raises(Exception) as caught:
        dues_record(by=world.secretary_b, branch=world.branch_a, member=member, month=MONTH, values=values)
    assert caught.type.__name__ == "Http404"
    with pytest.raises(PermissionDenied):
        dues_record(by=world.member, branch=world.branch_a, member=member, month=MONTH, values=values)


def test_the_organising_member_keeps_the_ledger(world: World) -> None:
    officer = UserFactory(username="organiser")
    role_grant(by=None, user=officer, role=Role.ORGANIZING_MEMBER, organisation=world.branch_a)
    entry = dues_record(
        by=officer,
        branch=world.branch_a,
        member=MemberFactory(branch=world.branch_a),
        month=MONTH,
        values=Values(base=Decimal("3000")),
    )
    assert entry.amount_due == Decimal("15.00")


def test_a_closed_month_takes_no_entry_until_an_administrator_reopens_it_with_a_reason(world: World) -> None:
    entry = entry_in(world.branch_a)
    ledger = dues_month_close(by=world.secretary_a, branch=world.branch_a, month=MONTH)
    values = Values(base=Decimal("4800"), amount_paid=Decimal("48"), paid_on=dt.date(2026, 10, 9))
    with pytest.raises(Conflict):
        dues_record(by=world.secretary_a, branch=world.branch_a, member=entry.member, month=MONTH, values=values)
    with pytest.raises(PermissionDenied):
        dues_month_reopen(by=world.secretary_a, ledger=ledger, reason="补录")
    with pytest.raises(ValidationError):
        dues_month_reopen(by=world.administrator, ledger=ledger, reason="  ")
    dues_month_reopen(by=world.administrator, ledger=ledger, reason="补录漏交人员")
    dues_record(by=world.secretary_a, branch=world.branch_a, member=entry.member, month=MONTH, values=values)
    entry.refresh_from_db()
    assert entry.amount_paid == Decimal("48.00")
    assert DuesMonth.objects.get().reopen_reason == "补录漏交人员"


def test_closing_the_month_on_the_page_locks_its_form(world: World, as_role) -> None:
    entry_in(world.branch_a)
    args = [world.branch_a.pk, MONTH.year, MONTH.month]
    assert as_role("secretary_a").post(reverse("dues:close", args=args)).status_code == 302
    page = as_role("secretary_a").get(reverse("dues:month", args=args))
    assert b"Closed" in page.content and b'name="m' not in page.content
    posted = as_role("secretary_a").post(reverse("dues:month", args=args), {})
    assert posted.status_code == 302
    assert "closed" in str(next(iter(posted.wsgi_request._messages)))


def _arrears(world: World, owed_months: int) -> object:
    member = MemberFactory(branch=world.branch_a, name="欠费党员")
    for i in range(6):
        month = dt.date(2026, 10 - i, 1)
        paid = "0" if i < owed_months else "48.00"
        entry_in(world.branch_a, member=member, month=month, paid=paid)
    # This month's dues are not late yet: unpaid, and not counted.
    entry_in(world.branch_a, member=member, month=dt.date(2026, 11, 1))
    return member


def test_a_member_unpaid_for_three_months_is_flagged_on_the_workbench_and_the_member_page(
    world: World, as_role
) -> None:
    member = _arrears(world, 3)
    today = dt.date(2026, 11, 20)
    owing = list(selectors.arrears_members(world.secretary_a, today=today))
    assert [(m.pk, m.months_owed) for m in owing] == [(member.pk, 3)]
    section = next(s for s in workbench_for(world.secretary_a, today=today) if s.key == "dues")
    item = next(i for i in section.items if i.key == "dues_arrears")
    assert item.count == 1 and item.rows[0].text == "欠费党员"
    assert item.url == reverse("dues:arrears")


def test_two_months_unpaid_is_not_yet_arrears(world: World) -> None:
    _arrears(world, 2)
    assert not selectors.arrears_members(world.secretary_a, today=dt.date(2026, 11, 20)).exists()


def test_the_workbench_count_equals_the_arrears_list_it_links_to(world: World, as_role) -> None:
    _arrears(world, 4)
    MemberFactory(branch=world.branch_b)
    page = as_role("secretary_a").get(reverse("dues:arrears"))
    listed = page.content.decode().count('href="/dues/member/')
    section = next(s for s in workbench_for(world.secretary_a) if s.key == "dues")
    assert next(i for i in section.items if i.key == "dues_arrears").count == listed
    home = as_role("secretary_a").get(reverse("home"))
    assert "wb-dues" in home.content.decode()


def test_the_member_page_shows_the_arrears_flag(world: World, as_role) -> None:
    member = _arrears(world, 3)
    page = as_role("secretary_a").get(reverse("members:detail", args=[member.pk])).content.decode()
    assert "member-dues-flag" in page and "In arrears" in page
    quiet = MemberFactory(branch=world.branch_a)
    page = as_role("secretary_a").get(reverse("members:detail", args=[quiet.pk])).content.decode()
    assert "In arrears" not in page


def test_the_month_page_saves_every_row_or_none(world: World, as_role) -> None:
    first, second = MemberFactory(branch=world.branch_a, name="甲"), MemberFactory(branch=world.branch_a, name="乙")
    url = reverse("dues:month", args=[world.branch_a.pk, 2026, 10])
    base = {
        f"m{first.pk}-payer_kind": "employed",
        f"m{first.pk}-base": "5000.01",
        f"m{first.pk}-amount_paid": "75",
        f"m{first.pk}-paid_on": "2026-10-10",
        f"m{second.pk}-payer_kind": "employed",
        f"m{second.pk}-base": "3000",
        f"m{second.pk}-override_amount": "20",
    }
    page = as_role("secretary_a").post(url, base)
    assert page.status_code == 200 and "Say why the amount differs" in page.content.decode()
    assert not DuesEntry.objects.exists()
    base[f"m{second.pk}-override_reason"] = "支部大会同意"
    assert as_role("secretary_a").post(url, base).status_code == 302
    amounts = dict(DuesEntry.objects.values_list("member__name", "amount_due"))
    assert amounts == {"甲": Decimal("75.00"), "乙": Decimal("20.00")}


def test_a_bad_month_in_the_address_is_a_404(world: World, as_role) -> None:
    assert as_role("secretary_a").get(reverse("dues:month", args=[world.branch_a.pk, 2026, 13])).status_code == 404
