"""/api/schema/ is valid OpenAPI 3 and documents every endpoint, with the error format."""

from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse
from openapi_spec_validator import validate

from tests.api.endpoints import ENDPOINTS


class _AnyWorld:
    """Stands in for the ``world`` fixture: every unit in it has the id 987654."""

    def __getattr__(self, name: str) -> SimpleNamespace:
        return SimpleNamespace(pk=987654)


@pytest.fixture(scope="module")
def schema(django_db_blocker: object) -> dict:
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        response = Client().get(reverse("api:schema"), {"format": "json"})
    assert response.status_code == 200
    return response.json()


def test_the_schema_is_valid_openapi(schema: dict) -> None:
    validate(schema)
    assert schema["openapi"].startswith("3.")


def test_every_endpoint_and_method_of_the_table_is_in_the_schema(schema: dict) -> None:
    undocumented = {"api:schema", "api:docs", "api:unknown"}
    documented = {(path, method) for path, item in schema["paths"].items() for method in item}
    for name, method in ENDPOINTS:
        if name in undocumented:
            continue
        try:
            path = reverse(name, kwargs={"pk": 1})
        except NoReverseMatch:
            path = reverse(name)
        template = path.replace("/1/", "/{id}/")
        assert (template, method) in documented, f"{method.upper()} {template} is not in the schema"


def test_every_operation_documents_its_success_and_its_errors_in_one_format(schema: dict) -> None:
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            responses = operation["responses"]
            assert any(code.startswith("2") for code in responses), f"{method} {path}"
            assert "429" in responses, f"{method} {path}"
            for code, response in responses.items():
                if code >= "400":
                    ref = response["content"]["application/json"]["schema"]["$ref"]
                    assert ref == "#/components/schemas/Error", f"{method} {path} {code}"


def test_the_error_format_lists_its_codes(schema: dict) -> None:
    detail = schema["components"]["schemas"]["ErrorDetail"]
    assert {"not_found", "permission_denied", "validation_error", "conflict", "not_authenticated", "throttled"} <= set(
        schema["components"]["schemas"][detail["properties"]["code"]["$ref"].rsplit("/", 1)[1]]["enum"]
    )


def test_dissolving_documents_its_conflict(schema: dict) -> None:
    assert "409" in schema["paths"]["/api/v1/organisations/{id}/dissolve/"]["post"]["responses"]


def test_writes_are_documented_with_their_request_bodies(schema: dict) -> None:
    create = schema["paths"]["/api/v1/organisations/{id}/children/"]["post"]
    body = create["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert set(schema["components"]["schemas"][body]["required"]) == {"code", "name", "kind"}


def test_tokens_are_documented_as_bearer_authentication(schema: dict) -> None:
    assert schema["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "A token from POST /api/v1/auth/token/.",
    }
    assert schema["paths"]["/api/v1/auth/token/"]["post"].get("security") in (None, [])


def test_the_schema_is_in_english_unless_asked(db: None) -> None:
    english = Client().get(reverse("api:schema"), {"format": "json"}).content.decode()
    chinese = Client().get(reverse("api:schema"), {"format": "json", "lang": "zh-hans"}).content.decode()
    assert "Party committee" in english
    assert "党委" in chinese
