"""Every API error has one shape: {"error": {"code", "message", "fields"?}}."""

import datetime as dt

from django.urls import reverse

from branches.models import Organisation, OrgStatus
from tests.branches.test_services import make_member
from tests.conftest import World


def _error(response: object) -> dict:
    body = response.json()  # type: ignore[attr-defined]
    assert set(body) == {"error"}
    assert isinstance(body["error"]["message"], str)
    assert body["error"]["message"]
    return body["error"]


def test_invalid_input_is_a_400_with_the_errors_of_each_field(api_as, world: World) -> None:
    url = reverse("api:organisation-children", kwargs={"pk": world.branch_a.pk})
    response = api_as("administrator").post(url, {"code": "A2", "kind": "nonsense"}, format="json")
    assert response.status_code == 400
    error = _error(response)
    assert error["code"] == "validation_error"
    assert set(error["fields"]) == {"name", "kind"}
    assert all(isinstance(m, str) for messages in error["fields"].values() for m in messages)


def test_a_rule_broken_in_the_service_is_a_400_on_the_field_it_concerns(api_as, world: World) -> None:
    # A branch below a branch: the model's rule, raised by organisation_create's full_clean.
    url = reverse("api:organisation-children", kwargs={"pk": world.branch_a.pk})
    response = api_as("administrator").post(url, {"code": "A9", "name": "错放的支部", "kind": "branch"}, format="json")
    assert response.status_code == 400
    assert set(_error(response)["fields"]) == {"kind"}
    assert not Organisation.objects.filter(code="A9").exists()


def test_a_code_already_in_use_is_a_400_on_the_code(api_as, world: World) -> None:
    url = reverse("api:organisation-detail", kwargs={"pk": world.branch_a.pk})
    response = api_as("administrator").patch(url, {"code": "B"}, format="json")
    assert response.status_code == 400
    assert set(_error(response)["fields"]) == {"code"}


def test_malformed_json_is_a_400(api_as, world: World) -> None:
    url = reverse("api:organisation-detail", kwargs={"pk": world.branch_a.pk})
    response = api_as("administrator").generic("PATCH", url, "{not json", content_type="application/json")
    assert response.status_code == 400
    assert _error(response)["code"] == "validation_error"


def test_no_credentials_is_a_401_that_names_the_scheme(api_as) -> None:
    response = api_as("anonymous").get(reverse("api:organisation-list"))
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert _error(response)["code"] == "not_authenticated"


def test_a_wrong_token_is_a_401(world: World) -> None:
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer not-a-real-token")
    response = client.get(reverse("api:me"))
    assert response.status_code == 401
    assert _error(response)["code"] == "not_authenticated"


def test_the_wrong_role_is_a_403(api_as, world: World) -> None:
    url = reverse("api:organisation-detail", kwargs={"pk": world.branch_a.pk})
    response = api_as("secretary_a").patch(url, {"name": "改名"}, format="json")
    assert response.status_code == 403
    assert _error(response)["code"] == "permission_denied"


def test_another_branch_is_a_404_that_says_nothing_about_it(api_as, world: World) -> None:
    response = api_as("secretary_b").get(reverse("api:organisation-detail", kwargs={"pk": world.branch_a.pk}))
    assert response.status_code == 404
    error = _error(response)
    assert error["code"] == "not_found"
    assert world.branch_a.name not in response.content.decode()


def test_an_unknown_path_below_api_is_a_404_in_the_same_format(api_as) -> None:
    response = api_as("reviewer").get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert _error(response)["code"] == "not_found"


def test_an_id_too_large_for_the_database_is_a_404(api_as) -> None:
    response = api_as("reviewer").get("/api/v1/organisations/99999999999999999999999/")
    assert response.status_code == 404
    assert _error(response)["code"] == "not_found"


def test_an_unsupported_method_is_a_405(api_as, world: World) -> None:
    url = reverse("api:organisation-detail", kwargs={"pk": world.branch_a.pk})
    response = api_as("administrator").put(url, {"name": "x"}, format="json")
    assert response.status_code == 405
    assert _error(response)["code"] == "method_not_allowed"


def test_a_form_body_is_a_415(api_as, world: World) -> None:
    url = reverse("api:organisation-detail", kwargs={"pk": world.branch_a.pk})
    response = api_as("administrator").patch(url, "name=x", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415
    assert _error(response)["code"] == "unsupported_media_type"


def test_dissolving_a_unit_with_active_units_below_is_a_409(api_as, world: World) -> None:
    url = reverse("api:organisation-dissolve", kwargs={"pk": world.branch_a.pk})
    response = api_as("administrator").post(url, {"on": "2026-11-20", "reason": "项目完工"}, format="json")
    assert response.status_code == 409
    assert _error(response)["code"] == "conflict"
    assert Organisation.objects.get(pk=world.branch_a.pk).status == OrgStatus.ACTIVE


def test_dissolving_a_branch_with_members_on_its_roll_is_a_409(api_as, world: World) -> None:
    make_member(world.branch_b)
    url = reverse("api:organisation-dissolve", kwargs={"pk": world.branch_b.pk})
    response = api_as("administrator").post(url, {"on": "2026-11-20", "reason": "项目完工"}, format="json")
    assert response.status_code == 409
    assert "transfer" in _error(response)["message"] or "转" in _error(response)["message"]
    assert Organisation.objects.get(pk=world.branch_b.pk).status == OrgStatus.ACTIVE


def test_dissolving_before_the_founding_date_is_a_400_on_the_date(api_as, world: World) -> None:
    Organisation.objects.filter(pk=world.group_a1.pk).update(established_on=dt.date(2026, 1, 1))
    url = reverse("api:organisation-dissolve", kwargs={"pk": world.group_a1.pk})
    response = api_as("administrator").post(url, {"on": "2025-12-31", "reason": "项目完工"}, format="json")
    assert response.status_code == 400
    assert set(_error(response)["fields"]) == {"on"}


def test_adding_below_a_dissolved_unit_is_a_409(api_as, world: World) -> None:
    Organisation.objects.filter(pk=world.branch_b.pk).update(status=OrgStatus.DISSOLVED, dissolved_on=dt.date.today())
    url = reverse("api:organisation-children", kwargs={"pk": world.branch_b.pk})
    response = api_as("administrator").post(url, {"code": "B1", "name": "乙小组", "kind": "group"}, format="json")
    assert response.status_code == 409
    assert _error(response)["code"] == "conflict"
    assert not Organisation.objects.filter(code="B1").exists()


def test_too_many_requests_is_a_429_with_retry_after(api_as, monkeypatch) -> None:
    from rest_framework.throttling import UserRateThrottle

    monkeypatch.setattr(UserRateThrottle, "rate", "2/minute", raising=False)
    client = api_as("reviewer")
    statuses = [client.get(reverse("api:me")).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    response = client.get(reverse("api:me"))
    assert _error(response)["code"] == "throttled"
    assert int(response["Retry-After"]) > 0


def test_an_unexpected_error_is_a_500_in_the_same_format(api_as, monkeypatch) -> None:
    from branches import apis

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(apis.MeSerializer, "to_representation", broken)
    response = api_as("reviewer").get(reverse("api:me"))
    assert response.status_code == 500
    assert _error(response)["code"] == "server_error"
    assert "boom" not in response.content.decode()


def test_an_unknown_path_with_a_line_break_is_a_404_in_the_same_format(api_as) -> None:
    response = api_as("reviewer").get("/api/v1/organisations/%0A_/")
    assert response.status_code == 404
    assert _error(response)["code"] == "not_found"
