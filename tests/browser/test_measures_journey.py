"""On a phone: the secretary records a 支委会 (attendees from the roster, one absentee with a
reason, a photo), then sees the scorecard line's facts and suggested counts change; a count
other than the suggestion is refused beside its reason until one is given; the reviewer sees
suggested, claimed and reviewed side by side. Screenshots at phone and desk widths."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from assessments.services.scorecards import current_quarter
from tests.browser.conftest import sign_in
from tests.conftest import World
from tests.factories import MemberFactory, open_scorecard, submit_card

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
# A 1×1 PNG: the meeting's photo.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


@pytest.fixture
def setup(world: World, default_edition):
    roster = [MemberFactory(branch=world.branch_a, name=name) for name in ("王芳", "李强", "赵敏", "孙杰")]
    year, quarter = current_quarter()
    card = open_scorecard(world.branch_a, year=year, quarter=quarter, deadline=dt.date(2099, 1, 10))
    return card, roster


def _shot_at(page: Page, target, path) -> None:
    """The viewport with ``target`` near its top, below the page's sticky bar."""
    target.scroll_into_view_if_needed()
    page.evaluate(
        "(y) => window.scrollTo(0, y)", target.evaluate("el => el.getBoundingClientRect().top + window.scrollY - 160")
    )
    page.screenshot(path=str(path))


def _rule_box(page: Page, line_id: str, n: int):
    return page.locator(f"#{line_id} ul.sc-rules > li").nth(n)


def test_recording_a_committee_meeting_changes_the_lines_suggestions(
    world: World, setup, live_server, page: Page, shoot, tmp_path
) -> None:
    card, _roster = setup
    base = live_server.url
    line = card.lines.get(article__code="1-01")
    line_id = f"line-{line.pk}"
    page.set_viewport_size(PHONE)
    sign_in(page, base, "secretary_a")

    page.goto(f"{base}/assessments/cards/{card.pk}/")
    committee = _rule_box(page, line_id, 0)
    expect(committee.locator(".sc-facts")).to_contain_text("本季度支委会 0/3 次")
    expect(committee.locator(".sc-suggested")).to_have_text("3")
    expect(_rule_box(page, line_id, 3).locator(".sc-suggested")).to_have_text("0")

    # Record the meeting: everyone on the roster is expected; 孙杰 was away, with a reason.
    page.goto(f"{base}/meetings/org/{world.branch_a.pk}/new/")
    page.select_option("#id_kind", "committee")
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    if (yesterday.month - 1) // 3 != (timezone.localdate().month - 1) // 3:
        yesterday = timezone.localdate()
    page.fill("#id_date", yesterday.isoformat())
    page.fill("#id_time", "09:00")
    page.fill("#id_place", "项目部会议室")
    page.select_option("#id_host", label="王芳")
    page.fill("#id_topics", "学习上级文件精神，研究本月主题党日方案")
    absentee = page.locator("#mt-attendees li", has_text="孙杰")
    absentee.locator("input[type=checkbox]").uncheck()
    absentee.locator("input[type=text]").fill("在外地项目出差")
    photo = tmp_path / "签到表.png"
    photo.write_bytes(PNG)
    page.set_input_files("input[type=file]", str(photo))
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.click("button.primary[type=submit]")
    expect(page.locator("h1")).to_contain_text("支委会")

    # The line's facts and suggestions follow the records.
    page.goto(f"{base}/assessments/cards/{card.pk}/")
    committee = _rule_box(page, line_id, 0)
    expect(committee.locator(".sc-facts")).to_contain_text("本季度支委会 1/3 次")
    expect(committee.locator(".sc-suggested")).to_have_text("2")
    expect(_rule_box(page, line_id, 2).locator(".sc-facts")).to_contain_text("平均参会率 75%")
    expect(_rule_box(page, line_id, 2).locator(".sc-suggested")).to_have_text("1")
    expect(_rule_box(page, line_id, 3).locator(".sc-facts")).to_contain_text("缺席未补学 1 人次")
    expect(_rule_box(page, line_id, 3).locator(".sc-suggested")).to_have_text("1")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    _shot_at(page, committee, shoot.folder / "01-line-facts-phone.png")
    box = committee.locator(".sc-accept").bounding_box()
    assert box and box["height"] >= 44

    # Another count without a reason is refused beside the reason; accepting saves.
    count = committee.locator("input[type=number]")
    count.fill("1")
    count.press("Tab")
    error = committee.locator(".sc-reason-error")
    expect(error).to_contain_text("台账建议扣分 2 次，您填写 1 次")
    expect(page.locator(f"#{line_id} .sc-state")).to_have_text("未保存： 请查看下方标出的理由。")
    expect(committee.locator("textarea[name^='reason-']")).to_have_attribute("aria-invalid", "true")
    _shot_at(page, committee, shoot.folder / "02-override-error-phone.png")
    for n in range(4):
        _rule_box(page, line_id, n).locator(".sc-accept").click()
    committee.locator("textarea[name^='reason-']").fill("")
    expect(page.locator(f"#{line_id} .sc-saved")).to_be_visible(timeout=15_000)
    expect(error).to_be_hidden()
    line.refresh_from_db()
    assert {c["claimed"] for c in line.claims.values()} == {c["suggested"] for c in line.claims.values()}

    page.set_viewport_size(DESKTOP)
    _shot_at(page, committee, shoot.folder / "03-line-facts-desktop.png")
    count.fill("0")
    count.press("Tab")
    expect(error).to_contain_text("台账建议扣分 2 次，您填写 0 次")
    _shot_at(page, committee, shoot.folder / "04-override-error-desktop.png")
    committee.locator("textarea[name^='reason-']").fill("另一次支委会记录在纸质记录本上")
    committee.locator("textarea[name^='reason-']").press("Tab")
    expect(page.locator(f"#{line_id} .sc-saved")).to_be_visible(timeout=15_000)

    # The reviewer sees what the records suggest, the branch's count and reason, and the review.
    # The rest of the card's rules below the records are accepted (submitting needs them answered).
    submit_card(card, by=world.secretary_a)
    page.context.clear_cookies()
    sign_in(page, base, "reviewer")
    page.goto(f"{base}/assessments/cards/{card.pk}/review/")
    review_line = page.locator(f"#rline-{line.pk}")
    expect(review_line.locator("th")).to_have_text(["扣分规则", "台账建议", "自评", "核标"])
    expect(review_line).to_contain_text("另一次支委会记录在纸质记录本上")
    review_line.screenshot(path=str(shoot.folder / "05-review-side-by-side-desktop.png"))
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    review_line.screenshot(path=str(shoot.folder / "06-review-side-by-side-phone.png"))
    expect(review_line.locator("td.sc-beat").first).to_have_text("0")
