"""A secretary fills in and submits a full 52-line scorecard; a reviewer reviews it,
finalises it and downloads the feedback sheet."""

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect

from assessments.models import Scorecard, ScorecardStatus
from tests.assessments.pdftools import poppler
from tests.browser.conftest import sign_in
from tests.conftest import World

pytestmark = pytest.mark.django_db(transaction=True)


def shown(status: object) -> str:
    """A status as the Chinese interface shows it."""
    with translation.override("zh-hans"):
        return str(status.label)  # type: ignore[attr-defined]


def test_a_secretary_submits_a_full_scorecard_and_a_reviewer_finalises_it(
    world: World, default_edition, live_server, page: Page, shoot, tmp_path
) -> None:
    base = live_server.url
    page.on("dialog", lambda dialog: dialog.accept())
    sign_in(page, base, "secretary_a")
    page.goto(f"{base}/assessments/branch/{world.branch_a.pk}/")
    shoot(page, "01-branch-page")
    page.click("form.actions button.primary")
    expect(page.locator("article.sc-line")).to_have_count(52)
    shoot(page, "02-empty-scorecard")

    ids = page.eval_on_selector_all("article.sc-line", "lines => lines.map(line => line.id)")
    for n, form_id in enumerate(ids):
        form = page.locator(f"#{form_id}")
        # A line not assessed this quarter (yearly work before Q4) takes no count.
        if n % 5 == 0 and "not-assessed" not in (form.get_attribute("class") or ""):
            form.locator("input[type=number]").first.fill("1")
        # A measured rule whose count differs from what the (empty) records suggest says why.
        for reason in form.locator("textarea[name^='reason-']").all():
            reason.fill("台账另有纸质记录")
        form.locator("textarea[name=note]").fill(f"第{n + 1}条已按要求完成")
        form.locator("textarea[name=evidence]").fill("会议记录本、签到表")
        form.locator("textarea[name=evidence]").press("Tab")
        expect(page.locator(f"#{form_id} .sc-saved")).to_be_visible()
    card = Scorecard.objects.get(branch=world.branch_a)
    assert card.lines.exclude(note="").count() == 52
    assert card.self_total < 100
    expect(page.locator(".sc-self-total")).to_have_text(str(card.self_total))
    shoot(page, "03-filled-scorecard")

    page.click("#sc-submit")
    # Nothing looks unfinished: every line was looked at, every deduction has a note.
    expect(page.locator("#sc-submit-dialog")).to_contain_text("每一条都已查看")
    page.click("#sc-submit-confirm")
    expect(page.locator("#sc-status")).to_have_text(shown(ScorecardStatus.SUBMITTED))
    expect(page.locator("textarea[name=note]").first).to_be_disabled()
    shoot(page, "04-submitted-and-locked")

    page.context.clear_cookies()
    sign_in(page, base, "reviewer")
    page.goto(f"{base}/assessments/cards/{card.pk}/review/")
    first = page.locator("form.sc-line").nth(1)
    first_id = first.get_attribute("id")
    first.locator("input[type=number]").first.fill("1")
    first.locator("textarea[name=review_note]").fill("现场查看记录不全")
    first.locator("textarea[name=review_note]").press("Tab")
    expect(page.locator(f"#{first_id} .sc-saved")).to_be_visible()
    expect(page.locator(f"#{first_id} .sc-line-gap")).to_be_visible()
    page.check("input[value=documents]")
    page.check("input[value=site_visit]")
    page.check("input[value=written_test]")
    page.fill("input[name=written_test_score]", "86")
    page.click(".sc-details button")
    page.fill("#id_finding_problem", "支委会记录要素不全")
    page.click("#sc-add-finding")
    expect(page.locator("#findings table")).to_contain_text("支委会记录要素不全")
    shoot(page, "05-review")

    page.click("#sc-mark-reviewed")
    expect(page.locator("#sc-status")).to_have_text(shown(ScorecardStatus.REVIEWED))
    page.click("#sc-finalise")
    expect(page.locator("#sc-status")).to_have_text(shown(ScorecardStatus.FINAL))
    shoot(page, "06-final")
    card.refresh_from_db()
    assert card.status == ScorecardStatus.FINAL
    assert card.written_test_score == 86

    with page.expect_download() as download_info:
        page.click("#sc-feedback")
    path = tmp_path / "feedback.pdf"
    download_info.value.save_as(path)
    text = poppler("pdftotext", path)
    assert "一号项目部党支部" in text
    assert "支委会记录要素不全" in text.replace("\n", "")

    page.goto(f"{base}/assessments/dashboard/?quarter={card.period}")
    expect(page.locator("#dash-ranking")).to_contain_text("一号项目部党支部")
    expect(page.locator("#chart-grades svg")).to_be_visible()
    expect(page.locator("#chart-deducted svg")).to_be_visible()
    shoot(page, "07-dashboard")


def test_the_scorecard_fits_a_phone_screen(world: World, default_edition, live_server, page: Page, shoot) -> None:
    from tests.factories import open_scorecard

    card = open_scorecard(world.branch_a)
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server.url, "secretary_a")
    page.goto(f"{live_server.url}/assessments/cards/{card.pk}/")
    expect(page.locator("article.sc-line")).to_have_count(52)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "the scorecard scrolls sideways on a phone"
    shoot(page, "01-phone-scorecard")
