import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.conftest import World

ROOT = Path(__file__).resolve().parent.parent


def test_production_settings_pass_the_deployment_check() -> None:
    # A deployment does not carry the browser tests' DJANGO_ALLOW_ASYNC_UNSAFE.
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "k" * 20 + "9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1",
        "DJANGO_ALLOWED_HOSTS": "partybranch.example.com",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_settings_refuse_to_start_without_a_secret_key() -> None:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SECRET_KEY"}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.production"
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_every_page_carries_the_security_headers(db: None) -> None:
    response = Client().get(reverse("login"))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_the_session_cookie_is_http_only(world: World) -> None:
    client = Client()
    client.post(reverse("login"), {"username": "reviewer", "password": "pass-word-123"})
    assert client.cookies["sessionid"]["httponly"]


def test_an_idle_session_is_signed_out(world: World, settings) -> None:
    settings.SESSION_IDLE_SECONDS = 60
    client = Client()
    client.force_login(world.reviewer)
    assert client.get(reverse("home")).status_code == 200
    session = client.session
    session["_last_seen"] = int(time.time()) - 61
    session.save()
    assert client.get(reverse("home")).status_code == 302


def test_an_active_session_stays_signed_in(world: World, settings) -> None:
    settings.SESSION_IDLE_SECONDS = 60
    client = Client()
    client.force_login(world.reviewer)
    client.get(reverse("home"))
    session = client.session
    session["_last_seen"] = int(time.time()) - 30
    session.save()
    assert client.get(reverse("home")).status_code == 200


def test_a_session_ends_at_the_absolute_limit_however_active(world: World, settings) -> None:
    settings.SESSION_IDLE_SECONDS = 60
    settings.SESSION_ABSOLUTE_SECONDS = 3600
    client = Client()
    client.force_login(world.reviewer)
    session = client.session
    # Signed in 61 minutes ago, seen a moment ago: active, but past the absolute limit.
    session["_signed_in_at"] = int(time.time()) - 3660
    session["_last_seen"] = int(time.time()) - 5
    session.save()
    assert client.get(reverse("home")).status_code == 302


def test_the_idle_clock_keeps_the_sign_in_time(world: World, settings) -> None:
    settings.SESSION_IDLE_SECONDS = 600
    client = Client()
    client.force_login(world.reviewer)
    signed_in_at = client.session["_signed_in_at"]
    session = client.session
    session["_last_seen"] = int(time.time()) - 120  # the idle clock will write the session
    session.save()
    assert client.get(reverse("home")).status_code == 200
    assert client.session["_signed_in_at"] == signed_in_at
    assert client.session["_last_seen"] > int(time.time()) - 5


def _fail(client: Client, username: str, **meta: str) -> int:
    return client.post(reverse("login"), {"username": username, "password": "wrong"}, **meta).status_code


def _sign_in(username: str, address: str, password: str = "pass-word-123", **meta: str) -> object:
    # A fresh client each time: a signed-in client would not be asked for a password again.
    return Client().post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address, **meta)


def test_a_username_is_locked_at_an_address_after_repeated_failures_from_it(world: World) -> None:
    client = Client()
    codes = [_fail(client, "reviewer", REMOTE_ADDR="10.0.0.1") for _ in range(5)]
    assert codes == [200, 200, 200, 200, 429]
    response = client.post(
        reverse("login"), {"username": "reviewer", "password": "pass-word-123"}, REMOTE_ADDR="10.0.0.1"
    )
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_strangers_failures_do_not_lock_the_owner_out_elsewhere(world: World) -> None:
    # The finding: five wrong passwords from anywhere used to lock any account for everyone.
    for _ in range(30):
        _fail(Client(), "reviewer", REMOTE_ADDR="203.0.113.9")
    for n in range(4):
        _fail(Client(), "reviewer", REMOTE_ADDR=f"198.51.100.{n}")
    assert _sign_in("reviewer", "10.0.0.2").status_code == 302
    assert _sign_in("reviewer", "203.0.113.9").status_code == 429


def test_a_username_is_locked_everywhere_after_many_failures_from_many_addresses(world: World, settings) -> None:
    assert settings.LOGIN_USERNAME_FAILURE_LIMIT == 20
    for n in range(19):
        _fail(Client(), "reviewer", REMOTE_ADDR=f"10.0.1.{n}")
    assert _sign_in("reviewer", "10.0.2.1").status_code == 302
    _fail(Client(), "reviewer", REMOTE_ADDR="10.0.1.99")
    assert _sign_in("reviewer", "10.0.2.2").status_code == 429


def test_failures_while_locked_do_not_count_towards_the_username(world: World) -> None:
    # One address alone cannot lock an account everywhere by insisting after its own lock.
    for _ in range(40):
        _fail(Client(), "reviewer", REMOTE_ADDR="10.0.3.3")
    assert _sign_in("reviewer", "10.0.3.4").status_code == 302


def test_an_address_is_locked_after_failures_across_usernames(world: World, settings) -> None:
    assert settings.LOGIN_ADDRESS_FAILURE_LIMIT == 20
    for n in range(19):
        _fail(Client(), f"user{n}", REMOTE_ADDR="10.1.1.1")
    assert _sign_in("secretary_a", "10.1.1.1").status_code == 302
    _fail(Client(), "user19", REMOTE_ADDR="10.1.1.1")
    assert _sign_in("reviewer", "10.1.1.1").status_code == 429
    assert _sign_in("reviewer", "10.1.1.2").status_code == 302


def test_signing_in_as_oneself_does_not_erase_the_failures_against_someone_else(world: World) -> None:
    # The finding: four guesses at another account, one sign-in as oneself from the same
    # address, and again: the success used to delete every failure from the address.
    for _ in range(12):
        _fail(Client(), "reviewer", REMOTE_ADDR="10.4.4.4")
        assert _sign_in("secretary_a", "10.4.4.4").status_code == 302
    assert _sign_in("reviewer", "10.4.4.4").status_code == 429


def test_a_success_still_forgets_ones_own_typos(world: World) -> None:
    for _ in range(4):
        _fail(Client(), "reviewer", REMOTE_ADDR="10.5.5.5")
    assert _sign_in("reviewer", "10.5.5.5").status_code == 302
    for _ in range(4):
        _fail(Client(), "reviewer", REMOTE_ADDR="10.5.5.5")
    assert _sign_in("reviewer", "10.5.5.5").status_code == 302


def test_the_lockout_page_says_how_long_to_wait(world: World, settings) -> None:
    for _ in range(5):
        _fail(Client(), "reviewer", REMOTE_ADDR="10.6.6.6")
    response = _sign_in("reviewer", "10.6.6.6")
    assert response.status_code == 429
    cool_off = int(settings.AXES_COOLOFF_TIME.total_seconds())
    assert cool_off - 60 < int(response["Retry-After"]) <= cool_off
    assert "约 15 分钟后解除锁定" in response.content.decode()


def test_a_forged_forwarded_for_header_does_not_escape_the_lock(world: World) -> None:
    client = Client()
    for n in range(5):
        _fail(client, "reviewer", REMOTE_ADDR="10.2.2.2", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    response = client.post(
        reverse("login"),
        {"username": "reviewer", "password": "pass-word-123"},
        REMOTE_ADDR="10.2.2.2",
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )
    assert response.status_code == 429


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (0, "1.1.1.1", "9.9.9.9"),
        (1, "1.1.1.1, 2.2.2.2", "2.2.2.2"),
        (2, "1.1.1.1, 2.2.2.2", "1.1.1.1"),
        (2, "", "9.9.9.9"),
    ],
)
def test_the_client_address_trusts_only_our_own_proxies(settings, count: int, forwarded: str, expected: str) -> None:
    from django.test import RequestFactory

    from config.client_ip import client_ip

    settings.TRUSTED_PROXY_COUNT = count
    request = RequestFactory().get("/", REMOTE_ADDR="9.9.9.9", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_a_successful_sign_in_works(world: World) -> None:
    client = Client()
    response = client.post(reverse("login"), {"username": "reviewer", "password": "pass-word-123"})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(world.reviewer.pk)


def test_no_template_carries_inline_script_or_style() -> None:
    # The CSP has no 'unsafe-inline': an inline script, handler or style would be blocked, so
    # none may exist. PDF templates are rendered by WeasyPrint and e-mail templates by mail
    # readers (which need inline styles), never under the site's CSP.
    templates = [
        p for p in (Path(settings.BASE_DIR) / "templates").rglob("*.html") if not {"pdf", "email"} & set(p.parts)
    ]
    assert templates
    offenders = []
    for path in templates:
        text = path.read_text(encoding="utf-8")
        text = re.sub(r"{% comment %}.*?{% endcomment %}|{#.*?#}", "", text, flags=re.S)
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or re.search(r"\son[a-z]+\s*=", text):
            offenders.append(f"{path.name}: inline script")
        if re.search(r"<style[\s>]|\sstyle\s*=", text):
            offenders.append(f"{path.name}: inline style")
    assert not offenders, offenders
