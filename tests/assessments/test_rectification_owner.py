"""谁来做: a rectification item's owner is a user of the branch, picked by the reviewer."""

import importlib

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse

from assessments.models import RectificationItem
from assessments.services.feedback import TEMPLATE, feedback_context
from assessments.services.rectification import rectification_assign, rectification_report, rectification_verify
from branches.models import Role
from branches.services import role_grant
from tests.factories import UserFactory, rectification_item

owner_migration = importlib.import_module("assessments.migrations.0005_rectification_owner_user")


@pytest.fixture
def boss(world):
    """Holds every role: files the scorecards the items come from."""
    return UserFactory(username="boss", is_superuser=True)


@pytest.fixture
def item(world, default_edition, boss) -> RectificationItem:
    return rectification_item(world.branch_a, by=boss, problem="组织生活会未召开")


def test_a_new_item_is_owned_by_the_branch_secretary(item, world):
    assert item.owner == world.secretary_a
    assert item.owner_name == "甲支部书记"


def test_the_reviewer_hands_the_item_to_a_member_of_the_branch(item, world):
    item = rectification_assign(item=item, by=world.reviewer, owner_id=world.member.pk)
    assert (item.owner, item.owner_name) == (world.member, "普通党员")


def test_someone_of_a_group_below_the_branch_may_own_its_item(item, world):
    grouped = UserFactory(username="grouped", full_name="小组长")
    role_grant(by=None, user=grouped, role=Role.MEMBER, organisation=world.group_a1)
    assert rectification_assign(item=item, by=world.reviewer, owner_id=grouped.pk).owner == grouped


@pytest.mark.parametrize("who", ["secretary_b", "reviewer", "outsider"])
def test_the_owner_must_hold_a_role_in_the_branch(item, world, who):
    with pytest.raises(ValidationError) as refused:
        rectification_assign(item=item, by=world.reviewer, owner_id=getattr(world, who).pk)
    assert refused.value.message_dict["owner"] == ["The owner must be a secretary or member of this branch."]
    item.refresh_from_db()
    assert item.owner == world.secretary_a


def test_only_the_reviewer_or_the_branch_secretary_assigns(item, world):
    with pytest.raises(Http404):  # outside their scope: as the page answers
        rectification_assign(item=item, by=world.secretary_b, owner_id=world.member.pk)
    with pytest.raises(PermissionDenied):
        rectification_assign(item=item, by=world.member, owner_id=world.member.pk)
    assert rectification_assign(item=item, by=world.secretary_a, owner_id=world.member.pk).owner == world.member


def test_a_closed_item_keeps_its_owner(item, world):
    item = rectification_report(item=item, by=world.secretary_a, action_taken="已补开")
    rectification_verify(item=item, by=world.reviewer, accept=True)
    with pytest.raises(ValidationError):
        rectification_assign(item=item, by=world.reviewer, owner_id=world.member.pk)


def test_the_branch_may_name_another_owner_when_it_reports(item, world):
    item = rectification_report(item=item, by=world.secretary_a, action_taken="已补开", owner_id=world.member.pk)
    assert item.owner == world.member
    with pytest.raises(ValidationError):
        rectification_report(item=item, by=world.secretary_a, action_taken="x", owner_id=world.secretary_b.pk)


def test_the_item_page_offers_only_the_branch_people_and_saves_the_pick(item, world, as_role):
    client = as_role("reviewer")
    page = client.get(reverse("assessments:rectification_item", args=[item.pk])).content.decode()
    assert f'<option value="{world.member.pk}"' in page
    assert f'<option value="{world.secretary_b.pk}"' not in page
    response = client.post(reverse("assessments:rectification_assign", args=[item.pk]), {"owner": world.member.pk})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.owner == world.member


def test_a_stranger_picked_on_the_page_is_refused_with_a_message(item, world, as_role):
    client = as_role("reviewer")
    url = reverse("assessments:rectification_assign", args=[item.pk])
    page = client.post(url, {"owner": world.secretary_b.pk}, follow=True).content.decode()
    assert "The owner must be a secretary or member of this branch." in page
    page = client.post(url, {"owner": "nobody"}, follow=True).content.decode()
    assert "Choose the owner from the list." in page
    item.refresh_from_db()
    assert item.owner == world.secretary_a


def test_another_branch_gets_404_and_a_member_403_on_assigning(item, world, as_role):
    url = reverse("assessments:rectification_assign", args=[item.pk])
    assert as_role("secretary_b").post(url, {"owner": world.member.pk}).status_code == 404
    assert as_role("member").post(url, {"owner": world.member.pk}).status_code == 403


def test_my_items_shows_only_what_the_user_owns(item, world, as_role):
    url = reverse("assessments:rectification_list")
    assert "组织生活会未召开" in as_role("secretary_a").get(url, {"mine": "1"}).content.decode()
    assert "组织生活会未召开" not in as_role("reviewer").get(url, {"mine": "1"}).content.decode()
    assert "组织生活会未召开" in as_role("reviewer").get(url).content.decode()


def test_the_migration_matches_names_to_users_in_the_branch_first(item, world, boss):
    namesake = UserFactory(username="namesake", full_name="普通党员")  # holds no role anywhere
    unknown = rectification_item(world.branch_a, by=boss, quarter=3)
    RectificationItem.objects.filter(pk=item.pk).update(owner=None, owner_name="普通党员")
    RectificationItem.objects.filter(pk=unknown.pk).update(owner=None, owner_name="已调离的张三")
    owner_migration.names_to_users(apps, None)
    item.refresh_from_db()
    unknown.refresh_from_db()
    assert item.owner == world.member != namesake
    assert (unknown.owner, unknown.owner_name) == (None, "已调离的张三")


def test_the_migration_takes_a_username_when_no_full_name_matches(item, world):
    RectificationItem.objects.filter(pk=item.pk).update(owner=None, owner_name="secretary_a")
    owner_migration.names_to_users(apps, None)
    item.refresh_from_db()
    assert item.owner == world.secretary_a


def test_the_feedback_sheet_names_the_owner(item, world):
    rectification_assign(item=item, by=world.reviewer, owner_id=world.member.pk)
    html = render_to_string(TEMPLATE, feedback_context(item.finding.scorecard))
    row = html[html.index("组织生活会未召开") :]
    assert "普通党员" in row[: row.index("</tr>")]
    assert "2026-06-28" in row[: row.index("</tr>")]
