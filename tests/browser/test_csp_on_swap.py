"""An htmx line save swaps the line in without breaking the Content Security Policy: no
inline style, no inline script (the browser reports each violation as an event)."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import sign_in
from tests.conftest import World
from tests.factories import open_scorecard

pytestmark = pytest.mark.django_db(transaction=True)

# Installed before any page script runs, so a violation while the page loads counts too.
WATCH = """window.__csp = []; document.addEventListener("securitypolicyviolation",
  e => window.__csp.push(e.violatedDirective + " " + e.blockedURI + " " + (e.sample || "")));"""


def test_a_line_save_breaks_no_content_security_rule(world: World, live_server, page: Page) -> None:
    card = open_scorecard(world.branch_a)
    page.add_init_script(WATCH)
    sign_in(page, live_server.url, "secretary_a")
    page.goto(f"{live_server.url}/assessments/cards/{card.pk}/")
    form = page.locator("form.sc-line").first
    form_id = form.get_attribute("id")
    form.locator("textarea[name=note]").fill("已完成")
    form.locator("textarea[name=note]").press("Tab")
    expect(page.locator(f"#{form_id} .sc-saved")).to_be_visible()
    page.wait_for_timeout(300)
    assert page.evaluate("window.__csp") == []
