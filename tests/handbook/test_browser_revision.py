"""In a real browser: a secretary finds an article by searching, proposes a change; the
administrator starts a draft, accepts the proposal into it, compares and publishes."""

import pytest
from playwright.sync_api import Page, expect

from handbook.models import ChangeProposal, Edition, EditionStatus
from handbook.services import load_default_edition
from tests.browser.conftest import (  # noqa: F401 (fixtures used by this module)
    browser_context_args,
    browser_type_launch_args,
    shoot,
    sign_in,
)
from tests.conftest import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_proposal_travels_from_a_secretary_into_the_edition_in_force(
    world: World,
    live_server,
    page: Page,
    shoot,  # noqa: F811 (the fixture imported above)
) -> None:
    base = live_server.url
    edition = load_default_edition()
    article = edition.articles.get(code="1-01")

    sign_in(page, base, "secretary_a")
    page.goto(f"{base}/handbook/")
    expect(page.locator("#hb-articles tbody tr")).to_have_count(52)
    # Typing searches through htmx without a page load (and without inline script: CSP).
    page.locator("input[name=q]").press_sequentially("三会一课")
    expect(page.locator("#hb-articles")).to_contain_text("“三会一课”制度")
    expect(page.locator("#hb-articles tbody tr")).not_to_have_count(52)
    shoot(page, "01-search")

    page.click(f"#hb-articles a[href='/handbook/articles/{article.pk}/']")
    expect(page.locator("h1")).to_contain_text("1-01")
    shoot(page, "02-article")
    page.click(f"a[href='/handbook/articles/{article.pk}/propose/']")
    page.select_option("#id_field", "how")
    page.fill("#id_proposed_text", "会后2个工作日内整理记录并由主持人审签")
    page.fill("#id_reason", "项目部人员流动快,3天内常找不到主持人签字")
    page.click("form.card button[type=submit]")
    expect(page.locator(".messages")).to_be_visible()
    proposal = ChangeProposal.objects.get()
    shoot(page, "03-proposed")

    page.context.clear_cookies()
    sign_in(page, base, "administrator")
    page.goto(f"{base}/handbook/editions/")
    page.fill("input[name=version]", "2027")
    page.click("form.hb-inline-form button[type=submit]")
    draft = Edition.objects.get(version="2027")
    page.wait_for_url(f"{base}/handbook/editions/{draft.pk}/")
    page.goto(f"{base}/handbook/proposals/{proposal.pk}/")
    page.select_option("#id_draft", str(draft.pk))
    page.click(f"form[action='/handbook/proposals/{proposal.pk}/accept/'] button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("2027")
    shoot(page, "04-accepted")

    page.goto(f"{base}/handbook/editions/{draft.pk}/diff/")
    expect(page.locator("table.hb-diff")).to_contain_text("会后2个工作日内")
    shoot(page, "05-diff")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click(f"form[action='/handbook/editions/{draft.pk}/publish/'] button[type=submit]")
    page.wait_for_url(f"{base}/handbook/")
    expect(page.locator("h1")).to_contain_text("2027")
    shoot(page, "06-published")
    assert Edition.objects.get(pk=edition.pk).status == EditionStatus.RETIRED
    assert draft.articles.get(code="1-01").how == "会后2个工作日内整理记录并由主持人审签"
