"""What each role fixture gets from an ability, read off the ability tables.

The role × URL and role × endpoint tables (``tests/<app>/url_access.py``,
``tests/api/endpoints.py``) generate their expectations here with ``from_ability`` rather
than writing them by hand, so a change to an ability's holders in ``<app>/permissions.py``
changes the expected statuses. The derivation works on a description of the ``world``
fixture (``tests/conftest.py``): its tree and the one role each fixture holds;
``tests/test_ability_tables.py`` checks that description, and this derivation, against the
live answers of the engine on the real fixture.

An ability over an object says, for a role fixture: "allowed" where a role it holds over the
object's organisation holds the ability outright, "403" where it holds some role there
without the ability, "404" where it holds none. An ability asked without an object (a list,
the handbook) says "allowed" or "403".
"""

from branches import abilities
from branches.models import Role
from tests.ability_map import ABILITY_MAP

SIGNED_IN = ("administrator", "reviewer", "secretary_a", "secretary_b", "member", "outsider")

# The world fixture's tree (unit → its parent) and each role fixture's grant.
PARENT: dict[str, str | None] = {
    "committee": None,
    "general": "committee",
    "branch_a": "general",
    "group_a1": "branch_a",
    "branch_b": "general",
}
GRANTS: dict[str, tuple[str, str] | None] = {
    "administrator": ("committee", Role.ADMINISTRATOR),
    "reviewer": ("committee", Role.REVIEWER),
    "secretary_a": ("branch_a", Role.SECRETARY),
    "secretary_b": ("branch_b", Role.SECRETARY),
    "member": ("branch_a", Role.MEMBER),
    "outsider": None,
}

DEFAULT = object()  # "the unit tests/ability_map.py names for the ability"


def _line(unit: str) -> set[str]:
    """The unit and its ancestors."""
    found: set[str] = set()
    current: str | None = unit
    while current is not None:
        found.add(current)
        current = PARENT[current]
    return found


def roles_over(role: str, unit: str) -> set[str]:
    """The roles the fixture ``role`` holds over ``unit`` (through it or an ancestor)."""
    grant = GRANTS[role]
    if grant is None or grant[0] not in _line(unit):
        return set()
    return {grant[1]}


def derived(name: str, role: str, unit: object = DEFAULT) -> str:
    """What the ability table says the fixture ``role`` gets: "allowed", "403" or "404"."""
    row = abilities.ability(name)
    if unit is DEFAULT:
        unit = ABILITY_MAP[name].unit
    grant = GRANTS[role]
    if row.scope != abilities.OBJECT or unit is None:
        if grant is None or grant[1] not in row.roles:
            return "403"
        if row.scope == abilities.PLATFORM and PARENT[grant[0]] is not None:
            return "403"  # held on a root of the tree only
        return "allowed"
    held = roles_over(role, str(unit))
    if not held:
        return "404"
    # Unconditional holders only: no fixture holds an officer role with a condition.
    if any(row.holders[role_name] is None for role_name in held & row.roles):
        return "allowed"
    return "403"


def expectations(name: str, *, ok: int, anonymous: int, unit: object = DEFAULT, **overrides: int) -> dict[str, int]:
    """The status each role fixture must get on a page or endpoint guarded by ``name``: ``ok``
    where the ability is held, 403 or 404 where not, ``anonymous`` for the signed-out visitor;
    ``overrides`` name the roles whose status depends on something else (state, data, owner)."""
    if name not in ABILITY_MAP:
        raise LookupError(f"{name!r} has no entry in tests/ability_map.py")
    table: dict[str, int] = {}
    for role in SIGNED_IN:
        kind = derived(name, role, unit)
        table[role] = ok if kind == "allowed" else int(kind)
    table["anonymous"] = anonymous
    unknown = set(overrides) - set(table)
    if unknown:
        raise ValueError(f"overrides for unknown roles {sorted(unknown)}")
    table.update(overrides)
    return table
