"""API clients for the role fixtures: each signed-in role sends a real bearer token."""

from collections.abc import Callable

import pytest
from rest_framework.test import APIClient

from branches.services import api_token_issue
from tests.conftest import World


def api_client_for(world: World, role: str) -> APIClient:
    client = APIClient()
    if role != "anonymous":
        _token, raw = api_token_issue(user=getattr(world, role))
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


@pytest.fixture
def api_as(world: World) -> Callable[[str], APIClient]:
    """``api_as("secretary_a")`` → an API client sending that user's token."""
    return lambda role: api_client_for(world, role)
