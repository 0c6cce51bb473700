"""No API answer ever shows a secretary another branch's rows.

Every GET endpoint of the access table is called by the secretary of branch A, of branch B
and by a plain member of A, with an object of the other branch as argument where it takes
one, with and without filters; nothing of the other branch (its units, its members) may
appear anywhere in the answer.
"""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from branches.models import Organisation, OrgKind
from handbook.example_form import XLSX
from members.models import Member
from tests.api.conftest import api_client_for
from tests.api.endpoints import ENDPOINTS
from tests.conftest import World
from tests.factories import MemberFactory

GET_ENDPOINTS = sorted(name for name, method in ENDPOINTS if method == "get" and name != "api:schema")
# Who may see what: (role, the branch they belong to, the branch they must never see).
VIEWERS = [
    ("secretary_a", "branch_a", "branch_b"),
    ("member", "branch_a", "branch_b"),
    ("secretary_b", "branch_b", "branch_a"),
]
QUERIES = [{}, {"shape": "flat"}, {"include_dissolved": "true"}, {"page_size": 200}, {"kind": "branch"}]
# Keys that name an organisation in an answer.
UNIT_KEYS = ("branch", "organisation", "from_branch", "to_branch")


def _text(response: object) -> str:
    """The answer as text; a spreadsheet (an article's fill-in form) by its cells' values."""
    if response["Content-Type"] == XLSX:  # type: ignore[index]
        book = load_workbook(io.BytesIO(response.content))  # type: ignore[attr-defined]
        return "\n".join(str(c.value) for s in book.worksheets for row in s.iter_rows() for c in row if c.value)
    return response.content.decode()  # type: ignore[attr-defined]


def _ids(data: object) -> set[int]:
    """The ids of every organisation in an answer (an object whose "kind" is an organisation's
    kind, and its parent, or the unit a member, a task or a card belongs to)."""
    if isinstance(data, dict):
        is_unit = data.get("kind") in OrgKind.values  # a reminder sheet has a "kind" of its own
        found = {data[k] for k in ("id", "parent") if is_unit and isinstance(data.get(k), int)}
        found |= {data[k] for k in UNIT_KEYS if isinstance(data.get(k), int)}
        for value in data.values():
            found |= _ids(value)
        return found
    if isinstance(data, list):
        return set().union(*(_ids(item) for item in data)) if data else set()
    return set()


def _member_ids(data: object) -> set[int]:
    """The ids of every member in an answer (an object with an "id_number")."""
    if isinstance(data, dict):
        found = {data["id"]} if "id_number" in data and isinstance(data.get("id"), int) else set()
        for value in data.values():
            found |= _member_ids(value)
        return found
    if isinstance(data, list):
        return set().union(*(_member_ids(item) for item in data)) if data else set()
    return set()


@pytest.mark.parametrize(("role", "own", "other"), VIEWERS)
@pytest.mark.parametrize("name", GET_ENDPOINTS)
def test_no_answer_contains_the_other_branchs_rows(world: World, name: str, role: str, own: str, other: str) -> None:
    client = api_client_for(world, role)
    hidden: Organisation = getattr(world, other)
    MemberFactory(branch=getattr(world, own), name="本支部党员")
    hidden_member = MemberFactory(branch=hidden, name="另一支部党员")
    hidden_ids = set(Organisation.objects.filter(path__startswith=hidden.path).values_list("pk", flat=True))
    hidden_members = set(Member.objects.filter(branch__path__startswith=hidden.path).values_list("pk", flat=True))
    case = ENDPOINTS[(name, "get")]
    if case.of_branch is None:
        targets = [case.kwargs(world)]
    else:
        targets = [case.of_branch(world, getattr(world, own)), case.of_branch(world, hidden)]
    queries = [
        *QUERIES,
        {"parent": world.general.pk},
        {"parent": hidden.pk},
        {"branch": hidden.pk},
        {"search": hidden.name},
        {"search": hidden_member.name},
        {"search": hidden_member.id_number[-4:]},
    ]
    for target in targets:
        url = reverse(name, kwargs=target)
        for query in queries:
            response = client.get(url, query)
            text = _text(response)
            for secret in (hidden.name, hidden_member.name, hidden_member.id_number, hidden_member.masked_id_number):
                assert secret not in text, f"{url} {query} as {role}"
            if response["Content-Type"].startswith("application/json"):
                assert not (_ids(response.json()) & hidden_ids), f"{url} {query} as {role}"
                assert not (_member_ids(response.json()) & hidden_members), f"{url} {query} as {role}"


def test_the_check_would_catch_a_member_of_the_other_branch(world: World) -> None:
    """The secretary of A sees A's member in the list: the checks above look at real rows."""
    seen = MemberFactory(branch=world.branch_a, name="本支部党员")
    body = api_client_for(world, "secretary_a").get(reverse("api:member-list")).json()
    assert _member_ids(body) == {seen.pk}
    assert _ids(body) == {world.branch_a.pk}
