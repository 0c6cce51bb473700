"""Who sees whose dues: another branch's ledger is a 404; a member sees only their own."""

import pytest
from django.urls import reverse

from dues.services import dues_month_close
from tests.api.conftest import api_client_for
from tests.conftest import World
from tests.dues.factories import MONTH, entry_in
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def own(world: World):
    """The plain member's own record on A's roll, linked to their account."""
    return MemberFactory(branch=world.branch_a, user=world.member, name="本人")


def test_another_branchs_ledger_and_member_dues_are_a_404(world: World, as_role) -> None:
    entry = entry_in(world.branch_a)
    client = as_role("secretary_b")
    assert client.get(reverse("dues:month", args=[world.branch_a.pk, 2026, 10])).status_code == 404
    assert client.get(reverse("dues:member", args=[entry.member_id])).status_code == 404
    assert (
        api_client_for(world, "secretary_b").get(reverse("api:dues-entry-detail", args=[entry.pk])).status_code == 404
    )


def test_a_member_sees_their_own_dues_and_nobody_elses(world: World, as_role, own) -> None:
    mine = entry_in(world.branch_a, member=own, base="8600.00")
    theirs = entry_in(world.branch_a, base="4800.00")
    client = as_role("member")
    assert client.get(reverse("dues:mine")).url == reverse("dues:member", args=[own.pk])
    page = client.get(reverse("dues:member", args=[own.pk]))
    assert page.status_code == 200 and "129.00" in page.content.decode()
    assert client.get(reverse("dues:member", args=[theirs.member_id])).status_code == 403
    assert client.get(reverse("dues:month", args=[world.branch_a.pk, 2026, 10])).status_code == 403
    api = api_client_for(world, "member")
    listed = api.get(reverse("api:dues-entry-list")).json()
    assert [row["id"] for row in listed["results"]] == [mine.pk]
    assert api.get(reverse("api:dues-entry-detail", args=[mine.pk])).status_code == 200
    assert api.get(reverse("api:dues-entry-detail", args=[theirs.pk])).status_code == 403
    # Their own entry is read, not kept, by them.
    assert (
        api.patch(reverse("api:dues-entry-detail", args=[mine.pk]), {"amount_paid": "0"}, format="json").status_code
        == 403
    )


def test_a_reviewer_reads_the_subtree_but_does_not_keep_it(world: World) -> None:
    entry_in(world.branch_a)
    entry_in(world.branch_b)
    api = api_client_for(world, "reviewer")
    assert api.get(reverse("api:dues-entry-list")).json()["count"] == 2
    assert api.get(reverse("api:dues-entry-list"), {"branch": world.branch_a.pk}).json()["count"] == 1
    member = MemberFactory(branch=world.branch_a)
    body = {"member": member.pk, "month": "2026-10", "base": "3000"}
    assert api.post(reverse("api:dues-entry-list"), body, format="json").status_code == 403


def test_the_api_records_a_month_and_refuses_a_closed_one_with_409(world: World) -> None:
    api = api_client_for(world, "secretary_a")
    member = MemberFactory(branch=world.branch_a)
    body = {"member": member.pk, "month": "2026-10", "base": "10000.00", "amount_paid": "150", "paid_on": "2026-10-09"}
    created = api.post(reverse("api:dues-entry-list"), body, format="json")
    assert created.status_code == 201 and created.json()["amount_due"] == "150.00"
    assert api.post(reverse("api:dues-entry-list"), {**body, "month": "2026-13"}, format="json").status_code == 400
    assert api.get(reverse("api:dues-entry-list"), {"month": "bad"}).status_code == 400
    dues_month_close(by=world.secretary_a, branch=world.branch_a, month=MONTH)
    patched = api.patch(
        reverse("api:dues-entry-detail", args=[created.json()["id"]]), {"amount_paid": "0"}, format="json"
    )
    assert patched.status_code == 409
