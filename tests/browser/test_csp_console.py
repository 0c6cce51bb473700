"""No page breaks its own Content Security Policy: the main pages, and an htmx line save on
the scorecard, as each role, leave no CSP violation and no error in the browser's console."""

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from tasks.models import Task
from tasks.periods import local_today, period_of
from tasks.services.generation import tasks_generate
from tests.browser.conftest import sign_in
from tests.conftest import World
from tests.factories import open_scorecard

pytestmark = pytest.mark.django_db(transaction=True)


def _watch(page: Page) -> list[str]:
    problems: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        text = message.text
        if message.type == "error" or "Content Security Policy" in text:
            problems.append(f"{page.url}: {text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"{page.url}: {error}"))
    page.on(
        "response",
        lambda response: response.status >= 400 and problems.append(f"{response.status} {response.url}"),
    )
    return problems


def test_the_main_pages_and_a_line_save_leave_no_csp_violation(
    world: World, default_edition, live_server, page: Page
) -> None:
    today = local_today()
    month = period_of("monthly", today)
    tasks_generate(first=month.start, last=month.end)
    task = Task.objects.filter(branch=world.branch_a).order_by("pk").first()
    card = open_scorecard(world.branch_a, year=today.year, quarter=(today.month - 1) // 3 + 1)
    base = live_server.url
    problems = _watch(page)

    pages = {
        "secretary_a": [
            "/",
            "/orgs/",
            f"/orgs/{world.branch_a.pk}/",
            f"/tasks/branch/{world.branch_a.pk}/",
            f"/tasks/{task.pk}/",
            f"/assessments/cards/{card.pk}/",
            f"/members/org/{world.branch_a.pk}/",
            "/handbook/",
        ],
        "reviewer": ["/", "/assessments/dashboard/", "/tasks/overview/", f"/assessments/cards/{card.pk}/"],
        "administrator": ["/", "/audit/", "/members/", f"/orgs/{world.committee.pk}/roles/"],
    }
    visited = 0
    for role, urls in pages.items():
        page.context.clear_cookies()
        sign_in(page, base, role)
        for url in urls:
            response = page.goto(f"{base}{url}")
            assert response is not None and response.status == 200, url
            page.wait_for_load_state("networkidle")
            visited += 1
        if role == "secretary_a":
            # The script's save of one line updates the page: no inline style may come with it.
            page.goto(f"{base}/assessments/cards/{card.pk}/")
            form = page.locator("article.sc-line").first
            form.locator("textarea[name=note]").fill("已按要求完成")
            form.locator("textarea[name=note]").press("Tab")
            expect(page.locator(f"#{form.get_attribute('id')} .sc-saved")).to_be_visible()
            page.wait_for_load_state("networkidle")
    assert visited == sum(len(urls) for urls in pages.values())
    assert problems == [], "\n".join(problems)
