"""On a phone: a secretary whose card counts measured rules below what the records suggest,
without a reason, tries to submit; the check names each line with a link to it and offers no
submit button while they stand; one tap on 采纳全部台账建议 accepts the suggestions and the card
is submitted. Screenshots of the check
before and after, at phone and desk widths."""

import datetime as dt
import re

import pytest
from playwright.sync_api import Page, expect

from assessments.models import Scorecard, ScorecardStatus
from assessments.services.scorecards import current_quarter
from tests.browser.conftest import sign_in
from tests.conftest import World
from tests.factories import open_scorecard

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


@pytest.fixture
def card(world: World, default_edition) -> Scorecard:
    # No meeting on record this quarter: the records suggest deductions the card does not count.
    year, quarter = current_quarter()
    return open_scorecard(world.branch_a, year=year, quarter=quarter, deadline=dt.date(2099, 1, 10))


def _fits(page: Page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_the_check_names_the_lines_and_accepting_every_suggestion_lets_the_card_be_submitted(
    world: World, card: Scorecard, live_server, page: Page, shoot
) -> None:
    base = live_server.url
    line = card.lines.get(article__code="1-01")
    page.set_viewport_size(PHONE)
    sign_in(page, base, "secretary_a")
    page.goto(f"{base}/assessments/cards/{card.pk}/")

    # The check lists the rules below the records, with the button that accepts them all.
    page.click("#sc-submit")
    dialog = page.locator("#sc-submit-dialog")
    expect(dialog.locator("#sc-check-unanswered")).to_contain_text("1-01")
    expect(dialog.locator("#sc-check-unanswered")).to_contain_text("台账建议")
    expect(dialog.locator("#sc-accept-all")).to_have_text("采纳全部台账建议")
    page.screenshot(path=str(shoot.folder / "01-check-dialog-phone.png"))

    # No submit button while they stand: the check says what to do, each line a link to it.
    expect(dialog.locator("#sc-submit-confirm")).to_have_count(0)
    expect(dialog.locator("#sc-submit-blocked")).to_contain_text("说明理由")
    rules = dialog.locator("#sc-check-unanswered")
    expect(rules.locator(f'a[href$="#line-{line.pk}"]').first).to_be_visible()
    _fits(page, PHONE["width"])
    for link in rules.locator("a").all():
        box = link.bounding_box()
        assert box and box["height"] >= 44
    box = page.locator("#sc-accept-all").bounding_box()
    assert box and box["height"] >= 44 and box["width"] <= PHONE["width"]
    page.screenshot(path=str(shoot.folder / "02-unanswered-phone.png"))  # the dialog, as the phone shows it
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=str(shoot.folder / "03-unanswered-desktop.png"))
    page.set_viewport_size(PHONE)
    assert Scorecard.objects.get(pk=card.pk).status == ScorecardStatus.DRAFT

    # A link leads to its line, unfolded.
    rules.locator(f'a[href$="#line-{line.pk}"]').first.click()
    expect(page.locator(f"#line-{line.pk}")).to_be_in_viewport()
    page.goto(f"{base}/assessments/cards/{card.pk}/submit/check/")

    # One tap accepts every suggestion, back on the check; then the card is submitted.
    page.click("#sc-accept-all")
    expect(page.locator(".messages")).to_contain_text("条台账建议")
    expect(page.locator("#sc-check-unanswered")).to_have_count(0)
    expect(page.locator("#sc-check-refusal")).to_have_count(0)
    _fits(page, PHONE["width"])
    shoot(page, "04-accepted-phone")
    page.set_viewport_size(DESKTOP)
    shoot(page, "05-accepted-desktop")
    page.set_viewport_size(PHONE)
    page.click("#sc-submit-confirm")
    expect(page).to_have_url(re.compile(rf"/assessments/cards/{card.pk}/$"))
    card.refresh_from_db()
    assert card.status == ScorecardStatus.SUBMITTED
    assert card.below_records == 0
    shoot(page, "06-submitted-phone")
