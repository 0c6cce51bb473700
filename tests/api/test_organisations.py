"""/api/v1/organisations/: reads through the selectors, writes through the services."""

from django.urls import reverse

from branches.models import Organisation, OrgStatus
from tests.conftest import World


def _codes(response: object) -> list[str]:
    return [row["code"] for row in response.json()["results"]]  # type: ignore[attr-defined]


def test_the_list_is_the_users_subtree_paginated_by_code(api_as, world: World) -> None:
    response = api_as("reviewer").get(reverse("api:organisation-list"))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 5
    assert _codes(response) == ["A", "A1", "B", "C", "G"]
    assert body["results"][0]["my_roles"] == ["reviewer"]


def test_the_list_pages_with_page_size(api_as, world: World) -> None:
    client = api_as("reviewer")
    first = client.get(reverse("api:organisation-list"), {"page_size": 2}).json()
    assert len(first["results"]) == 2
    assert first["next"]
    assert client.get(reverse("api:organisation-list"), {"page_size": 2, "page": 9}).status_code == 404


def test_the_list_filters_by_kind_status_key_and_parent(api_as, world: World) -> None:
    client = api_as("reviewer")
    url = reverse("api:organisation-list")
    assert _codes(client.get(url, {"kind": "branch"})) == ["A", "B"]
    assert _codes(client.get(url, {"is_key": "true"})) == ["A"]
    assert _codes(client.get(url, {"parent": world.general.pk})) == ["A", "B"]
    assert _codes(client.get(url, {"status": "dissolved"})) == []
    assert client.get(url, {"kind": "nonsense"}).status_code == 400


def test_the_list_searches_code_and_name_and_orders(api_as, world: World) -> None:
    client = api_as("reviewer")
    url = reverse("api:organisation-list")
    assert _codes(client.get(url, {"search": "二号"})) == ["B"]
    assert _codes(client.get(url, {"ordering": "-code"})) == ["G", "C", "B", "A1", "A"]


def test_the_detail_says_which_roles_the_user_holds_there(api_as, world: World) -> None:
    response = api_as("secretary_a").get(reverse("api:organisation-detail", kwargs={"pk": world.group_a1.pk}))
    assert response.status_code == 200
    assert response.json()["my_roles"] == ["secretary"]
    assert response.json()["parent"] == world.branch_a.pk


def test_the_subtree_lists_a_unit_and_everything_below_it(api_as, world: World) -> None:
    response = api_as("reviewer").get(reverse("api:organisation-subtree", kwargs={"pk": world.general.pk}))
    assert _codes(response) == ["A", "A1", "B", "G"]


def test_the_tree_is_nested_by_default(api_as, world: World) -> None:
    tree = api_as("reviewer").get(reverse("api:organisation-tree")).json()
    assert [node["code"] for node in tree] == ["C"]
    general = tree[0]["children"][0]
    assert [node["code"] for node in general["children"]] == ["A", "B"]
    assert [node["code"] for node in general["children"][0]["children"]] == ["A1"]


def test_the_flat_tree_gives_each_unit_its_indent(api_as, world: World) -> None:
    rows = api_as("reviewer").get(reverse("api:organisation-tree"), {"shape": "flat"}).json()
    assert [(row["code"], row["indent"]) for row in rows] == [("C", 0), ("G", 1), ("A", 2), ("A1", 3), ("B", 2)]


def test_the_tree_of_a_secretary_starts_at_their_branch(api_as, world: World) -> None:
    tree = api_as("secretary_a").get(reverse("api:organisation-tree")).json()
    assert [(node["code"], [c["code"] for c in node["children"]]) for node in tree] == [("A", ["A1"])]


def test_the_tree_leaves_dissolved_units_out_unless_asked(api_as, world: World) -> None:
    admin = api_as("administrator")
    url = reverse("api:organisation-dissolve", kwargs={"pk": world.group_a1.pk})
    admin.post(url, {"on": "2026-11-20", "reason": "项目完工"}, format="json")
    flat = admin.get(reverse("api:organisation-tree"), {"shape": "flat"}).json()
    assert "A1" not in [row["code"] for row in flat]
    flat = admin.get(reverse("api:organisation-tree"), {"shape": "flat", "include_dissolved": "true"}).json()
    assert "A1" in [row["code"] for row in flat]


def test_the_administrator_opens_a_unit_below_another(api_as, world: World) -> None:
    url = reverse("api:organisation-children", kwargs={"pk": world.branch_b.pk})
    response = api_as("administrator").post(url, {"code": "B1", "name": "乙第一小组", "kind": "group"}, format="json")
    assert response.status_code == 201
    created = Organisation.objects.get(code="B1")
    assert created.parent == world.branch_b
    assert created.path == f"{world.branch_b.path}{created.pk}/"
    assert response["Location"] == reverse("api:organisation-detail", kwargs={"pk": created.pk})


def test_the_administrator_edits_a_unit(api_as, world: World) -> None:
    url = reverse("api:organisation-detail", kwargs={"pk": world.branch_b.pk})
    response = api_as("administrator").patch(url, {"name": "  二号项目部支部 ", "is_key": True}, format="json")
    assert response.status_code == 200
    world.branch_b.refresh_from_db()
    assert (world.branch_b.name, world.branch_b.is_key, world.branch_b.kind) == ("二号项目部支部", True, "branch")


def test_the_administrator_moves_a_unit_with_its_subtree(api_as, world: World) -> None:
    url = reverse("api:organisation-move", kwargs={"pk": world.group_a1.pk})
    response = api_as("administrator").post(url, {"new_parent": world.branch_b.pk}, format="json")
    assert response.status_code == 200
    world.group_a1.refresh_from_db()
    assert world.group_a1.path == f"{world.branch_b.path}{world.group_a1.pk}/"


def test_a_unit_cannot_be_moved_below_its_own_subtree(api_as, world: World) -> None:
    url = reverse("api:organisation-move", kwargs={"pk": world.general.pk})
    response = api_as("administrator").post(url, {"new_parent": world.branch_a.pk}, format="json")
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"new_parent"}


def test_a_move_target_outside_the_administrators_scope_is_refused(api_as, world: World) -> None:
    from branches.models import Role
    from branches.services import role_grant
    from tests.factories import UserFactory, make_org

    other = make_org(name="另一公司党委", code="X")
    local_admin = UserFactory(username="local_admin")
    role_grant(by=None, user=local_admin, role=Role.ADMINISTRATOR, organisation=world.general)
    from tests.api.conftest import api_client_for

    world.local_admin = local_admin  # type: ignore[attr-defined]
    client = api_client_for(world, "local_admin")
    url = reverse("api:organisation-move", kwargs={"pk": world.branch_a.pk})
    for target in (other, world.committee):
        response = client.post(url, {"new_parent": target.pk}, format="json")
        assert response.status_code == 400
        assert set(response.json()["error"]["fields"]) == {"new_parent"}


def test_the_administrator_dissolves_an_empty_unit(api_as, world: World) -> None:
    url = reverse("api:organisation-dissolve", kwargs={"pk": world.group_a1.pk})
    response = api_as("administrator").post(url, {"on": "2026-11-20", "reason": "项目完工"}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == OrgStatus.DISSOLVED
    assert response.json()["dissolved_on"] == "2026-11-20"


def test_me_lists_the_users_roles_with_their_units(api_as, world: World) -> None:
    me = api_as("administrator").get(reverse("api:me")).json()
    assert me["username"] == "administrator"
    assert [(r["role"], r["organisation"]["code"]) for r in me["roles"]] == [("administrator", "C")]
