"""Fixtures of the tasks tests: the default handbook, English messages, a task of branch A."""

import datetime as dt

import pytest

from handbook.models import Article, Edition
from tasks.models import Task
from tests.conftest import World, english_interface
from tests.factories import make_task
from tests.handbook.conftest import default_edition  # noqa: F401 - the shipped 52 articles

_messages_in_english, as_role = english_interface()


@pytest.fixture
def monthly_article(default_edition: Edition) -> Article:  # noqa: F811
    return default_edition.articles.filter(frequency="monthly").order_by("code").first()


@pytest.fixture
def task_a(world: World, monthly_article: Article) -> Task:
    """An open monthly task of branch A, due 25 November 2026."""
    return make_task(world.branch_a, monthly_article, due_on=dt.date(2026, 11, 25))
