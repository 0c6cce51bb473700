"""Real-browser journeys: Playwright drives Debian's Chromium against a live server.

Screenshots of each step land in ``screenshots/<test name>/`` at the top of the checkout
(see README); the folder is rewritten on each run.
"""

import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Page

# Playwright's sync API keeps an event loop in the test process's thread for the whole
# session; the ORM calls that set up and flush data are still plain synchronous calls.
# (tests/test_security.py removes this from the deployment check it runs.)
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SCREENSHOTS = Path(settings.BASE_DIR) / "screenshots"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict[str, object]:
    return {
        "executable_path": CHROMIUM,
        # As root in a sandbox without a network: no sandbox, no background connections.
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args() -> dict[str, object]:
    return {"viewport": {"width": 1280, "height": 800}, "locale": "zh-CN"}


@pytest.fixture
def shoot(request: pytest.FixtureRequest) -> Iterator[Callable[[Page, str], None]]:
    """``shoot(page, "01-login")`` saves a full-page screenshot of this step."""
    folder = SCREENSHOTS / re.sub(r"[^\w-]+", "_", request.node.name)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)

    def take(page: Page, step: str) -> None:
        page.screenshot(path=str(folder / f"{step}.png"), full_page=True)

    take.folder = folder  # type: ignore[attr-defined]  # for a screenshot of the viewport alone
    yield take


PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


def at_both_sizes(page: Page, url: str, shoot: Callable[[Page, str], None], name: str) -> Iterator[dict[str, int]]:
    """Opens ``url`` at 1366×900, then at 390×844 (answered 200 each time) and saves a
    screenshot of each as ``<name>-1366`` / ``<name>-390``; yields the viewport after each."""
    for size, viewport in (("1366", DESKTOP), ("390", PHONE)):
        page.set_viewport_size(viewport)
        response = page.goto(url)
        assert response is not None and response.status == 200, f"{url}: {response and response.status}"
        shoot(page, f"{name}-{size}")
        yield viewport


def sign_in(page: Page, base_url: str, username: str, password: str = "pass-word-123") -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button.primary")
    page.wait_for_url(f"{base_url}/")
