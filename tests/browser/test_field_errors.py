"""In a real browser, a refused input is told beside the field that caused it: a count out of
range on a scorecard line posted without the page's script, and a refused evidence file on a
rectification report — at the desktop's and at a phone's width."""

import datetime as dt

import pytest
from playwright.sync_api import Browser, Page, expect

from assessments.services.review import finding_add, scorecard_finalise, scorecard_mark_reviewed
from tests.browser.conftest import sign_in
from tests.conftest import World
from tests.factories import RECORDS_REASON, open_scorecard, submit_card

pytestmark = pytest.mark.django_db(transaction=True)

SIZES = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}


def _page(browser: Browser, size: str, *, script: bool = True) -> Page:
    context = browser.new_context(viewport=SIZES[size], locale="zh-CN", java_script_enabled=script)
    return context.new_page()


def _shot(shoot, page: Page, name: str) -> None:
    page.screenshot(path=str(shoot.folder / f"{name}.png"))


@pytest.mark.parametrize("size", list(SIZES))
def test_a_count_out_of_range_is_told_beside_its_rule(
    browser: Browser, live_server, world: World, default_edition, shoot, size
):
    card = open_scorecard(world.branch_a, deadline=dt.date(2099, 1, 10))
    line = card.lines.select_related("article").get(article__code="1-01")
    rule = line.article.deductions.first()
    page = _page(browser, size, script=False)
    sign_in(page, live_server.url, "secretary_a")
    page.goto(f"{live_server.url}/assessments/cards/{card.pk}/")
    article = page.locator(f"#line-{line.pk}")
    article.locator(f"input[name='count-{rule.pk}']").fill("1000")
    article.locator("textarea[name='note']").fill("少开一次组织生活会")
    article.locator("button.sc-save").click()
    article = page.locator(f"#line-{line.pk}")
    error = article.locator("ul.sc-rules li .sc-field-error")
    expect(error).to_have_count(1)
    expect(error).to_contain_text("999")
    expect(article.locator("textarea[name='note']")).to_have_value("少开一次组织生活会")
    error.scroll_into_view_if_needed()
    _shot(shoot, page, f"scorecard-count-error-{size}")
    page.context.close()


@pytest.fixture
def item(world: World, default_edition):
    card = open_scorecard(world.branch_a, year=2026, quarter=2)
    card = submit_card(card, by=world.secretary_a, reason=RECORDS_REASON)
    article = card.lines.get(article__code="1-01").article
    finding_add(
        scorecard=card,
        by=world.reviewer,
        article_id=article.pk,
        problem="组织生活会未按期召开",
        severity="major",
        rectify_by=dt.date(2026, 8, 31),
    )
    card = scorecard_mark_reviewed(scorecard=card, by=world.reviewer, version=card.version)
    card = scorecard_finalise(scorecard=card, by=world.reviewer, version=card.version)
    return card.findings.get().rectification


@pytest.mark.parametrize("size", list(SIZES))
def test_a_refused_rectification_file_is_told_beside_the_file_field(browser: Browser, live_server, item, shoot, size):
    page = _page(browser, size)
    sign_in(page, live_server.url, "secretary_a")
    page.goto(f"{live_server.url}/assessments/rectification/{item.pk}/")
    page.fill("#report-action_taken", "已于7月补开组织生活会")
    page.set_input_files(
        "#report-files", files=[{"name": "整改.sh", "mimeType": "text/x-sh", "buffer": b"#!/bin/sh\necho\n"}]
    )
    page.click("form[action$='/report/'] button[type=submit]")
    field = page.locator("#report-files-field")
    expect(field.locator("p.error")).to_contain_text("整改.sh")
    expect(page.locator("#report-action_taken")).to_have_value("已于7月补开组织生活会")
    field.scroll_into_view_if_needed()
    _shot(shoot, page, f"rectification-file-error-{size}")
    page.context.close()
