import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from branches import selectors
from branches.models import OrgKind, Role
from branches.services import role_grant
from tests.conftest import World
from tests.factories import UserFactory, make_org


def codes(qs) -> set[str]:
    return set(qs.values_list("code", flat=True))


def test_a_committee_role_sees_the_whole_subtree(world: World) -> None:
    assert codes(selectors.organisations_visible_to(world.reviewer)) == {"C", "G", "A", "A1", "B"}


def test_a_secretary_sees_only_their_branch_and_its_groups(world: World) -> None:
    assert codes(selectors.organisations_visible_to(world.secretary_a)) == {"A", "A1"}
    assert codes(selectors.organisations_visible_to(world.secretary_b)) == {"B"}


def test_a_user_without_a_role_sees_nothing(world: World) -> None:
    assert codes(selectors.organisations_visible_to(world.outsider)) == set()


def test_visibility_can_be_limited_to_some_roles(world: World) -> None:
    role_grant(by=None, user=world.secretary_b, role=Role.REVIEWER, organisation=world.branch_a)
    assert codes(selectors.organisations_visible_to(world.secretary_b)) == {"A", "A1", "B"}
    assert codes(selectors.organisations_visible_to(world.secretary_b, roles=[Role.SECRETARY])) == {"B"}


def test_a_prefix_of_digits_does_not_leak_into_a_neighbour(db: None) -> None:
    # /1/ must not match /12/: paths end with a slash for this reason.
    root = make_org()
    siblings = [make_org(root) for _ in range(12)]
    user = UserFactory()
    role_grant(by=None, user=user, role=Role.SECRETARY, organisation=siblings[0])
    assert codes(selectors.organisations_visible_to(user)) == {siblings[0].code}


def test_roles_are_inherited_from_ancestors(world: World) -> None:
    assert selectors.roles_on(world.administrator, world.group_a1) == {Role.ADMINISTRATOR}
    assert selectors.roles_on(world.secretary_a, world.group_a1) == {Role.SECRETARY}
    assert selectors.roles_on(world.secretary_a, world.branch_b) == set()


def test_get_organisation_for_is_404_outside_and_403_for_the_wrong_role(world: World) -> None:
    with pytest.raises(Http404):
        selectors.get_organisation_for(world.secretary_b, world.branch_a.pk)
    with pytest.raises(PermissionDenied):
        selectors.get_organisation_for(world.secretary_a, world.branch_a.pk, roles=[Role.ADMINISTRATOR])
    assert selectors.get_organisation_for(world.administrator, world.branch_a.pk, roles=[Role.ADMINISTRATOR])


def test_a_superuser_sees_everything(world: World) -> None:
    boss = UserFactory(is_superuser=True)
    assert codes(selectors.organisations_visible_to(boss)) == {"C", "G", "A", "A1", "B"}


def _chain(depth: int, width: int) -> tuple:
    root = make_org()
    parent = root
    for level in range(depth):
        kind = OrgKind.COMMITTEE if level < depth - 1 else OrgKind.BRANCH
        parent = make_org(parent, kind=kind)
    for _ in range(width):
        make_org(root, kind=OrgKind.BRANCH)
    user = UserFactory()
    role_grant(by=None, user=user, role=Role.REVIEWER, organisation=root)
    return root, user


@pytest.mark.parametrize(("depth", "width"), [(1, 1), (8, 2), (3, 60)])
def test_reading_a_subtree_costs_the_same_queries_whatever_its_depth_or_width(
    db: None, django_assert_num_queries, depth: int, width: int
) -> None:
    root, user = _chain(depth, width)
    fresh = type(user).objects.get(pk=user.pk)
    # One query for the user's grants, one for the organisations.
    with django_assert_num_queries(2):
        rows = list(selectors.organisations_visible_to(fresh))
    assert len(rows) == 1 + depth + width
    with django_assert_num_queries(1):
        assert len(list(selectors.subtree_of(root))) == 1 + depth + width


def test_the_tree_lists_children_below_their_parent_in_code_order(db: None) -> None:
    root = make_org(code="R")
    later = make_org(root, code="R-01")  # created first, but sorts after R-00 by code
    first = make_org(root, code="R-00")
    group = make_org(later, code="R-01-G")
    rows = selectors.tree_rows(selectors.subtree_of(root))
    assert [(o.code, o.indent) for o in rows] == [("R", 0), ("R-00", 1), ("R-01", 1), ("R-01-G", 2)]
    assert first.pk > later.pk and group
