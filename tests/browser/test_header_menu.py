"""The header on a phone (390×844): the navigation folds behind a 菜单 button of a full touch
target, so the page's heading is in the first screen; the button opens and closes it. On a
desktop (1366×900) the header is as it was, and without JavaScript the whole navigation shows."""

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import sign_in
from tests.conftest import World
from tests.factories import RECORDS_REASON, open_scorecard, submit_card

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


@pytest.fixture
def card(world: World, default_edition):
    draft = open_scorecard(world.branch_a, year=2026, quarter=3)
    return submit_card(draft, by=world.secretary_a, reason=RECORDS_REASON)


def test_on_a_phone_the_navigation_folds_behind_the_menu_button(world: World, card, live_server, page: Page) -> None:
    base = live_server.url
    page.set_viewport_size(PHONE)
    sign_in(page, base, "reviewer")
    page.goto(f"{base}/assessments/cards/{card.pk}/review/")
    header = page.locator("header.topbar").bounding_box()
    assert header is not None and header["height"] <= 80, header
    heading = page.locator("h1").bounding_box()
    assert heading is not None and heading["y"] < 120, "the heading is pushed down by the header"
    expect(page.locator("nav.mainnav")).to_be_hidden()
    # 通知 and its unread count stay in the folded header.
    notifications = page.locator(".nt-link")
    expect(notifications).to_be_visible()
    link = notifications.bounding_box()
    assert link is not None and link["height"] >= 44, link

    button = page.locator("#menu-toggle")
    expect(button).to_have_text("菜单")
    expect(button).to_have_attribute("aria-expanded", "false")
    box = button.bounding_box()
    assert box is not None and box["height"] >= 44 and box["width"] >= 44, box

    button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(page.locator("nav.mainnav")).to_be_visible()
    for link in page.locator("nav.mainnav a").all():
        size = link.bounding_box()
        assert size is not None and size["height"] >= 44, (link.inner_text(), size)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    button.click()
    expect(page.locator("nav.mainnav")).to_be_hidden()

    button.click()
    page.locator("nav.mainnav").get_by_text("组织机构").click()
    page.wait_for_url(f"{base}/orgs/")


def test_on_a_desktop_the_header_shows_the_navigation_and_no_menu_button(
    world: World, card, live_server, page: Page
) -> None:
    base = live_server.url
    page.set_viewport_size(DESKTOP)
    sign_in(page, base, "reviewer")
    page.goto(f"{base}/assessments/cards/{card.pk}/")
    expect(page.locator("#menu-toggle")).to_be_hidden()
    expect(page.locator("nav.mainnav")).to_be_visible()
    expect(page.locator(".account")).to_contain_text("退出")
    header = page.locator("header.topbar").bounding_box()
    assert header is not None and header["height"] <= 80, header


def test_without_javascript_a_phone_shows_the_whole_navigation(world: World, live_server, browser: Browser) -> None:
    context = browser.new_context(java_script_enabled=False, viewport=PHONE, locale="zh-CN")
    try:
        page = context.new_page()
        sign_in(page, live_server.url, "secretary_a")
        expect(page.locator("nav.mainnav")).to_be_visible()
        expect(page.locator("#menu-toggle")).to_be_hidden()
    finally:
        context.close()
