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


# --- who sees the events that belong to no organisation (sign-ins) ---------------------------


def _sign_in(username: str, password: str = "pass-word-123", address: str = "10.7.7.7") -> None:
    Client().post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def _two_committees() -> dict[str, object]:
    """Two committees at the top of two trees, each with its administrator and a secretary."""
    people: dict[str, object] = {}
    for name in ("x1", "x2"):
        committee = make_org(name=f"{name}党委")
        branch = make_org(committee, name=f"{name}支部")
        admin = UserFactory(username=f"{name}_admin")
        secretary = UserFactory(username=f"{name}_secretary")
        services.role_grant(user=admin, role=Role.ADMINISTRATOR, organisation=committee)
        services.role_grant(user=secretary, role=Role.SECRETARY, organisation=branch)
        people |= {f"{name}_admin": admin, f"{name}_secretary": secretary, f"{name}_branch": branch}
    return people


def _sign_ins_seen_by(user: object) -> set[tuple[str, str]]:
    from branches.selectors import audit_events_visible_to

    actions = [Action.SIGN_IN, Action.SIGN_IN_FAILED]
    return set(audit_events_visible_to(user).filter(action__in=actions).values_list("action", "target"))


def test_an_administrator_of_one_committee_does_not_see_another_committees_sign_ins(db: None) -> None:
    people = _two_committees()
    _sign_in("x1_secretary", address="10.7.1.1")
    _sign_in("x1_secretary", password="wrong", address="10.7.1.2")
    _sign_in("x2_secretary", address="10.7.2.1")
    assert _sign_ins_seen_by(people["x2_admin"]) == {(Action.SIGN_IN, "x2_secretary")}
    assert _sign_ins_seen_by(people["x1_admin"]) == {
        (Action.SIGN_IN, "x1_secretary"),
        (Action.SIGN_IN_FAILED, "x1_secretary"),
    }
    client = Client()
    client.force_login(people["x2_admin"])
    page = client.get(reverse("audit_log")).content.decode()
    assert "x2_secretary" in page
    assert "x1_secretary" not in page and "10.7.1.1" not in page and "10.7.1.2" not in page


def test_a_top_administrator_also_sees_sign_ins_that_nobody_with_a_role_accounts_for(db: None) -> None:
    people = _two_committees()
    UserFactory(username="no_role")
    _sign_in("no_role")
    _sign_in("nobody_by_that_name", password="wrong")
    _sign_in("x1_secretary")
    seen = _sign_ins_seen_by(people["x2_admin"])
    assert seen == {(Action.SIGN_IN, "no_role"), (Action.SIGN_IN_FAILED, "nobody_by_that_name")}


def test_a_lower_administrator_sees_the_sign_ins_of_their_subtree_only(world: World) -> None:
    branch_admin = UserFactory(username="branch_admin")
    services.role_grant(user=branch_admin, role=Role.ADMINISTRATOR, organisation=world.branch_b)
    UserFactory(username="no_role")
    for username in ("secretary_a", "secretary_b", "no_role"):
        _sign_in(username)
    assert _sign_ins_seen_by(branch_admin) == {(Action.SIGN_IN, "secretary_b")}
    assert _sign_ins_seen_by(world.administrator) == {
        (Action.SIGN_IN, name) for name in ("secretary_a", "secretary_b", "no_role")
    }


def test_tokens_revoked_by_a_superuser_are_seen_by_the_administrators_of_their_owner(db: None) -> None:
    from branches.selectors import audit_events_visible_to
    from branches.services import api_token_issue

    people = _two_committees()
    superuser = UserFactory(username="root", is_superuser=True, is_staff=True)
    api_token_issue(user=people["x1_secretary"])
    client = Client()
    client.force_login(superuser)
    url = reverse("admin:auth_user_password_change", args=[people["x1_secretary"].pk])
    client.post(url, {"password1": "Another-Pass-456", "password2": "Another-Pass-456", "usable_password": "true"})
    revoked = AuditEvent.objects.get(action=Action.API_TOKENS_REVOKED)
    assert revoked.actor == superuser and revoked.target == "x1_secretary"
    assert revoked in audit_events_visible_to(people["x1_admin"])
    assert revoked not in audit_events_visible_to(people["x2_admin"])
