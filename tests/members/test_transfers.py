"""Transfers between branches, in and out, flowing members, status changes, and moving a
whole branch's roll at once; every change is kept in the member's history."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from branches.services import organisation_dissolve
from members import services
from members.models import MemberStatus, MemberTransfer, TransferKind
from tests.factories import MemberFactory, make_id_number

DAY = dt.date(2026, 11, 1)


@pytest.fixture
def member(world):
    return MemberFactory(branch=world.branch_a)


def kinds(member):
    return list(member.transfers.order_by("pk").values_list("kind", flat=True))


def test_a_transfer_moves_the_member_and_keeps_the_history(world, member):
    services.member_transfer(member=member, to_branch=world.branch_b, on=DAY, reason="调动", by=world.administrator)
    member.refresh_from_db()
    assert member.branch == world.branch_b
    entry = member.transfers.get()
    assert (entry.kind, entry.from_branch, entry.to_branch, entry.on) == (
        TransferKind.TRANSFER,
        world.branch_a,
        world.branch_b,
        DAY,
    )


def test_a_member_cannot_be_transferred_to_a_group_or_a_dissolved_branch(world, member):
    with pytest.raises(ValidationError):
        services.member_transfer(member=member, to_branch=world.group_a1, on=DAY, reason="", by=None)
    organisation_dissolve(by=None, organisation=world.branch_b, on=DAY, reason="项目结束")
    world.branch_b.refresh_from_db()
    with pytest.raises(ValidationError):
        services.member_transfer(member=member, to_branch=world.branch_b, on=DAY, reason="", by=None)


def test_a_transfer_out_and_back_in_is_recorded_both_ways(world, member):
    services.member_transfer_out(member=member, on=DAY, reason="转至某市委组织部", by=None)
    member.refresh_from_db()
    assert member.status == MemberStatus.TRANSFERRED_OUT
    services.member_transfer(member=member, to_branch=world.branch_b, on=DAY, reason="转回", by=None)
    member.refresh_from_db()
    assert member.status == MemberStatus.ON_ROLL and member.branch == world.branch_b
    assert kinds(member) == [TransferKind.TRANSFER_OUT, TransferKind.TRANSFER_IN]


def test_a_transfer_out_needs_a_destination(world, member):
    with pytest.raises(ValidationError):
        services.member_transfer_out(member=member, on=DAY, reason=" ", by=None)


def test_a_flowing_member_says_where_they_work_and_comes_back(world, member):
    services.member_mark_flowing(member=member, flowing_to="雄安项目部", on=DAY, reason="", by=None)
    member.refresh_from_db()
    assert member.status == MemberStatus.FLOWING and member.flowing_to == "雄安项目部"
    services.member_return(member=member, on=DAY, by=None)
    member.refresh_from_db()
    assert member.status == MemberStatus.ON_ROLL and member.flowing_to == ""
    assert kinds(member) == [TransferKind.FLOWING, TransferKind.RETURNED]


def test_flowing_without_a_place_is_refused(world, member):
    with pytest.raises(ValidationError):
        services.member_mark_flowing(member=member, flowing_to="", on=DAY, reason="", by=None)


def test_a_status_change_is_recorded_with_its_reason(world, member):
    services.member_change_status(member=member, status=MemberStatus.DECEASED, on=DAY, reason="病故", by=None)
    member.refresh_from_db()
    assert member.status == MemberStatus.DECEASED
    assert member.transfers.get().kind == TransferKind.STATUS


def test_a_dissolving_branchs_members_are_transferred_in_one_action_then_it_dissolves(world):
    on_roll = [MemberFactory(branch=world.branch_b, id_number=make_id_number(seq=900 + i)) for i in range(3)]
    flowing = MemberFactory(branch=world.branch_b, status=MemberStatus.FLOWING, flowing_to="外地")
    gone = MemberFactory(branch=world.branch_b, status=MemberStatus.DECEASED)
    with pytest.raises(ValidationError):
        organisation_dissolve(by=None, organisation=world.branch_b, on=DAY, reason="项目结束")
    moved = services.branch_transfer_all(
        from_branch=world.branch_b, to_branch=world.branch_a, on=DAY, reason="项目结束", by=None
    )
    assert moved == 4
    for m in [*on_roll, flowing]:
        m.refresh_from_db()
        assert m.branch == world.branch_a
    gone.refresh_from_db()
    assert gone.branch == world.branch_b  # history stays with the dissolved branch
    assert MemberTransfer.objects.filter(kind=TransferKind.TRANSFER, from_branch=world.branch_b).count() == 4
    organisation_dissolve(by=None, organisation=world.branch_b, on=DAY, reason="项目结束")


def test_the_transfer_page_records_a_transfer(world, member, as_role):
    response = as_role("administrator").post(
        reverse("members:transfer", kwargs={"pk": member.pk}),
        {"action": "transfer", "to_branch": world.branch_b.pk, "on": "2026-11-01", "reason": "调动"},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.branch == world.branch_b


def test_the_transfer_page_explains_a_missing_choice_and_changes_nothing(world, member, as_role):
    response = as_role("administrator").post(
        reverse("members:transfer", kwargs={"pk": member.pk}), {"action": "flowing", "on": "2026-11-01"}
    )
    assert response.status_code == 200 and "flowing_to" in response.context["form"].errors
    assert not member.transfers.exists()


def test_the_history_is_shown_on_the_member_page(world, member, as_role):
    services.member_transfer(member=member, to_branch=world.branch_b, on=DAY, reason="调动说明", by=None)
    page = as_role("reviewer").get(reverse("members:detail", kwargs={"pk": member.pk})).content.decode()
    assert "调动说明" in page and world.branch_a.name in page


def test_the_transfer_all_page_moves_the_roll(world, as_role):
    MemberFactory(branch=world.branch_b)
    response = as_role("administrator").post(
        reverse("members:transfer_all", kwargs={"pk": world.branch_b.pk}),
        {"to_branch": world.branch_a.pk, "on": "2026-11-01", "reason": "项目结束"},
    )
    assert response.status_code == 302
    assert world.branch_a.members.count() == 1


def test_transfer_all_from_a_non_branch_says_so(world, as_role):
    response = as_role("administrator").get(reverse("members:transfer_all", kwargs={"pk": world.general.pk}))
    assert response.status_code == 200 and not response.context["is_branch"]


def test_a_secretary_cannot_transfer(world, member, as_role):
    response = as_role("secretary_a").post(
        reverse("members:transfer", kwargs={"pk": member.pk}),
        {"action": "transfer", "to_branch": world.branch_b.pk, "on": "2026-11-01"},
    )
    assert response.status_code == 403


def test_a_refusal_because_of_the_members_status_is_a_conflict_and_a_wrong_choice_is_not(world, member):
    from config.exceptions import Conflict

    with pytest.raises(Conflict):
        services.member_return(member=member, on=DAY, by=None)
    with pytest.raises(Conflict):
        services.member_change_status(member=member, status=MemberStatus.ON_ROLL, on=DAY, reason="x", by=None)
    services.member_change_status(member=member, status=MemberStatus.DECEASED, on=DAY, reason="病故", by=None)
    for refused in (
        lambda: services.member_transfer(member=member, to_branch=world.branch_b, on=DAY, reason="", by=None),
        lambda: services.member_transfer_out(member=member, on=DAY, reason="调出", by=None),
        lambda: services.member_mark_flowing(member=member, flowing_to="深圳", on=DAY, reason="", by=None),
    ):
        with pytest.raises(Conflict):
            refused()
    # Choosing a group as the destination is the request's mistake: a plain ValidationError.
    with pytest.raises(ValidationError) as caught:
        services.member_transfer(member=member, to_branch=world.group_a1, on=DAY, reason="", by=None)
    assert not isinstance(caught.value, Conflict)


def test_what_a_user_may_change_of_a_member_follows_their_role_on_its_branch(world, member):
    from members.selectors import editable_fields_for

    assert editable_fields_for(world.administrator, member) == services.EDITABLE_FIELDS
    assert editable_fields_for(world.secretary_a, member) == services.CONTACT_FIELDS
    assert editable_fields_for(world.reviewer, member) == ()
    assert editable_fields_for(world.secretary_b, member) == ()


def test_transferring_a_whole_roll_needs_a_branch_with_someone_on_it(world):
    from config.exceptions import Conflict

    with pytest.raises(ValidationError):
        services.branch_transfer_all(from_branch=world.general, to_branch=world.branch_b, on=DAY, reason="x", by=None)
    with pytest.raises(Conflict):
        services.branch_transfer_all(from_branch=world.branch_a, to_branch=world.branch_b, on=DAY, reason="x", by=None)
