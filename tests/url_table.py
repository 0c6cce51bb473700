"""The shape of the role × URL table.

Each app lists its URLs in ``tests/<app>/url_access.py`` as ``URLS = {name: Case(...)}``;
``tests/test_url_access.py`` checks that every URL of the project has exactly one entry and
that every role fixture gets the expected status. A URL guarded by an ability takes its
expectations from the ability table, ``Case(from_ability("task.complete"), ...)``; the others
(and a role whose status depends on something else) are written with ``statuses``.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.ability_derivation import DEFAULT, expectations

ROLES = ("administrator", "reviewer", "secretary_a", "secretary_b", "member", "outsider", "anonymous")


@dataclass(frozen=True)
class Case:
    expect: dict[str, int]
    kwargs: Callable[[Any], dict[str, Any]] = field(default=lambda world: {})
    method: str = "get"
    data: Callable[[Any], dict[str, Any]] = field(default=lambda world: {})

    def __post_init__(self) -> None:
        missing = set(ROLES) - set(self.expect)
        if missing:
            raise ValueError(f"Case is missing expected statuses for {sorted(missing)}")


def statuses(default: int, **overrides: int) -> dict[str, int]:
    """Every role gets ``default`` unless named; the anonymous visitor is sent to sign in (302)."""
    table = {role: default for role in ROLES}
    table["anonymous"] = 302
    table.update(overrides)
    return table


def from_ability(name: str, *, ok: int = 200, unit: object = DEFAULT, **overrides: int) -> dict[str, int]:
    """The statuses of a page guarded by the ability ``name``, derived from its table
    (tests/ability_derivation.py): ``ok`` for its holders, 403 inside their scope, 404 outside
    it, 302 (sign in) for the anonymous visitor. ``unit`` is the world's organisation the
    page's object belongs to (by default the one tests/ability_map.py names); ``overrides``
    name roles whose status depends on something else — say why beside them."""
    return expectations(name, ok=ok, anonymous=302, unit=unit, **overrides)


# Common shapes, for an object belonging to branch A.
ADMIN_OF_A = statuses(403, administrator=200, secretary_b=404, outsider=404)
