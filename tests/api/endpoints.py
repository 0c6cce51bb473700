"""The role × endpoint × method table of the REST API.

Each entry is ``(url name, method): ApiCase``; ``test_access_table`` checks that every
endpoint and method of the ``api`` namespace has exactly one entry and that each role
fixture gets the expected status. Other apps add their endpoints here.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.url_table import ROLES


@dataclass(frozen=True)
class ApiCase:
    expect: dict[str, int]
    kwargs: Callable[[Any], dict[str, Any]] = field(default=lambda world: {})
    data: Callable[[Any], dict[str, Any] | None] = field(default=lambda world: None)

    def __post_init__(self) -> None:
        missing = set(ROLES) - set(self.expect)
        if missing:
            raise ValueError(f"ApiCase is missing expected statuses for {sorted(missing)}")


def statuses(default: int, **overrides: int) -> dict[str, int]:
    """Every role gets ``default`` unless named; the anonymous client gets 401."""
    table = {role: default for role in ROLES}
    table["anonymous"] = 401
    table.update(overrides)
    return table


def _seen_in_a(ok: int) -> dict[str, int]:
    return statuses(ok, secretary_b=404, outsider=404)


def _admin_of_a(ok: int) -> dict[str, int]:
    return statuses(403, administrator=ok, secretary_b=404, outsider=404)


def _a(world: Any) -> dict[str, int]:
    return {"pk": world.branch_a.pk}


def _a1(world: Any) -> dict[str, int]:
    return {"pk": world.group_a1.pk}


ENDPOINTS: dict[tuple[str, str], ApiCase] = {
    ("api:schema", "get"): ApiCase(statuses(200, anonymous=200)),
    ("api:docs", "get"): ApiCase(statuses(200, anonymous=200)),
    # Anyone may ask for a token; these credentials are the reviewer's.
    ("api:token", "post"): ApiCase(
        statuses(201, anonymous=201), data=lambda w: {"username": "reviewer", "password": "pass-word-123"}
    ),
    ("api:token", "delete"): ApiCase(statuses(204)),
    ("api:me", "get"): ApiCase(statuses(200)),
    ("api:organisation-list", "get"): ApiCase(statuses(200)),
    ("api:organisation-tree", "get"): ApiCase(statuses(200)),
    ("api:organisation-detail", "get"): ApiCase(_seen_in_a(200), kwargs=_a),
    ("api:organisation-detail", "patch"): ApiCase(_admin_of_a(200), kwargs=_a, data=lambda w: {"name": "一号项目部"}),
    ("api:organisation-subtree", "get"): ApiCase(_seen_in_a(200), kwargs=_a),
    ("api:organisation-children", "post"): ApiCase(
        _admin_of_a(201), kwargs=_a, data=lambda w: {"code": "A2", "name": "第二党小组", "kind": "group"}
    ),
    ("api:organisation-move", "post"): ApiCase(
        _admin_of_a(200), kwargs=_a1, data=lambda w: {"new_parent": w.branch_b.pk}
    ),
    ("api:organisation-dissolve", "post"): ApiCase(
        _admin_of_a(200), kwargs=_a1, data=lambda w: {"on": "2026-11-20", "reason": "项目完工"}
    ),
    # Any other path below /api/: 404 in the API's format, for everyone.
    **{
        ("api:unknown", method): ApiCase(statuses(404, anonymous=404))
        for method in ["get", "post", "put", "patch", "delete"]
    },
}
