"""The user's own account: API tokens end with the password and on request; the
password-change form limits guesses at the current password."""

import datetime as dt

from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from branches.audit import Action
from branches.models import ApiToken, AuditEvent
from branches.services import api_token_issue
from tests.conftest import World

PASSWORD = "pass-word-123"
NEW_PASSWORD = "Another-Pass-456"


def _works(raw: str) -> bool:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client.get(reverse("api:me")).status_code == 200


def _change_password(client: Client, old: str, new: str = NEW_PASSWORD) -> object:
    return client.post(reverse("password_change"), {"old_password": old, "new_password1": new, "new_password2": new})


def _signed_in(user: object) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- tokens end with the password -------------------------------------------------------------


def test_changing_ones_password_revokes_every_api_token_and_says_so_in_the_audit_log(world: World) -> None:
    tokens = [api_token_issue(user=world.reviewer)[1] for _ in range(2)]
    others = api_token_issue(user=world.secretary_a)[1]
    response = _change_password(_signed_in(world.reviewer), PASSWORD)
    assert response.status_code == 302
    assert not any(_works(raw) for raw in tokens)
    assert _works(others)
    event = AuditEvent.objects.get(action=Action.API_TOKENS_REVOKED)
    assert (event.actor, event.target, event.detail) == (
        world.reviewer,
        "reviewer",
        {"count": 2, "reason": "password_changed"},
    )


def test_a_password_set_in_the_admin_revokes_the_users_tokens(world: World, admin_client) -> None:
    raw = api_token_issue(user=world.reviewer)[1]
    url = reverse("admin:auth_user_password_change", args=[world.reviewer.pk])
    response = admin_client.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"})
    assert response.status_code == 302
    assert not _works(raw)


def test_a_password_set_in_code_or_by_command_revokes_the_users_tokens(world: World, monkeypatch) -> None:
    raw = api_token_issue(user=world.reviewer)[1]
    world.reviewer.set_password(NEW_PASSWORD)
    world.reviewer.save()
    assert not _works(raw)
    raw = api_token_issue(user=world.reviewer)[1]
    monkeypatch.setattr("getpass.getpass", lambda prompt="": PASSWORD)
    call_command("changepassword", "reviewer", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert not _works(raw)


def test_other_changes_to_a_user_and_signing_in_leave_the_tokens_alone(world: World, settings) -> None:
    raw = api_token_issue(user=world.reviewer)[1]
    world.reviewer.full_name = "新名字"
    world.reviewer.save()
    # A hash upgrade at sign-in rewrites the stored password but changes nothing.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    before = world.reviewer.password
    client = Client()
    assert client.post(reverse("login"), {"username": "reviewer", "password": PASSWORD}).status_code == 302
    world.reviewer.refresh_from_db()
    assert world.reviewer.password != before
    assert _works(raw)


# --- revoking all of one's tokens on request --------------------------------------------------


def test_the_tokens_page_lists_ones_own_tokens_and_revokes_them_all(world: World) -> None:
    mine = [api_token_issue(user=world.secretary_a) for _ in range(2)]
    theirs = api_token_issue(user=world.secretary_b)
    client = _signed_in(world.secretary_a)
    page = client.get(reverse("api_tokens")).content.decode()
    assert all(token.prefix in page for token, _ in mine)
    assert theirs[0].prefix not in page
    response = client.post(reverse("api_tokens_revoke_all"), follow=True)
    assert "已吊销 2 个接口令牌" in response.content.decode()
    assert not any(_works(raw) for _, raw in mine)
    assert _works(theirs[1])
    event = AuditEvent.objects.get(action=Action.API_TOKENS_REVOKED)
    assert (event.actor, event.detail) == (world.secretary_a, {"count": 2, "reason": "requested"})


def test_revoking_all_tokens_is_a_post(world: World) -> None:
    api_token_issue(user=world.secretary_a)
    assert _signed_in(world.secretary_a).get(reverse("api_tokens_revoke_all")).status_code == 405
    assert ApiToken.objects.filter(user=world.secretary_a).count() == 1


def test_the_api_revokes_all_of_the_callers_tokens(world: World) -> None:
    first = api_token_issue(user=world.reviewer)[1]
    second = api_token_issue(user=world.reviewer)[1]
    theirs = api_token_issue(user=world.secretary_a)[1]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {first}")
    response = client.post(reverse("api:token-revoke-all"))
    assert response.status_code == 200
    assert response.json() == {"revoked": 2}
    assert not _works(first) and not _works(second)
    assert _works(theirs)
    assert AuditEvent.objects.filter(action=Action.API_TOKENS_REVOKED, actor=world.reviewer).exists()


# --- guesses at the current password ----------------------------------------------------------


def test_the_password_form_refuses_after_five_wrong_current_passwords(world: World) -> None:
    client = _signed_in(world.reviewer)
    for _ in range(5):
        response = _change_password(client, "wrong")
        assert response.status_code == 200
    # The sixth try is refused even with the right password, and says for how long.
    response = _change_password(client, PASSWORD)
    assert response.status_code == 200
    assert "当前密码输错次数过多" in response.content.decode()
    assert "15 分钟" in response.content.decode()
    world.reviewer.refresh_from_db()
    assert world.reviewer.check_password(PASSWORD)
    failures = AuditEvent.objects.filter(action=Action.PASSWORD_CHECK_FAILED, actor=world.reviewer)
    assert failures.count() == 5
    assert set(failures.values_list("target", flat=True)) == {"reviewer"}


def test_the_limit_is_per_user_and_lifts_after_the_cool_off(world: World, settings) -> None:
    client = _signed_in(world.reviewer)
    for _ in range(5):
        _change_password(client, "wrong")
    assert _change_password(_signed_in(world.secretary_a), PASSWORD).status_code == 302
    AuditEvent.objects.filter(action=Action.PASSWORD_CHECK_FAILED).update(
        at=timezone.now() - settings.AXES_COOLOFF_TIME - dt.timedelta(seconds=1)
    )
    assert _change_password(client, PASSWORD).status_code == 302
