"""Fixtures of the development-file tests: English messages, a roster of A with full members."""

import pytest

from tests.conftest import World, english_interface
from tests.factories import MemberFactory

_messages_in_english, as_role = english_interface()


@pytest.fixture
def roster_a(world: World) -> list:
    """Four full members and one probationary member of branch A."""
    people = [MemberFactory(branch=world.branch_a, name=name) for name in ("王芳", "李强", "赵敏", "孙杰")]
    people.append(MemberFactory(branch=world.branch_a, name="钱多", category="probationary", full_member_on=None))
    return people
