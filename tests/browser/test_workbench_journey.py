"""The demo secretary opens the 工作台 on a phone, reads what is overdue and follows it."""

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from branches.demo import DEMO_PASSWORD
from branches.models import User
from tasks.periods import local_today
from tasks.selectors import my_work, work_in_view
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_demo_secretary_reads_the_workbench_on_a_phone_and_follows_the_overdue_count(
    live_server, page: Page, shoot
) -> None:
    call_command("seed_demo", verbosity=0)
    secretary = User.objects.get(username="secretary")
    overdue = work_in_view(my_work(secretary), "overdue", today=local_today()).count()
    week = work_in_view(my_work(secretary), "week", today=local_today()).count()
    assert overdue > 0
    base = live_server.url
    page.set_viewport_size({"width": 390, "height": 844})

    sign_in(page, base, "secretary", DEMO_PASSWORD)
    expect(page.locator("#wb-overdue .wb-count")).to_have_text(str(overdue))
    expect(page.locator("#wb-week .wb-count")).to_have_text(str(week))
    expect(page.locator("#wb-scorecard")).to_contain_text("52")
    # Nothing is wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # Every link of the workbench is a finger's size.
    heights = page.eval_on_selector_all("#wb-work a", "links => links.map(a => a.getBoundingClientRect().height)")
    assert heights and min(heights) >= 44
    shoot(page, "01-workbench-on-a-phone")

    page.click("#wb-overdue a.wb-link")
    page.wait_for_url(f"{base}/tasks/?show=overdue")
    expect(page.locator("#my-count")).to_have_text(str(overdue))
    expect(page.locator("#my-work tbody tr")).to_have_count(overdue)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shoot(page, "02-my-overdue-work")

    # The board of the branch: its header counts its list, and its rows stack as cards.
    page.goto(f"{base}/tasks/branch/{secretary.role_assignments.get().organisation_id}/")
    listed = int(page.locator("#tk-listed").inner_text())
    expect(page.locator("#tk-board tbody tr")).to_have_count(listed)
    cell = page.locator("#tk-board tbody tr td").first.bounding_box()
    assert cell is not None and cell["width"] > 300  # a card's row, not a squeezed column
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shoot(page, "03-the-board-on-a-phone")
