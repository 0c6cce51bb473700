"""The world every test can ask for, and one user fixture per role.

    committee 党委 (C)
    └── general branch 党总支 (G)
        ├── branch A 党支部 (key unit) ── group A1 党小组
        └── branch B 党支部

administrator and reviewer hold their role on C; secretary_a on A; secretary_b on B;
member is a plain member of A; outsider is signed in but holds no role.
"""

import os
import sys
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from branches.models import Organisation, OrgKind, Role, User
from branches.services import role_grant
from tests.factories import UserFactory, make_org


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests that need a service run only where it is configured: `.ci/run` sets both.
    They are deselected (reported as such), not skipped, elsewhere."""
    available = {
        "celery_worker": bool(os.environ.get("REDIS_URL")),
        "redis": bool(os.environ.get("REDIS_URL")),
        "postgres": os.environ.get("DATABASE_URL", "").startswith("postgres"),
    }
    keep, drop = [], []
    for item in items:
        missing = [m for m, ok in available.items() if not ok and item.get_closest_marker(m)]
        (drop if missing else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def _hostile_stats() -> dict | None:
    # Present only when tests/test_hostile_crawl.py ran in this process.
    module = sys.modules.get("tests.test_hostile_crawl")
    return getattr(module, "STATS", None)


def pytest_sessionfinish(session: pytest.Session) -> None:
    """An xdist worker hands its hostile-crawl counts to the controller."""
    stats = _hostile_stats()
    if stats is not None and hasattr(session.config, "workeroutput"):
        session.config.workeroutput["hostile_crawl"] = {
            "requests": stats["requests"],
            "urls": sorted(stats["urls"]),
            "server_errors": stats["server_errors"],
        }


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: object, error: object) -> None:
    got = getattr(node, "workeroutput", {}).get("hostile_crawl")
    if got:
        totals = _HOSTILE_TOTALS
        totals["requests"] += got["requests"]
        totals["urls"] |= set(got["urls"])
        totals["server_errors"] += got["server_errors"]


_HOSTILE_TOTALS: dict = {"requests": 0, "urls": set(), "server_errors": 0}


def pytest_terminal_summary(terminalreporter: object, exitstatus: int, config: pytest.Config) -> None:
    """ "hostile crawl: N requests, M URLs, 0 server errors", when the crawl ran."""
    totals = _HOSTILE_TOTALS
    stats = _hostile_stats()
    if stats is not None and not hasattr(config, "workeroutput"):
        totals = {
            "requests": totals["requests"] + stats["requests"],
            "urls": totals["urls"] | stats["urls"],
            "server_errors": totals["server_errors"] + stats["server_errors"],
        }
    if totals["requests"]:
        terminalreporter.write_line(
            f"hostile crawl: {totals['requests']} requests, {len(totals['urls'])} URLs, "
            f"{totals['server_errors']} server errors"
        )


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """The cache (DRF's throttle counters, the dashboard's figures) outlives each test's
    database transaction: every test starts with an empty one."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _celery_inline_unless_a_real_worker_is_wanted(request: pytest.FixtureRequest) -> object:
    """Every test runs Celery tasks inline, as the embedded default does, even when
    REDIS_URL is set for the run; only tests marked `celery_worker` use the real broker."""
    from config.celery_app import app

    if request.node.get_closest_marker("celery_worker"):
        yield
        return
    saved = (app.conf.task_always_eager, app.conf.task_eager_propagates)
    app.conf.task_always_eager, app.conf.task_eager_propagates = True, True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = saved


@dataclass
class World:
    committee: Organisation
    general: Organisation
    branch_a: Organisation
    group_a1: Organisation
    branch_b: Organisation
    administrator: User
    reviewer: User
    secretary_a: User
    secretary_b: User
    member: User
    outsider: User


@pytest.fixture(autouse=True)
def _no_lockouts_between_tests(settings: object) -> None:
    # Axes counts failures in the database, which each test rolls back; nothing to do but
    # keep the limit explicit so throttling tests can rely on it.
    settings.AXES_FAILURE_LIMIT = 5


@pytest.fixture
def world(db: object) -> World:
    committee = make_org(name="测试公司党委", code="C")
    general = make_org(committee, kind=OrgKind.GENERAL_BRANCH, name="第一党总支", code="G")
    branch_a = make_org(general, name="一号项目部党支部", code="A", is_key=True)
    group_a1 = make_org(branch_a, name="一号项目部第一党小组", code="A1")
    branch_b = make_org(general, name="二号项目部党支部", code="B")
    users = {
        name: UserFactory(username=name, full_name=full)
        for name, full in [
            ("administrator", "管理员"),
            ("reviewer", "考核员"),
            ("secretary_a", "甲支部书记"),
            ("secretary_b", "乙支部书记"),
            ("member", "普通党员"),
            ("outsider", "无角色用户"),
        ]
    }
    role_grant(by=None, user=users["administrator"], role=Role.ADMINISTRATOR, organisation=committee)
    role_grant(by=None, user=users["reviewer"], role=Role.REVIEWER, organisation=committee)
    role_grant(by=None, user=users["secretary_a"], role=Role.SECRETARY, organisation=branch_a)
    role_grant(by=None, user=users["secretary_b"], role=Role.SECRETARY, organisation=branch_b)
    role_grant(by=None, user=users["member"], role=Role.MEMBER, organisation=branch_a)
    return World(committee, general, branch_a, group_a1, branch_b, **users)


ROLE_NAMES = ["administrator", "reviewer", "secretary_a", "secretary_b", "member", "outsider", "anonymous"]


def client_for(world: World, role: str, *, language: str | None = None) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(getattr(world, role))
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def english_interface():
    """The two fixtures of an app whose tests read messages: ``_messages_in_english, as_role =
    english_interface()`` in its conftest. The interface defaults to Chinese and its catalogue
    grows; the tests read the English source strings, which do not change under them."""

    @pytest.fixture(autouse=True)
    def _messages_in_english():
        with translation.override("en"):
            yield

    @pytest.fixture
    def as_role(world: World):
        return lambda role: client_for(world, role, language="en")

    return _messages_in_english, as_role


@pytest.fixture
def as_role(world: World):
    """``as_role("secretary_a")`` → a test client signed in as that fixture user."""
    return lambda role: client_for(world, role)


# The handbook's default edition, for every app's tests (tasks, assessments).
from tests.handbook.conftest import default_edition  # noqa: E402, F401
