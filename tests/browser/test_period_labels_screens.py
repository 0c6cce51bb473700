"""Periods in words in a real browser: the dashboard's trend axis, the scorecards list's
quarter picker and a branch's task board, for a desk and for a phone."""

import datetime as dt
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from tests.browser.conftest import sign_in
from tests.factories import UserFactory, final_scorecard, make_task

pytestmark = pytest.mark.django_db(transaction=True)

SIZES = {"phone": {"width": 390, "height": 844}, "desk": {"width": 1366, "height": 900}}
FOLDER = Path(settings.BASE_DIR) / "screenshots" / "labels"


@pytest.fixture
def folder() -> Path:
    shutil.rmtree(FOLDER, ignore_errors=True)
    FOLDER.mkdir(parents=True)
    return FOLDER


def test_periods_read_as_words_on_the_dashboard_the_list_and_the_board(
    world, default_edition, live_server, page: Page, folder: Path
) -> None:
    boss = UserFactory(username="boss", is_superuser=True)
    for quarter, deductions in ((1, 6), (2, 3), (3, 1)):
        final_scorecard(world.branch_a, year=2026, quarter=quarter, by=boss, deductions=deductions)
    article = default_edition.articles.filter(frequency="monthly").order_by("code").first()
    make_task(world.branch_a, article, due_on=dt.date(2026, 11, 25))
    make_task(world.branch_a, article, due_on=dt.date(2026, 10, 25))
    sign_in(page, live_server.url, world.reviewer.username)
    for name, size in SIZES.items():
        page.set_viewport_size(size)
        page.goto(f"{live_server.url}/assessments/dashboard/?quarter=2026Q3")
        chart = page.locator("#chart-trend")
        expect(chart.locator("svg text", has_text="年第").first).to_be_attached()
        assert "Q" not in chart.inner_text()  # ECharts hides every other label on a phone
        chart.scroll_into_view_if_needed()
        page.wait_for_timeout(1500)  # the line is drawn with an animation
        chart.screenshot(path=str(folder / f"dashboard-trend-{name}.png"))
        page.goto(f"{live_server.url}/assessments/?quarter=2026Q3")
        expect(page.locator("#id_quarter option:checked")).to_have_text("2026年第3季度")
        page.screenshot(path=str(folder / f"scorecards-list-{name}.png"))
        page.goto(f"{live_server.url}/tasks/branch/{world.branch_a.pk}/?show=overdue")
        expect(page.get_by_text("2026年10月").first).to_be_visible()
        page.screenshot(path=str(folder / f"task-board-{name}.png"), full_page=True)
