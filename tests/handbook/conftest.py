"""Fixtures for the handbook; later apps (tasks, assessments) may use ``default_edition``."""

import pytest

from handbook.models import Edition
from handbook.services import load_default_edition
from tests.conftest import english_interface


@pytest.fixture
def default_edition(db: object) -> Edition:
    """The default edition shipped in handbook/data, loaded and published."""
    edition = load_default_edition()
    assert edition is not None
    return edition


_messages_in_english, as_role = english_interface()
