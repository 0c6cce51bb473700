"""Fixtures for the handbook; later apps (tasks, assessments) may use ``default_edition``."""

import pytest
from django.conf import settings
from django.utils import translation

from handbook.models import Edition
from handbook.services import load_default_edition
from tests.conftest import client_for


@pytest.fixture
def default_edition(db: object) -> Edition:
    """The default edition shipped in handbook/data, loaded and published."""
    edition = load_default_edition()
    assert edition is not None
    return edition


@pytest.fixture(autouse=True)
def _messages_in_english():
    # These tests read error messages; the interface defaults to Chinese and its catalogue
    # grows, so they read the English source strings, which do not change under them.
    with translation.override("en"):
        yield


@pytest.fixture
def as_role(world):
    """As the project-wide ``as_role``, with the English interface chosen (see above)."""

    def make(role: str):
        client = client_for(world, role)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return make
