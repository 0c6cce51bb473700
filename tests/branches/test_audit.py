from django.test import Client
from django.urls import reverse

from branches import services
from branches.audit import Action
from branches.models import AuditEvent, Role
from tests.conftest import World
from tests.factories import UserFactory, make_org


def test_a_sign_in_and_a_failed_one_are_recorded_with_the_address(world: World) -> None:
    client = Client()
    client.post(reverse("login"), {"username": "reviewer", "password": "wrong"}, REMOTE_ADDR="10.9.9.9")
    client.post(reverse("login"), {"username": "reviewer", "password": "pass-word-123"}, REMOTE_ADDR="10.9.9.9")
    events = list(AuditEvent.objects.order_by("pk").values_list("action", "target", "ip_address", "actor_name"))
    assert events[-2:] == [
        (Action.SIGN_IN_FAILED, "reviewer", "10.9.9.9", ""),
        (Action.SIGN_IN, "reviewer", "10.9.9.9", "reviewer"),
    ]


def test_granting_and_revoking_a_role_are_recorded(world: World) -> None:
    assignment = services.role_grant(
        user=world.outsider, role=Role.REVIEWER, organisation=world.general, granted_by=world.administrator
    )
    services.role_revoke(assignment=assignment)
    granted, revoked = AuditEvent.objects.filter(target="outsider").order_by("pk")
    assert (granted.action, granted.actor, granted.organisation, granted.detail) == (
        Action.ROLE_GRANTED,
        world.administrator,
        world.general,
        {"role": "reviewer"},
    )
    assert revoked.action == Action.ROLE_REVOKED


def test_an_administrator_sees_only_the_events_of_their_subtree(world: World) -> None:
    other_root = make_org(name="另一公司党委")
    stranger = UserFactory()
    services.role_grant(user=stranger, role=Role.SECRETARY, organisation=other_root)
    services.role_grant(user=world.outsider, role=Role.MEMBER, organisation=world.branch_b)
    branch_admin = UserFactory(username="branch_admin")
    services.role_grant(user=branch_admin, role=Role.ADMINISTRATOR, organisation=world.branch_b)
    client = Client()
    client.force_login(world.administrator)
    page = client.get(reverse("audit_log")).content.decode()
    assert stranger.username not in page
    assert "outsider" in page
    client.force_login(branch_admin)
    page = client.get(reverse("audit_log")).content.decode()
    assert "outsider" in page
    assert "secretary_a" not in page  # granted on branch A, outside branch B


def test_filters_narrow_the_log_and_a_bad_date_is_ignored(world: World, as_role) -> None:
    services.role_grant(user=world.outsider, role=Role.MEMBER, organisation=world.branch_b)
    client = as_role("administrator")
    page = client.get(reverse("audit_log"), {"who": "outsider", "since": "not-a-date"}).content.decode()
    assert "outsider" in page
    assert "secretary_b" not in page
