"""Fixtures of the meeting-record tests: English messages, the shipped handbook, a roster of A."""

import pytest

from tests.conftest import World, english_interface
from tests.factories import MemberFactory
from tests.handbook.conftest import default_edition  # noqa: F401 - the shipped 52 articles

_messages_in_english, as_role = english_interface()


@pytest.fixture
def roster_a(world: World) -> list:
    """Four active members of branch A; the fixture member user is the first of them."""
    people = [MemberFactory(branch=world.branch_a, name=name) for name in ("王芳", "李强", "赵敏", "孙杰")]
    people[0].user = world.member
    people[0].save()
    return people
