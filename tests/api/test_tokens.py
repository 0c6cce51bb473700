"""Tokens: issued for a username and password, used as a bearer token, revoked; and the
token endpoint throttled exactly like the login page (django-axes)."""

import datetime as dt
import hashlib

from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from branches.models import ApiToken
from tests.conftest import World

TOKEN_URL = "/api/v1/auth/token/"


def _sign_in(client: APIClient, username: str, password: str, **meta: str) -> object:
    return client.post(TOKEN_URL, {"username": username, "password": password}, format="json", **meta)


def _bearer(raw: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def test_a_username_and_password_get_a_token_that_signs_requests_in(world: World) -> None:
    response = _sign_in(APIClient(), "secretary_a", "pass-word-123")
    assert response.status_code == 201
    body = response.json()
    assert body["username"] == "secretary_a"
    me = _bearer(body["token"]).get(reverse("api:me"))
    assert me.status_code == 200
    assert me.json()["username"] == "secretary_a"
    assert [r["role"] for r in me.json()["roles"]] == ["secretary"]


def test_only_a_digest_of_the_token_is_stored(world: World) -> None:
    raw = _sign_in(APIClient(), "reviewer", "pass-word-123").json()["token"]
    token = ApiToken.objects.get(user=world.reviewer)
    assert token.digest == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in {token.digest, token.prefix}


def test_getting_a_token_counts_as_signing_in(world: World) -> None:
    _sign_in(APIClient(), "reviewer", "pass-word-123")
    world.reviewer.refresh_from_db()
    assert world.reviewer.last_login is not None


def test_a_wrong_password_gets_no_token(world: World) -> None:
    response = _sign_in(APIClient(), "reviewer", "wrong")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
    assert not ApiToken.objects.exists()


def test_a_deactivated_user_gets_no_token_and_their_token_stops_working(world: World) -> None:
    raw = _sign_in(APIClient(), "reviewer", "pass-word-123").json()["token"]
    world.reviewer.is_active = False
    world.reviewer.save()
    assert _bearer(raw).get(reverse("api:me")).status_code == 401
    assert _sign_in(APIClient(), "reviewer", "pass-word-123").status_code == 401


def test_revoking_a_token_ends_it_and_only_it(world: World) -> None:
    first = _sign_in(APIClient(), "reviewer", "pass-word-123").json()["token"]
    second = _sign_in(APIClient(), "reviewer", "pass-word-123").json()["token"]
    assert _bearer(first).delete(TOKEN_URL).status_code == 204
    assert _bearer(first).get(reverse("api:me")).status_code == 401
    assert _bearer(second).get(reverse("api:me")).status_code == 200


def test_an_expired_token_is_refused(world: World) -> None:
    raw = _sign_in(APIClient(), "reviewer", "pass-word-123").json()["token"]
    ApiToken.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = _bearer(raw).get(reverse("api:me"))
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_a_token_lives_as_long_as_the_setting_says(world: World, settings) -> None:
    settings.API_TOKEN_DAYS = 7
    _sign_in(APIClient(), "reviewer", "pass-word-123")
    lifetime = ApiToken.objects.get().expires_at - timezone.now()
    assert dt.timedelta(days=6, hours=23) < lifetime <= dt.timedelta(days=7)


def test_a_session_has_no_token_to_revoke(world: World) -> None:
    client = APIClient()
    client.force_login(world.reviewer)
    response = client.delete(TOKEN_URL)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"


def test_a_signed_in_browser_session_works_too(world: World) -> None:
    client = APIClient()
    client.force_login(world.secretary_a)
    assert client.get(reverse("api:organisation-list")).status_code == 200


def test_a_session_write_needs_the_csrf_token(world: World) -> None:
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(world.administrator)
    url = reverse("api:organisation-detail", kwargs={"pk": world.branch_a.pk})
    response = client.patch(url, {"name": "改名"}, format="json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


# --- throttling of the token endpoint: the login page's django-axes rules -------------------


def test_a_username_is_locked_at_an_address_after_the_configured_failures(world: World, settings) -> None:
    settings.AXES_FAILURE_LIMIT = 3
    client = APIClient()
    codes = [_sign_in(client, "reviewer", "wrong", REMOTE_ADDR="10.9.0.1").status_code for _ in range(3)]
    assert codes == [401, 401, 429]
    response = _sign_in(client, "reviewer", "pass-word-123", REMOTE_ADDR="10.9.0.1")
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "throttled"
    cool_off = int(settings.AXES_COOLOFF_TIME.total_seconds())
    assert cool_off - 60 < int(response["Retry-After"]) <= cool_off
    assert not ApiToken.objects.exists()
    # The owner, elsewhere, is not locked out by a stranger's guesses.
    assert _sign_in(client, "reviewer", "pass-word-123", REMOTE_ADDR="10.9.0.2").status_code == 201


def test_a_username_is_locked_everywhere_after_failures_from_many_addresses(world: World, settings) -> None:
    settings.LOGIN_USERNAME_FAILURE_LIMIT = 4
    for n in range(4):
        _sign_in(APIClient(), "reviewer", "wrong", REMOTE_ADDR=f"10.9.0.{10 + n}")
    assert _sign_in(APIClient(), "reviewer", "pass-word-123", REMOTE_ADDR="10.9.0.99").status_code == 429


def test_an_address_is_locked_after_failures_across_usernames(world: World, settings) -> None:
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 5
    client = APIClient()
    for name in ["a", "b", "c", "d", "e"]:
        _sign_in(client, name, "wrong", REMOTE_ADDR="10.9.1.1")
    assert _sign_in(client, "reviewer", "pass-word-123", REMOTE_ADDR="10.9.1.1").status_code == 429


def test_a_forged_forwarded_for_header_does_not_escape_the_lock(world: World) -> None:
    client = APIClient()
    for n in range(5):
        _sign_in(client, "reviewer", "wrong", REMOTE_ADDR="10.9.2.2", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    response = _sign_in(
        client, "reviewer", "pass-word-123", REMOTE_ADDR="10.9.2.2", HTTP_X_FORWARDED_FOR="198.51.100.7"
    )
    assert response.status_code == 429


def test_failures_at_the_api_lock_the_login_page_too(world: World) -> None:
    for _ in range(5):
        _sign_in(APIClient(), "reviewer", "wrong", REMOTE_ADDR="10.9.3.3")
    response = Client().post(
        reverse("login"), {"username": "reviewer", "password": "pass-word-123"}, REMOTE_ADDR="10.9.3.3"
    )
    assert response.status_code == 429


def test_failures_at_the_login_page_lock_the_api_too(world: World) -> None:
    for _ in range(5):
        Client().post(reverse("login"), {"username": "reviewer", "password": "wrong"}, REMOTE_ADDR="10.9.5.5")
    assert _sign_in(APIClient(), "reviewer", "pass-word-123", REMOTE_ADDR="10.9.5.5").status_code == 429


def test_a_token_for_oneself_does_not_erase_the_failures_against_someone_else(world: World) -> None:
    for _ in range(12):
        _sign_in(APIClient(), "reviewer", "wrong", REMOTE_ADDR="10.9.6.6")
        assert _sign_in(APIClient(), "secretary_a", "pass-word-123", REMOTE_ADDR="10.9.6.6").status_code == 201
    assert _sign_in(APIClient(), "reviewer", "pass-word-123", REMOTE_ADDR="10.9.6.6").status_code == 429


def test_a_success_clears_earlier_failures(world: World) -> None:
    client = APIClient()
    for _ in range(4):
        _sign_in(client, "reviewer", "wrong", REMOTE_ADDR="10.9.7.7")
    assert _sign_in(client, "reviewer", "pass-word-123", REMOTE_ADDR="10.9.7.7").status_code == 201
    assert _sign_in(client, "reviewer", "wrong", REMOTE_ADDR="10.9.7.7").status_code == 401


def test_the_anonymous_rate_is_counted_per_address_not_per_forwarded_for(world: World, monkeypatch) -> None:
    from rest_framework.throttling import AnonRateThrottle

    monkeypatch.setattr(AnonRateThrottle, "rate", "2/minute", raising=False)
    client = APIClient()
    # An empty body is refused before any password is checked: only the rate counts here.
    codes = [
        client.post(TOKEN_URL, {}, format="json", REMOTE_ADDR="10.9.8.8", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
        for n in range(3)
    ]
    assert [response.status_code for response in codes] == [400, 400, 429]
    assert client.post(TOKEN_URL, {}, format="json", REMOTE_ADDR="10.9.8.9").status_code == 400


def test_the_user_rate_is_counted_per_user(api_as, monkeypatch) -> None:
    from rest_framework.throttling import UserRateThrottle

    monkeypatch.setattr(UserRateThrottle, "rate", "2/minute", raising=False)
    reviewer = api_as("reviewer")
    assert [reviewer.get(reverse("api:me")).status_code for _ in range(3)] == [200, 200, 429]
    assert api_as("secretary_a").get(reverse("api:me")).status_code == 200


def test_a_superuser_sees_tokens_in_the_admin_without_their_digest(world: World, admin_client) -> None:
    _sign_in(APIClient(), "reviewer", "pass-word-123")
    token = ApiToken.objects.get()
    response = admin_client.get(reverse("admin:branches_apitoken_change", args=[token.pk]))
    assert response.status_code == 200
    assert token.digest not in response.content.decode()
    assert token.prefix in response.content.decode()
