"""Every endpoint and method of the API × every role fixture → the expected status.

An endpoint or method with no entry in ``tests/api/endpoints.py`` fails here, so a new
endpoint cannot ship without saying who may call it.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.api.conftest import api_client_for
from tests.api.endpoints import ENDPOINTS
from tests.conftest import World
from tests.url_table import ROLES

METHODS = ("get", "post", "put", "patch", "delete")


def _methods_of(callback: object) -> set[str]:
    actions = getattr(callback, "actions", None)  # a viewset: the router's method → action map
    if actions is not None:
        return set(actions) & set(METHODS)
    view_class = callback.view_class  # type: ignore[attr-defined]
    return {method for method in METHODS if hasattr(view_class, method)}


def _api_endpoints(resolver: URLResolver, prefix: str = "") -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            found |= _api_endpoints(pattern, namespace)
        elif isinstance(pattern, URLPattern) and pattern.name and prefix.startswith("api:"):
            found |= {(f"{prefix}{pattern.name}", method) for method in _methods_of(pattern.callback)}
    return found


def test_every_api_endpoint_and_method_has_an_entry_in_the_table() -> None:
    found = _api_endpoints(get_resolver())
    assert sorted(found - set(ENDPOINTS)) == [], "API endpoints without an entry in tests/api/endpoints.py"
    assert sorted(set(ENDPOINTS) - found) == [], "entries for API endpoints that no longer exist"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "method"), sorted(ENDPOINTS))
def test_each_role_gets_the_expected_status(world: World, name: str, method: str, role: str) -> None:
    case = ENDPOINTS[(name, method)]
    url = reverse(name, kwargs=case.kwargs(world))
    response = getattr(api_client_for(world, role), method)(url, data=case.data(world), format=case.format)
    assert response.status_code == case.expect[role], f"{method.upper()} {url} as {role}: {response.content[:300]}"
