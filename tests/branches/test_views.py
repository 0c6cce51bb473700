import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext, override

from branches.models import Organisation, OrgStatus, Role, RoleAssignment, User
from tests.branches.test_services import make_member
from tests.conftest import World


def test_the_tree_shows_a_secretary_only_their_branch(world: World, as_role) -> None:
    page = as_role("secretary_a").get(reverse("branches:tree")).content.decode()
    assert "一号项目部党支部" in page
    assert "二号项目部党支部" not in page


def test_dissolved_units_are_hidden_until_asked_for(world: World, as_role) -> None:
    as_role("administrator").post(
        reverse("branches:dissolve", args=[world.branch_b.pk]), {"on": "2026-06-30", "reason": "项目完工"}
    )
    client = as_role("reviewer")
    assert "二号项目部党支部" not in client.get(reverse("branches:tree")).content.decode()
    assert "二号项目部党支部" in client.get(reverse("branches:tree") + "?dissolved=1").content.decode()


def test_an_administrator_adds_a_branch_below_a_committee(world: World, as_role) -> None:
    response = as_role("administrator").post(
        reverse("branches:create", args=[world.general.pk]),
        {"code": "N1", "name": "三号项目部党支部", "kind": "branch", "work_unit": "三号项目部", "is_key": "on"},
    )
    created = Organisation.objects.get(code="N1")
    assert response.status_code == 302
    assert (created.parent_id, created.is_key, created.path) == (
        world.general.pk,
        True,
        f"{world.general.path}{created.pk}/",
    )


def test_a_duplicate_code_is_refused_with_a_message(world: World, as_role) -> None:
    response = as_role("administrator").post(
        reverse("branches:create", args=[world.general.pk]), {"code": "A", "name": "重复", "kind": "branch"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    assert Organisation.objects.filter(name="重复").count() == 0


def test_an_edit_changes_the_descriptive_fields(world: World, as_role) -> None:
    as_role("administrator").post(
        reverse("branches:edit", args=[world.branch_b.pk]),
        {"code": "B", "name": "二号项目部党支部(更名)", "work_unit": "二号项目部", "established_on": "2024-01-01"},
    )
    branch_b = Organisation.objects.get(pk=world.branch_b.pk)
    assert branch_b.name == "二号项目部党支部(更名)"
    assert branch_b.established_on == dt.date(2024, 1, 1)


def test_a_move_below_its_own_group_is_not_offered(world: World, as_role) -> None:
    response = as_role("administrator").post(
        reverse("branches:move", args=[world.branch_a.pk]), {"new_parent": world.group_a1.pk}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["new_parent"]
    assert Organisation.objects.get(pk=world.branch_a.pk).parent_id == world.general.pk


def test_dissolving_a_branch_with_members_says_why_and_changes_nothing(world: World, as_role) -> None:
    make_member(world.branch_b)
    response = as_role("administrator").post(
        reverse("branches:dissolve", args=[world.branch_b.pk]), {"on": "2026-06-30", "reason": "项目完工"}
    )
    assert response.status_code == 200
    with override("zh-hans"):
        expected = gettext("%(count)d member(s) are still on this organisation's roll: transfer them first.")
    assert expected % {"count": 1} in response.context["form"].non_field_errors()
    assert Organisation.objects.get(pk=world.branch_b.pk).status == OrgStatus.ACTIVE


def test_a_dissolve_form_without_a_date_is_refused(world: World, as_role) -> None:
    response = as_role("administrator").post(reverse("branches:dissolve", args=[world.branch_b.pk]), {"reason": "x"})
    assert response.status_code == 200
    assert Organisation.objects.get(pk=world.branch_b.pk).status == OrgStatus.ACTIVE


def test_granting_a_role_to_a_new_user_creates_the_user(world: World, as_role) -> None:
    as_role("administrator").post(
        reverse("branches:roles", args=[world.branch_b.pk]),
        {"username": "newsec", "role": "secretary", "full_name": "新书记", "password": "Xq7-long-enough"},
    )
    user = User.objects.get(username="newsec")
    assert user.check_password("Xq7-long-enough")
    assert RoleAssignment.objects.filter(user=user, role=Role.SECRETARY, organisation=world.branch_b).exists()


def test_granting_to_an_unknown_user_without_a_password_is_refused(world: World, as_role) -> None:
    response = as_role("administrator").post(
        reverse("branches:roles", args=[world.branch_b.pk]), {"username": "ghost", "role": "secretary"}
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not User.objects.filter(username="ghost").exists()


def test_an_administrator_cannot_revoke_their_own_administrator_role(world: World, as_role) -> None:
    own = world.administrator.role_assignments.get()
    as_role("administrator").post(reverse("branches:role_revoke", args=[world.committee.pk, own.pk]))
    assert RoleAssignment.objects.filter(pk=own.pk).exists()


def test_a_role_on_another_organisation_cannot_be_revoked_through_this_one(world: World, as_role) -> None:
    other = world.secretary_b.role_assignments.get()
    response = as_role("administrator").post(reverse("branches:role_revoke", args=[world.branch_a.pk, other.pk]))
    assert response.status_code == 404
    assert RoleAssignment.objects.filter(pk=other.pk).exists()


def test_the_workbench_lists_the_users_roles(world: World, as_role) -> None:
    page = as_role("secretary_a").get(reverse("home")).content.decode()
    assert "一号项目部党支部" in page
