import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from branches import services
from branches.models import Organisation, OrgKind, OrgStatus, Role
from members.models import Category, Member, MemberStatus
from tests.conftest import World
from tests.factories import make_org


def make_member(branch: Organisation, **fields: object) -> Member:
    data = {
        "name": "王小明",
        "gender": "male",
        "birth_date": dt.date(1990, 3, 7),
        "id_number": "110105199003070017",
        "category": Category.FULL,
        "joined_on": dt.date(2012, 7, 1),
        "full_member_on": dt.date(2013, 7, 1),
        "branch": branch,
    }
    data.update(fields)
    member = Member(**data)
    member.full_clean()
    member.save()
    return member


def test_a_new_organisation_gets_its_path_and_depth(world: World) -> None:
    assert world.committee.path == f"/{world.committee.pk}/"
    assert world.group_a1.path == f"{world.branch_a.path}{world.group_a1.pk}/"
    assert world.group_a1.depth == 3


def test_a_branch_cannot_sit_at_the_top_or_below_a_group(world: World) -> None:
    with pytest.raises(ValidationError):
        services.organisation_create(by=None, parent=None, code="X1", name="x", kind=OrgKind.BRANCH)
    with pytest.raises(ValidationError):
        services.organisation_create(by=None, parent=world.group_a1, code="X2", name="x", kind=OrgKind.BRANCH)
    assert not Organisation.objects.filter(code__in=["X1", "X2"]).exists()


def test_moving_a_branch_moves_its_whole_subtree(world: World) -> None:
    services.organisation_move(by=None, organisation=world.branch_a, new_parent=world.committee)
    a = Organisation.objects.get(pk=world.branch_a.pk)
    a1 = Organisation.objects.get(pk=world.group_a1.pk)
    assert a.parent_id == world.committee.pk
    assert a.path == f"{world.committee.path}{a.pk}/"
    assert a1.path == f"{a.path}{a1.pk}/"
    assert (a.depth, a1.depth) == (1, 2)


def test_an_organisation_cannot_move_below_itself(world: World) -> None:
    with pytest.raises(ValidationError):
        services.organisation_move(by=None, organisation=world.general, new_parent=world.branch_a)
    assert Organisation.objects.get(pk=world.general.pk).parent_id == world.committee.pk


def test_a_branch_cannot_move_below_a_group(world: World) -> None:
    with pytest.raises(ValidationError):
        services.organisation_move(by=None, organisation=world.branch_b, new_parent=world.group_a1)
    assert Organisation.objects.get(pk=world.branch_b.pk).path == world.branch_b.path


def test_a_branch_with_members_cannot_be_dissolved(world: World) -> None:
    make_member(world.branch_b)
    with pytest.raises(ValidationError) as caught:
        services.organisation_dissolve(by=None, organisation=world.branch_b, on=dt.date(2026, 6, 30), reason="项目完工")
    assert caught.value.code == "has_members"
    assert Organisation.objects.get(pk=world.branch_b.pk).status == OrgStatus.ACTIVE


def test_members_who_left_do_not_block_dissolving(world: World) -> None:
    make_member(world.branch_b, status=MemberStatus.TRANSFERRED_OUT)
    services.organisation_dissolve(by=None, organisation=world.branch_b, on=dt.date(2026, 6, 30), reason="项目完工")
    branch = Organisation.objects.get(pk=world.branch_b.pk)
    assert (branch.status, branch.dissolved_on) == (OrgStatus.DISSOLVED, dt.date(2026, 6, 30))


def test_a_unit_with_active_units_below_cannot_be_dissolved(world: World) -> None:
    with pytest.raises(ValidationError) as caught:
        services.organisation_dissolve(by=None, organisation=world.general, on=dt.date(2026, 6, 30), reason="调整")
    assert caught.value.code == "has_active_units"


def test_nothing_can_be_added_below_a_dissolved_branch(world: World) -> None:
    services.organisation_dissolve(by=None, organisation=world.branch_b, on=dt.date(2026, 6, 30), reason="项目完工")
    world.branch_b.refresh_from_db()
    with pytest.raises(ValidationError):
        make_org(world.branch_b, kind=OrgKind.GROUP)
    with pytest.raises(ValidationError):
        services.role_grant(by=None, user=world.outsider, role=Role.SECRETARY, organisation=world.branch_b)


def test_granting_the_same_role_twice_keeps_one_assignment(world: World) -> None:
    services.role_grant(by=None, user=world.outsider, role=Role.REVIEWER, organisation=world.general)
    services.role_grant(by=None, user=world.outsider, role=Role.REVIEWER, organisation=world.general)
    assert world.outsider.role_assignments.count() == 1
