"""No API answer ever shows a secretary another branch's rows.

Every GET endpoint of the access table is called by the secretary of branch A, of branch B
and by a plain member of A, with the other branch as argument where it takes one, with and
without filters; nothing of the other branch may appear anywhere in the answer.
"""

import pytest
from django.urls import reverse

from branches.models import Organisation
from tests.api.conftest import api_client_for
from tests.api.endpoints import ENDPOINTS
from tests.conftest import World

GET_ENDPOINTS = sorted(name for name, method in ENDPOINTS if method == "get" and name != "api:schema")
# Who may see what: (role, the branch they belong to, the branch they must never see).
VIEWERS = [
    ("secretary_a", "branch_a", "branch_b"),
    ("member", "branch_a", "branch_b"),
    ("secretary_b", "branch_b", "branch_a"),
]
QUERIES = [{}, {"shape": "flat"}, {"include_dissolved": "true"}, {"page_size": 200}, {"kind": "branch"}]


def _ids(data: object) -> set[int]:
    """The ids of every organisation in an answer (an object with a "kind"), and of its parent."""
    if isinstance(data, dict):
        found = {data[k] for k in ("id", "parent") if "kind" in data and isinstance(data.get(k), int)}
        for value in data.values():
            found |= _ids(value)
        return found
    if isinstance(data, list):
        return set().union(*(_ids(item) for item in data)) if data else set()
    return set()


@pytest.mark.parametrize(("role", "own", "other"), VIEWERS)
@pytest.mark.parametrize("name", GET_ENDPOINTS)
def test_no_answer_contains_the_other_branchs_rows(world: World, name: str, role: str, own: str, other: str) -> None:
    client = api_client_for(world, role)
    hidden: Organisation = getattr(world, other)
    hidden_ids = set(Organisation.objects.filter(path__startswith=hidden.path).values_list("pk", flat=True))
    case = ENDPOINTS[(name, "get")]
    kwargs = case.kwargs(world)
    targets = [kwargs] if not kwargs else [{"pk": getattr(world, own).pk}, {"pk": hidden.pk}]
    for target in targets:
        url = reverse(name, kwargs=target)
        for query in [*QUERIES, {"parent": world.general.pk}, {"parent": hidden.pk}, {"search": hidden.name}]:
            response = client.get(url, query)
            text = response.content.decode()
            assert hidden.name not in text, f"{url} {query} as {role}"
            if response["Content-Type"].startswith("application/json"):
                assert not (_ids(response.json()) & hidden_ids), f"{url} {query} as {role}"
