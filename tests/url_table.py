"""The shape of the role × URL table.

Each app lists its URLs in ``tests/<app>/url_access.py`` as ``URLS = {name: Case(...)}``;
``tests/test_url_access.py`` checks that every URL of the project has exactly one entry and
that every role fixture gets the expected status.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

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


# Common shapes, for an object belonging to branch A.
SEEN_IN_A = statuses(200, secretary_b=404, outsider=404)
ADMIN_OF_A = statuses(403, administrator=200, secretary_b=404, outsider=404)
