"""The ability tables are the rule; the role × URL and role × endpoint tables follow them.

For every ability (``<app>/permissions.py``) the statuses each role fixture must get on the
pages and endpoints it guards are derived from the ability table — success where the role
holds it, 403 where the object is within the role's scope without it, 404 outside
(``tests/ability_derivation.py``). The tables generate those rows with ``from_ability``; this
module checks that the derivation agrees with the engine's live answers on the ``world``
fixture, and that the rows written out by hand (or overridden) agree with it. A new ability
without an entry in ``tests/ability_map.py`` fails here.
"""

import pytest

from branches import abilities
from branches.selectors import roles_on
from tests.ability_derivation import PARENT, SIGNED_IN, derived, roles_over
from tests.ability_map import ABILITY_MAP
from tests.api.endpoints import ENDPOINTS
from tests.conftest import World
from tests.test_url_access import _table

URLS = _table()


def _kind(status: int) -> str:
    if status in (403, 404):
        return str(status)
    return "allowed"  # 2xx, a redirect after a POST, or a 400/409 on the data sent


def _live(world: World, name: str, role: str) -> str:
    """What the engine answers for ``role`` on the real fixture: "allowed", "403" or "404"."""
    row = abilities.ability(name)
    user = getattr(world, role)
    if row.scope != abilities.OBJECT or ABILITY_MAP[name].unit is None:
        return "allowed" if abilities.can(user, name) else "403"
    unit = getattr(world, ABILITY_MAP[name].unit)
    held = roles_on(user, unit)
    if not held:
        return "404"
    if any(row.holders[role_name] is None for role_name in held & row.roles):
        return "allowed"
    return "403"


def test_the_derivation_describes_the_world_fixture(world: World) -> None:
    for role in SIGNED_IN:
        for unit in PARENT:
            assert roles_on(getattr(world, role), getattr(world, unit)) == roles_over(role, unit), (role, unit)


def test_the_derivation_agrees_with_the_engine(world: World) -> None:
    for name in ABILITY_MAP:
        for role in SIGNED_IN:
            assert derived(name, role) == _live(world, name, role), f"{name} as {role}"


def test_every_ability_has_an_entry_saying_what_it_guards() -> None:
    missing = sorted(set(abilities.ABILITIES) - set(ABILITY_MAP))
    unknown = sorted(set(ABILITY_MAP) - set(abilities.ABILITIES))
    assert not missing, f"abilities without an entry in tests/ability_map.py: {missing}"
    assert not unknown, f"entries for abilities that do not exist: {unknown}"
    for name, guarded in ABILITY_MAP.items():
        assert guarded.pages or guarded.api or guarded.note, f"{name} guards nothing and says not why"
        for page in guarded.pages:
            assert page in URLS, f"{name}: {page} is not in the role × URL table"
        for endpoint in guarded.api:
            assert endpoint in ENDPOINTS, f"{name}: {endpoint} is not in the role × endpoint table"


def _cases():
    for name, guarded in ABILITY_MAP.items():
        for page in guarded.pages:
            yield pytest.param(name, "page", page, id=f"{name}-{page}")
        for endpoint in guarded.api:
            yield pytest.param(name, "api", endpoint, id=f"{name}-{endpoint[0]}-{endpoint[1]}")


@pytest.mark.parametrize(("name", "side", "where"), list(_cases()))
def test_the_access_tables_follow_the_ability_table(name: str, side: str, where) -> None:
    expect = URLS[where].expect if side == "page" else ENDPOINTS[where].expect
    row = abilities.ability(name)
    for role in SIGNED_IN:
        expected = derived(name, role)
        tabled = _kind(expect[role])
        if expected != "allowed" and tabled == "allowed" and row.owner is not None:
            continue  # the fixture may be the object's owner (a task's assignee)
        assert tabled == expected, f"{where} as {role}: the table says {expect[role]}, the ability {name} {expected}"


def _pairs():
    for name, guarded in ABILITY_MAP.items():
        for page, endpoint in guarded.parity:
            yield pytest.param(name, page, endpoint, id=f"{name}-{page}")


@pytest.mark.parametrize(("name", "page", "endpoint"), list(_pairs()))
def test_the_page_and_the_api_give_the_same_answer(name: str, page: str, endpoint) -> None:
    page_expect, api_expect = URLS[page].expect, ENDPOINTS[endpoint].expect
    for role in SIGNED_IN:
        assert _kind(page_expect[role]) == _kind(api_expect[role]), (
            f"{name} as {role}: page {page} {page_expect[role]}, API {endpoint} {api_expect[role]}"
        )
