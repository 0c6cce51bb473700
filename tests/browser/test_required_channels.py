"""An administrator requires e-mail for reminder sheets in a branch; the branch's secretary
then finds the box ticked and locked — at desk and phone widths."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.browser.conftest import sign_in
from tests.conftest import World

pytestmark = pytest.mark.django_db(transaction=True)

SIZES = {"desk": (1366, 900), "phone": (390, 844)}


@pytest.mark.parametrize("size", SIZES)
def test_an_administrator_requires_a_channel_and_the_secretary_cannot_untick_it(
    live_server, page: Page, shoot, world: World, size: str
) -> None:
    width, height = SIZES[size]
    page.set_viewport_size({"width": width, "height": height})
    sign_in(page, live_server.url, world.administrator.username)
    page.goto(live_server.url + reverse("notifications:required", args=[world.branch_a.pk]))
    box = page.locator('input[value="sheet:email"]')
    expect(box).not_to_be_checked()
    box.check()
    shoot(page, "01-required-channels")
    page.click("button.primary")
    expect(page.locator('input[value="sheet:email"]')).to_be_checked()
    expect(page.get_by_text("本单位设置")).to_have_count(1)
    shoot(page, "02-saved")
    # No column narrower than a word, nothing wider than the screen.
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    page.context.clear_cookies()
    sign_in(page, live_server.url, world.secretary_a.username)
    page.goto(live_server.url + reverse("notifications:preferences"))
    locked = page.locator('input[value="sheet:email"]')
    expect(locked).to_be_checked()
    expect(locked).to_be_disabled()
    shoot(page, "03-secretary-preferences")
