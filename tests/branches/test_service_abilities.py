"""The organisation services check the acting user's abilities themselves (``by``), whoever
calls them: the page, the API, a script. Each change to the tree is an ORGANISATION_CHANGED
audit event naming who made it."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from branches import services
from branches.audit import Action
from branches.models import AuditEvent, OrgKind, Role, RoleAssignment
from config.exceptions import Conflict
from tests.conftest import World


def _changes(world: World) -> list[tuple[str, str, str]]:
    events = AuditEvent.objects.filter(action=Action.ORGANISATION_CHANGED).order_by("pk")
    return [(e.detail["change"], e.target, e.actor_name) for e in events]


def test_an_administrator_creates_moves_and_dissolves_and_each_change_is_recorded(world: World) -> None:
    before = AuditEvent.objects.filter(action=Action.ORGANISATION_CHANGED).count()
    unit = services.organisation_create(
        by=world.administrator, parent=world.general, code="N1", name="新支部", kind=OrgKind.BRANCH
    )
    services.organisation_move(by=world.administrator, organisation=unit, new_parent=world.committee)
    services.organisation_dissolve(by=world.administrator, organisation=unit, on=dt.date(2026, 6, 30), reason="合并")
    assert _changes(world)[before:] == [
        ("created", "N1", "administrator"),
        ("moved", "N1", "administrator"),
        ("dissolved", "N1", "administrator"),
    ]


@pytest.mark.parametrize(("who", "refusal"), [("secretary_a", PermissionDenied), ("secretary_b", Http404)])
def test_a_secretary_cannot_change_the_tree_through_the_service(world: World, who: str, refusal: type) -> None:
    by = getattr(world, who)
    with pytest.raises(refusal):
        services.organisation_create(by=by, parent=world.branch_a, code="X1", name="小组", kind=OrgKind.GROUP)
    with pytest.raises(refusal):
        services.organisation_update(by=by, organisation=world.branch_a, name="改名")
    with pytest.raises(refusal):
        services.organisation_move(by=by, organisation=world.group_a1, new_parent=world.branch_b)
    with pytest.raises(refusal):
        services.organisation_dissolve(by=by, organisation=world.group_a1, on=dt.date(2026, 6, 30), reason="")
    with pytest.raises(refusal):
        services.role_grant(by=by, user=world.member, role=Role.SECRETARY, organisation=world.branch_a)
    assert not AuditEvent.objects.filter(action=Action.ORGANISATION_CHANGED, actor=by).exists()


def test_a_move_needs_the_new_place_administered_too(world: World) -> None:
    other_tree = services.organisation_create(by=None, parent=None, code="T2", name="另一党委", kind=OrgKind.COMMITTEE)
    with pytest.raises(Http404):
        services.organisation_move(by=world.administrator, organisation=world.branch_a, new_parent=other_tree)
    world.branch_a.refresh_from_db()
    assert world.branch_a.parent == world.general


def test_only_the_system_or_a_superuser_starts_a_new_tree(world: World, django_user_model) -> None:
    with pytest.raises(PermissionDenied):
        services.organisation_create(
            by=world.administrator, parent=None, code="T3", name="新党委", kind=OrgKind.COMMITTEE
        )
    root = django_user_model.objects.create_superuser("root", password="x")
    assert services.organisation_create(by=root, parent=None, code="T3", name="新党委", kind=OrgKind.COMMITTEE)


def test_an_administrator_cannot_revoke_their_own_administrator_role_but_another_can(world: World) -> None:
    own = RoleAssignment.objects.get(user=world.administrator, role=Role.ADMINISTRATOR)
    with translation.override("en"), pytest.raises(Conflict, match="own administrator role"):
        services.role_revoke(assignment=own, by=world.administrator)
    colleague = services.user_create(username="admin2", full_name="另一管理员", password="Demo@2026x")
    services.role_grant(by=world.administrator, user=colleague, role=Role.ADMINISTRATOR, organisation=world.committee)
    services.role_revoke(assignment=own, by=colleague)
    assert not RoleAssignment.objects.filter(pk=own.pk).exists()
    event = AuditEvent.objects.filter(action=Action.ROLE_REVOKED).latest("pk")
    assert event.actor == colleague


def test_the_roles_page_offers_no_revoke_of_ones_own_administrator_role(world: World, as_role) -> None:
    own = RoleAssignment.objects.get(user=world.administrator, role=Role.ADMINISTRATOR)
    page = as_role("administrator").get(reverse("branches:roles", args=[world.committee.pk])).content.decode()
    assert reverse("branches:role_revoke", args=[world.committee.pk, own.pk]) not in page
    reviewer = RoleAssignment.objects.get(user=world.reviewer)
    assert reverse("branches:role_revoke", args=[world.committee.pk, reviewer.pk]) in page


def test_a_change_through_the_api_is_recorded_with_the_api_user(world: World) -> None:
    client = APIClient()
    client.force_authenticate(world.administrator)
    url = reverse("api:organisation-move", args=[world.group_a1.pk])
    assert client.post(url, {"new_parent": world.branch_b.pk}, format="json").status_code == 200
    assert _changes(world)[-1] == ("moved", world.group_a1.code, "administrator")
    url = reverse("api:organisation-dissolve", args=[world.group_a1.pk])
    assert client.post(url, {"on": "2026-06-30", "reason": "合并"}, format="json").status_code == 200
    assert _changes(world)[-1] == ("dissolved", world.group_a1.code, "administrator")


def test_a_refusal_keeps_the_tree_as_it_was(world: World) -> None:
    with pytest.raises(ValidationError):
        services.organisation_move(by=world.administrator, organisation=world.branch_a, new_parent=world.group_a1)
