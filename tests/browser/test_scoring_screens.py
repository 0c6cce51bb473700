"""Scoring by frequency and 大政工 subtotals in a real browser, on a desktop and a phone: a
yearly article in Q3 reads "本季度不考核" at its full score with no count to fill, the
subtotals sit under the bar, and neither makes the page scroll sideways."""

import pytest
from playwright.sync_api import Page, expect

from assessments.services.review import review_line_save
from tests.browser.conftest import sign_in
from tests.conftest import World
from tests.factories import RECORDS_REASON, first_rule_counts, open_scorecard, submit_card

pytestmark = pytest.mark.django_db(transaction=True)

SIZES = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture
def card(world: World, default_edition):
    return open_scorecard(world.branch_a, year=2026, quarter=3)


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_a_yearly_line_in_q3_and_the_line_subtotals_on_the_scorecard(
    world: World, card, live_server, page: Page, shoot, size: str
) -> None:
    base = live_server.url
    viewport = SIZES[size]
    page.set_viewport_size(viewport)
    sign_in(page, base, "secretary_a")
    page.goto(f"{base}/assessments/cards/{card.pk}/")
    subtotals = page.locator("#sc-line-subtotals")
    expect(subtotals).to_contain_text("大政工分线小计")
    expect(subtotals.locator("tr[data-subtotal]")).to_have_count(3)
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"], "the page scrolls sideways"
    page.screenshot(path=str(shoot.folder / "01-top.png"))

    yearly = page.locator("article.sc-line.not-assessed", has_text="民主评议党员制度").first
    yearly.scroll_into_view_if_needed()
    expect(yearly.locator(".sc-not-assessed").first).to_have_text("本季度不考核")
    expect(yearly.locator(".sc-line-score")).to_have_text("3.00")
    for box in yearly.locator("input[type=number]").all():
        expect(box).to_be_disabled()
    page.evaluate("el => el.scrollIntoView({block: 'center'})", yearly.element_handle())
    page.screenshot(path=str(shoot.folder / "02-not-assessed-line.png"))

    # A deduction on a line of every quarter moves the union subtotal without a reload.
    union = page.locator("article.sc-line", has_text="劳动竞赛").first
    union.scroll_into_view_if_needed()
    union.locator("input[type=number]").first.fill("1")
    union.locator("textarea[name=note]").fill("未制定劳动竞赛方案")
    union.locator("textarea[name=note]").press("Tab")  # the line saves itself
    expect(page.locator('#sc-line-subtotals tr[data-subtotal="union"] [data-subtotal-self]')).to_have_text("7.00")
    subtotals.scroll_into_view_if_needed()
    page.screenshot(path=str(shoot.folder / "03-subtotals-after-save.png"))


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_reviewer_sees_the_review_subtotals(world: World, card, live_server, page: Page, shoot, size: str) -> None:
    card = submit_card(card, by=world.secretary_a, reason=RECORDS_REASON)
    line = card.lines.select_related("article").get(article__code="2-10")
    review_line_save(line=line, by=world.reviewer, version=card.version, counts=first_rule_counts(line, 2))
    base = live_server.url
    viewport = SIZES[size]
    page.set_viewport_size(viewport)
    sign_in(page, base, "reviewer")
    page.goto(f"{base}/assessments/cards/{card.pk}/review/")
    expect(page.locator('#sc-line-subtotals tr[data-subtotal="league"]')).to_contain_text("4.50")
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"], "the page scrolls sideways"
    page.screenshot(path=str(shoot.folder / "01-review-top.png"))
    yearly = page.locator("form.sc-line.not-assessed", has_text="民主评议党员制度").first
    page.evaluate("el => el.scrollIntoView({block: 'center'})", yearly.element_handle())
    page.screenshot(path=str(shoot.folder / "02-review-not-assessed.png"))
