"""Every URL of the project × every role fixture → the expected status.

A URL with no entry in the table fails here, so a new page cannot ship without saying
who may open it.
"""

import importlib
import pkgutil

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import tests
from tests.conftest import World, client_for
from tests.url_table import ROLES, Case

# Django's own admin guards itself (staff only) and is not part of the product's pages.
# The REST API answers in JSON, 401 rather than a redirect: tests/api/test_access_table.py
# holds its role × endpoint × method table.
EXCLUDED_NAMESPACES = {"admin", "api"}


def _table() -> dict[str, Case]:
    table: dict[str, Case] = {}
    for module_info in pkgutil.iter_modules(tests.__path__):
        if not module_info.ispkg:
            continue
        try:
            module = importlib.import_module(f"tests.{module_info.name}.url_access")
        except ModuleNotFoundError:
            continue
        for name, case in module.URLS.items():
            assert name not in table, f"{name} is listed twice"
            table[name] = case
    return table


def _url_names(resolver: URLResolver, namespace: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace or ""
            if ns in EXCLUDED_NAMESPACES:
                continue
            prefix = f"{namespace}{ns}:" if ns else namespace
            names |= _url_names(pattern, prefix)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


TABLE = _table()


def test_every_url_has_an_entry_in_the_table() -> None:
    names = _url_names(get_resolver())
    assert sorted(names - set(TABLE)) == [], "URLs without an entry in the role table"
    assert sorted(set(TABLE) - names) == [], "entries in the role table for URLs that no longer exist"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(TABLE))
def test_each_role_gets_the_expected_status(world: World, name: str, role: str) -> None:
    case = TABLE[name]
    url = reverse(name, kwargs=case.kwargs(world))
    client = client_for(world, role)
    response = getattr(client, case.method)(url, data=case.data(world))
    assert response.status_code == case.expect[role], f"{case.method.upper()} {url} as {role}"
