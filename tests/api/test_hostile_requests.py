"""Requests Django itself refuses — a body over the limit, too many fields or files, JSON
nested too deep — are a 400 in the API's error format, never a 500; so are filters whose
values are not what they look like (², ²026Q1) and NUL bytes anywhere."""

import json

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from branches.models import Organisation
from members.models import MemberImport
from tests.conftest import World


def _error(response: object) -> dict:
    body = response.json()  # type: ignore[attr-defined]
    assert set(body) == {"error"}
    assert body["error"]["message"]
    return body["error"]


def test_a_json_body_over_the_size_limit_is_a_400(api_as, world: World, settings) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    url = reverse("api:organisation-children", kwargs={"pk": world.branch_a.pk})
    body = json.dumps({"code": "A2", "name": "长" * 2000, "kind": "group"})
    response = api_as("administrator").generic("POST", url, body, content_type="application/json")
    assert response.status_code == 400
    assert _error(response)["code"] == "validation_error"
    assert not Organisation.objects.filter(code="A2").exists()


def test_a_form_with_more_fields_than_allowed_is_a_400(api_as, world: World, settings) -> None:
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    query = "&".join(f"f{i}=x" for i in range(50))
    response = api_as("administrator").get(f"{reverse('api:member-list')}?{query}")
    assert response.status_code == 400
    assert _error(response)["code"] == "validation_error"
    fields = {f"f{i}": "x" for i in range(50)} | {"organisation": world.branch_a.pk}
    response = api_as("administrator").post(reverse("api:member-import-list"), fields, format="multipart")
    assert response.status_code == 400
    assert _error(response)["code"] == "validation_error"


def test_a_request_with_more_files_than_allowed_is_a_400(api_as, world: World, settings) -> None:
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 5
    files = {f"file{i}": SimpleUploadedFile(f"{i}.xlsx", b"PK") for i in range(20)}
    response = api_as("administrator").post(
        reverse("api:member-import-list"), {"organisation": world.branch_a.pk, **files}, format="multipart"
    )
    assert response.status_code == 400
    assert _error(response)["code"] == "validation_error"
    assert not MemberImport.objects.exists()


def test_json_nested_deeper_than_the_limit_is_a_400_without_recursion(api_as, world: World) -> None:
    url = reverse("api:organisation-children", kwargs={"pk": world.branch_a.pk})
    client = api_as("administrator")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    for depth in (40, 100_000):
        body = "[" * depth + "]" * depth
        response = client.generic("POST", url, body, content_type="application/json")
        assert response.status_code == 400, depth
        assert "nested more than 32 levels" in _error(response)["message"]


def test_json_nested_within_the_limit_still_parses(api_as, world: World) -> None:
    url = reverse("api:organisation-children", kwargs={"pk": world.branch_a.pk})
    # Brackets inside a string are text, not nesting.
    body = json.dumps({"code": "A2", "name": "[" * 60 + "组", "kind": "group"})
    response = api_as("administrator").generic("POST", url, body, content_type="application/json")
    assert response.status_code == 201, response.content


def test_a_nul_byte_in_a_query_string_is_a_400(api_as, world: World) -> None:
    response = api_as("administrator").get(reverse("api:member-list"), {"search": "a\x00b"})
    assert response.status_code == 400
    assert _error(response)["code"] == "validation_error"


def test_a_nul_byte_in_a_json_body_is_refused_on_its_field(api_as, world: World) -> None:
    url = reverse("api:organisation-children", kwargs={"pk": world.branch_a.pk})
    response = api_as("administrator").post(url, {"code": "A2", "name": "a\x00b", "kind": "group"}, format="json")
    assert response.status_code == 400
    assert "name" in _error(response)["fields"]
    assert not Organisation.objects.filter(code="A2").exists()


def test_an_id_beyond_64_bits_in_a_filter_is_a_400_or_nothing_found(api_as, world: World) -> None:
    for name in ("api:member-list", "api:scorecard-list", "api:task-list", "api:finding-list", "api:grade-list"):
        response = api_as("administrator").get(reverse(name), {"branch": str(10**20)})
        assert response.status_code in (400, 404), (name, response.status_code)


def test_filters_written_in_other_digits_are_a_400(api_as, world: World) -> None:
    for name, params in [
        ("api:scorecard-list", {"year": "²026"}),
        ("api:scorecard-list", {"period": "²026Q1"}),
        ("api:grade-list", {"quarter": "²"}),
        ("api:finding-list", {"year": "²026"}),
    ]:
        response = api_as("administrator").get(reverse(name), params)
        assert response.status_code == 400, (name, params, response.status_code)
        assert _error(response)["fields"], (name, params)
