import pytest
from django.conf import settings
from django.utils import translation

from tests.conftest import client_for


@pytest.fixture(autouse=True)
def _messages_in_english():
    # These tests read messages; they read the English source strings (see tests/handbook).
    with translation.override("en"):
        yield


@pytest.fixture
def as_role(world):
    def make(role: str):
        client = client_for(world, role)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return make
