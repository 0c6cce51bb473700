import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.translation import override

from branches import audit, services
from branches.audit import Action
from branches.models import AuditEvent, Organisation, Role
from config.exceptions import Conflict
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
        user=world.outsider, role=Role.REVIEWER, organisation=world.general, by=world.administrator
    )
    services.role_revoke(by=None, assignment=assignment)
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
    services.role_grant(by=None, user=stranger, role=Role.SECRETARY, organisation=other_root)
    services.role_grant(by=None, user=world.outsider, role=Role.MEMBER, organisation=world.branch_b)
    branch_admin = UserFactory(username="branch_admin")
    services.role_grant(by=None, user=branch_admin, role=Role.ADMINISTRATOR, organisation=world.branch_b)
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
    services.role_grant(by=None, user=world.outsider, role=Role.MEMBER, organisation=world.branch_b)
    client = as_role("administrator")
    page = client.get(reverse("audit_log"), {"who": "outsider", "since": "not-a-date"}).content.decode()
    assert "outsider" in page
    assert "secretary_b" not in page


def test_the_log_shows_actions_and_targets_by_their_labels_in_the_readers_language(world: World) -> None:
    client = Client()
    client.force_login(world.administrator)
    client.get(reverse("members:export", kwargs={"pk": world.branch_a.pk}))
    chinese = client.get(reverse("audit_log")).content.decode()
    assert "授予角色" in chinese and "导出" in chinese and "党员名册" in chinese
    assert "role_granted" not in chinese.replace('value="role_granted"', "")
    assert "members roster" not in chinese
    client.post(reverse("set_language"), {"language": "en"})
    english = client.get(reverse("audit_log")).content.decode()
    assert "Role granted" in english and "Member roster" in english


def test_a_target_keeps_its_number_and_anything_unknown_is_shown_as_stored() -> None:
    with override("zh-hans"):
        assert audit.target_label("scorecard 2026Q3") == "对标自查评分表 2026Q3"
        assert audit.target_label("reminder sheet #12") == "工作提醒表 #12"
        assert audit.target_label("members import #3") == "党员导入 #3"
        assert audit.target_label("handbook 2027") == "手册版本 2027"
        assert audit.target_label("scorecards") == "scorecards"
        assert audit.target_label("secretary_a") == "secretary_a"
        assert audit.action_label("retired_code") == "retired_code"


def test_the_action_filter_lists_each_action_once_by_its_label(world: World) -> None:
    for _ in range(3):
        services.role_grant(by=None, user=world.outsider, role=Role.MEMBER, organisation=world.branch_b)
        services.role_revoke(by=None, assignment=world.outsider.role_assignments.get())
    client = Client()
    client.force_login(world.administrator)
    page = client.get(reverse("audit_log")).content.decode()
    select = page[page.index('<select name="action">') : page.index("</select>")]
    options = re.findall(r'<option value="([a-z_]+)"[^>]*>([^<]+)</option>', select)
    assert sorted(code for code, _label in options) == sorted(Action.values)
    labels = [label for _code, label in options]
    assert labels == sorted(labels)
    assert "撤销角色" in labels
    only = client.get(reverse("audit_log"), {"action": Action.ROLE_REVOKED}).context["page"]
    assert {event.action for event in only} == {Action.ROLE_REVOKED}
    assert len(only) == 3


def test_creating_a_unit_is_recorded_with_whoever_did_it(world: World) -> None:
    client = Client()
    client.force_login(world.administrator)
    client.post(
        reverse("branches:create", args=[world.general.pk]),
        {"code": "N1", "name": "三号项目部党支部", "kind": "branch"},
    )
    event = AuditEvent.objects.filter(action=Action.ORGANISATION_CHANGED).latest("pk")
    created = Organisation.objects.get(code="N1")
    assert (event.actor, event.organisation, event.target) == (world.administrator, created, "N1")
    assert event.detail == {"change": "created", "parent": "G"}


def test_moving_a_unit_is_recorded_under_its_new_place(world: World) -> None:
    services.organisation_move(by=None, organisation=world.group_a1, new_parent=world.branch_b)
    event = AuditEvent.objects.filter(action=Action.ORGANISATION_CHANGED).latest("pk")
    assert event.organisation == world.group_a1
    assert event.organisation_path.startswith(world.branch_b.path)
    assert event.detail == {"change": "moved", "from": "A", "to": "B"}


def test_a_move_that_changes_nothing_records_nothing(world: World) -> None:
    before = AuditEvent.objects.count()
    services.organisation_move(by=None, organisation=world.group_a1, new_parent=world.branch_a)
    assert AuditEvent.objects.count() == before


def test_dissolving_a_unit_is_recorded_with_its_date_and_reason(world: World) -> None:
    services.organisation_dissolve(by=None, organisation=world.group_a1, on=dt.date(2026, 6, 30), reason=" 合并 ")
    event = AuditEvent.objects.filter(action=Action.ORGANISATION_CHANGED).latest("pk")
    assert event.organisation == world.group_a1
    assert event.detail == {"change": "dissolved", "on": "2026-06-30", "reason": "合并"}


def test_a_refused_dissolution_records_nothing(world: World) -> None:
    before = AuditEvent.objects.count()
    with pytest.raises(Conflict):
        services.organisation_dissolve(by=None, organisation=world.branch_a, on=dt.date(2026, 6, 30), reason="")
    assert AuditEvent.objects.count() == before


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
        services.role_grant(by=None, user=admin, role=Role.ADMINISTRATOR, organisation=committee)
        services.role_grant(by=None, user=secretary, role=Role.SECRETARY, organisation=branch)
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
    services.role_grant(by=None, user=branch_admin, role=Role.ADMINISTRATOR, organisation=world.branch_b)
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
