"""The secretary's scorecard on a phone, in a real browser: every line saves itself, nothing
typed is lost (leaving the page, two tabs on different lines or on the same one), a refused
upload is told beside its line, and the page is laid out for fingers."""

import logging
import re

import pytest
from playwright.sync_api import Page, expect

from assessments.models import EvidenceFile, LineDeduction, ScorecardLine
from tests.browser.conftest import sign_in
from tests.conftest import World
from tests.factories import RECORDS_REASON, answer_records, open_scorecard

logger = logging.getLogger(__name__)

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


@pytest.fixture
def card(world: World, default_edition):
    # Q4: yearly and half-yearly lines are assessed too, so every fourth line takes a count.
    return open_scorecard(world.branch_a, quarter=4)


def _report(shoot, line: str) -> None:
    """The journey's figures: logged, and kept beside its screenshots in figures.txt."""
    logger.warning(line)
    with (shoot.folder / "figures.txt").open("a", encoding="utf-8") as figures:
        figures.write(line + "\n")


def _open(page: Page, base: str, card) -> None:
    page.goto(f"{base}/assessments/cards/{card.pk}/")
    expect(page.locator("article.sc-line")).to_have_count(52)


def _ids(page: Page) -> list[str]:
    return page.eval_on_selector_all("article.sc-line", "lines => lines.map(line => line.id)")


def _small_targets(page: Page) -> list[str]:
    """Visible controls on the sheet and the bar less than 44 px tall (a checkbox counts by
    its label, which is what the finger hits)."""
    return page.evaluate(
        """() => {
        const found = [];
        const controls = document.querySelectorAll(
          '#sc-bar select, #sc-bar .button, #sc-bar label, #sc-sheet button, #sc-sheet select, #sc-sheet textarea,' +
          '#sc-sheet input:not([type=hidden]):not([type=checkbox]), #sc-sheet summary, #sc-submit'
        );
        for (const el of controls) {
          const box = el.getBoundingClientRect();
          if (box.width === 0 || box.height === 0) continue;
          if (box.height < 44) found.push(`${el.tagName.toLowerCase()}.${el.className} ${Math.round(box.height)}px`);
        }
        return found;
      }"""
    )


def test_a_secretary_fills_all_52_lines_on_a_phone(world: World, card, live_server, page: Page, shoot) -> None:
    base = live_server.url
    page.set_viewport_size(PHONE)
    sign_in(page, base, "secretary_a")
    _open(page, base, card)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], "the page scrolls sideways"
    assert _small_targets(page) == []
    # No column narrower than a word: a rule's words and the boxes keep most of the width.
    narrowest = page.evaluate(
        """() => Math.min(...[...document.querySelectorAll('.sc-rule-text, .sc-line-form textarea')]
              .map(el => el.getBoundingClientRect().width))"""
    )
    assert narrowest >= 200, narrowest
    page.screenshot(path=str(shoot.folder / "01-phone-top.png"))

    clicks = keys = 0
    ids = _ids(page)
    for n, line_id in enumerate(ids):
        line = page.locator(f"#{line_id}")
        if n % 4 == 0:
            line.locator("input[type=number]").first.click()
            page.keyboard.press("Control+A")
            page.keyboard.type("1")
            clicks, keys = clicks + 1, keys + 2
        # A measured rule whose count differs from what the (empty) records suggest says why.
        for reason in line.locator("textarea[name^='reason-']").all():
            reason.fill("台账另有纸质记录")
        line.locator("textarea[name=note]").click()
        note = f"第{n + 1}条已落实"
        page.keyboard.type(note)
        clicks, keys = clicks + 1, keys + len(note)
    page.locator("#sc-self-total").click()  # out of the last box
    clicks += 1
    # Every line ends saved; how long the 52 saves take is bench/'s business, not this test's
    # (on a loaded CI machine they can take longer than the default five seconds).
    expect(page.locator("article.sc-line .sc-saved")).to_have_count(52, timeout=60_000)
    _report(shoot, f"52 lines filled at 390×844: {clicks} taps, {keys} keystrokes (13 deductions, 52 notes)")
    saved = ScorecardLine.objects.filter(scorecard=card)
    assert saved.exclude(note="").count() == 52
    assert saved.filter(looked_at__isnull=False).count() == 52
    assert LineDeduction.objects.filter(line__scorecard=card, side="self").count() == 13
    expect(page.locator("#sc-seen")).to_have_text("52")
    card.refresh_from_db()
    expect(page.locator("#sc-self-total")).to_have_text(str(card.self_total))
    page.screenshot(path=str(shoot.folder / "02-phone-filled.png"))

    # Folded, the whole card fits in six phone screens.
    page.goto(f"{base}/assessments/cards/{card.pk}/")
    for part in page.locator("details.sc-part[open] > summary").all():
        part.click()
    height = page.evaluate("document.documentElement.scrollHeight")
    _report(shoot, f"folded card: {height} px = {height / PHONE['height']:.1f} screens")
    assert height <= 6 * PHONE["height"], height
    shoot(page, "03-phone-folded")
    page.click("details.sc-part >> nth=0 >> summary")
    page.screenshot(path=str(shoot.folder / "04-phone-unfolded.png"))
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=str(shoot.folder / "05-desktop-unfolded.png"))

    # Submitting first lists what looks unfinished; here nothing does.
    page.click("#sc-bar [data-sc-submit]")
    expect(page.locator("#sc-submit-dialog")).to_contain_text("每一条都已查看")


def test_the_check_before_submitting_lists_unfinished_lines_and_lets_the_secretary_go_back(
    world: World, card, live_server, page: Page, shoot
) -> None:
    # The records answered beforehand (a reason on each rule below them): the check then
    # speaks of unfinished lines only, and offers to submit anyway.
    answer_records(card, by=world.secretary_a, reason=RECORDS_REASON)
    base = live_server.url
    page.set_viewport_size(PHONE)
    sign_in(page, base, "secretary_a")
    _open(page, base, card)
    first = page.locator("article.sc-line").first
    for reason in first.locator("textarea[name^='reason-']").all():
        reason.fill("台账另有纸质记录")
    first.locator("input[type=number]").first.fill("1")
    first.locator("input[type=number]").first.press("Tab")
    expect(first.locator(".sc-saved")).to_be_visible()
    page.click("#sc-bar [data-sc-submit]")
    dialog = page.locator("#sc-submit-dialog")
    expect(dialog.locator("#sc-check-no-note li")).to_have_count(1)
    unseen = ScorecardLine.objects.filter(scorecard=card, looked_at__isnull=True).count()
    assert unseen < 52  # the line saved here, and the lines the answers to the records saved
    expect(dialog.locator("#sc-check-unseen li")).to_have_count(unseen)
    expect(dialog.locator("#sc-submit-confirm")).to_have_text("仍然提交")
    page.screenshot(path=str(shoot.folder / "01-check.png"))
    dialog.locator("#sc-check-no-note a").click()
    expect(dialog).to_be_hidden()
    expect(first.locator("textarea[name=note]")).to_be_focused()
    assert card.lines.filter(note="").count() == 52
    card.refresh_from_db()
    assert card.status == "draft"


def test_a_note_typed_and_the_page_left_without_leaving_the_field_is_still_there(card, live_server, page: Page) -> None:
    base = live_server.url
    sign_in(page, base, "secretary_a")
    _open(page, base, card)
    asked = []

    def on_dialog(dialog) -> None:
        asked.append(dialog.type)
        dialog.accept()

    page.on("dialog", on_dialog)
    line_id = _ids(page)[3]
    page.locator(f"#{line_id} textarea[name=note]").click()
    page.keyboard.type("离开前还没保存的话")
    page.goto(f"{base}/")  # at once: before the 800 ms pause, without leaving the box
    assert asked == ["beforeunload"]
    _open(page, base, card)
    expect(page.locator(f"#{line_id} textarea[name=note]")).to_have_value("离开前还没保存的话")
    # Sent as the page was left, or restored from the browser's storage and saved now.
    page.wait_for_load_state("networkidle")
    assert ScorecardLine.objects.get(pk=line_id.removeprefix("line-")).note == "离开前还没保存的话"


def test_two_tabs_editing_different_lines_are_both_kept(card, live_server, page: Page) -> None:
    base = live_server.url
    sign_in(page, base, "secretary_a")
    other = page.context.new_page()
    _open(page, base, card)
    _open(other, base, card)
    first, second = _ids(page)[:2]
    page.locator(f"#{first} textarea[name=note]").fill("第一个标签页写的")
    other.locator(f"#{second} textarea[name=note]").fill("第二个标签页写的")
    page.locator(f"#{first} textarea[name=note]").press("Tab")
    expect(page.locator(f"#{first} .sc-saved")).to_be_visible()
    other.locator(f"#{second} textarea[name=note]").press("Tab")
    expect(other.locator(f"#{second} .sc-saved")).to_be_visible()
    notes = dict(ScorecardLine.objects.filter(scorecard=card).values_list("pk", "note"))
    assert notes[int(first[5:])] == "第一个标签页写的"
    assert notes[int(second[5:])] == "第二个标签页写的"


def test_the_same_line_in_two_tabs_ends_with_no_text_lost(card, live_server, page: Page, shoot) -> None:
    base = live_server.url
    page.set_viewport_size(PHONE)
    sign_in(page, base, "secretary_a")
    other = page.context.new_page()
    other.set_viewport_size(PHONE)
    _open(page, base, card)
    _open(other, base, card)
    line_id = _ids(page)[0]
    page.locator(f"#{line_id} textarea[name=note]").fill("甲标签页的说明")
    page.locator(f"#{line_id} textarea[name=note]").press("Tab")
    expect(page.locator(f"#{line_id} .sc-saved")).to_be_visible()

    mine = other.locator(f"#{line_id} textarea[name=note]")
    mine.fill("乙标签页的说明")
    mine.press("Tab")
    conflict = other.locator(f"#{line_id} .sc-conflict-box")
    expect(conflict).to_be_visible()
    expect(conflict).to_contain_text(re.compile(r"甲支部书记 于 \d\d:\d\d 保存了此条"))
    expect(conflict).to_contain_text("甲标签页的说明")
    expect(mine).to_have_value("乙标签页的说明")  # the typed text stays in the box
    conflict.scroll_into_view_if_needed()
    other.screenshot(path=str(shoot.folder / "01-conflict.png"))
    other.click(f"#{line_id} .sc-keep-mine")
    expect(other.locator(f"#{line_id} .sc-saved")).to_be_visible()
    assert ScorecardLine.objects.get(pk=line_id[5:]).note == "乙标签页的说明"

    # The first tab, still on the old version, types on; it is told and takes the other text.
    page.locator(f"#{line_id} textarea[name=note]").fill("甲标签页的说明，补充")
    page.locator(f"#{line_id} textarea[name=note]").press("Tab")
    expect(page.locator(f"#{line_id} .sc-conflict-box")).to_contain_text("乙标签页的说明")
    page.click(f"#{line_id} .sc-take-theirs")
    expect(page.locator(f"#{line_id} textarea[name=note]")).to_have_value("乙标签页的说明")
    assert ScorecardLine.objects.get(pk=line_id[5:]).note == "乙标签页的说明"


def test_a_refused_upload_is_told_beside_its_line_without_reloading(
    card, live_server, page: Page, shoot, tmp_path
) -> None:
    base = live_server.url
    page.set_viewport_size(PHONE)
    sign_in(page, base, "secretary_a")
    _open(page, base, card)
    page.evaluate("window.notReloaded = true")
    line_id = _ids(page)[30]
    line_pk = line_id[5:]
    script = tmp_path / "run.sh"
    script.write_bytes(b"#!/bin/sh\necho hi\n")
    page.locator(f"#evidence-{line_pk} input[type=file]").set_input_files(str(script))
    page.locator(f"#evidence-{line_pk} button[type=submit]").click()
    message = page.locator(f"#evidence-{line_pk} .error")
    expect(message).to_be_visible()
    box = message.bounding_box()
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"], box
    assert page.evaluate("window.notReloaded") is True
    page.screenshot(path=str(shoot.folder / "01-refused-upload.png"))

    record = tmp_path / "会议记录.pdf"
    record.write_bytes(b"%PDF-1.4 record")
    page.locator(f"#evidence-{line_pk} input[type=file]").set_input_files(str(record))
    page.locator(f"#evidence-{line_pk} button[type=submit]").click()
    # The stored file's link (the file input itself names the chosen file before it is sent).
    expect(page.locator(f"#evidence-{line_pk} ul a")).to_contain_text("会议记录.pdf")
    assert EvidenceFile.objects.filter(line_id=line_pk).count() == 1
    assert page.evaluate("window.notReloaded") is True


def test_a_save_that_cannot_reach_the_server_says_so_and_is_retried(card, live_server, page: Page) -> None:
    base = live_server.url
    sign_in(page, base, "secretary_a")
    _open(page, base, card)
    line_id = _ids(page)[1]
    cut = []

    def offline(route) -> None:
        cut.append(route.request.url)
        route.abort()

    page.route(re.compile(rf"/lines/{line_id[5:]}/$"), offline)
    box = page.locator(f"#{line_id} textarea[name=note]")
    box.fill("断网时写的")
    box.press("Tab")
    expect(page.locator(f"#{line_id} .sc-state-failed")).to_contain_text("秒后重试")
    page.unroute(re.compile(rf"/lines/{line_id[5:]}/$"))
    expect(page.locator(f"#{line_id} .sc-saved")).to_be_visible(timeout=10_000)
    assert cut and ScorecardLine.objects.get(pk=line_id[5:]).note == "断网时写的"


def test_the_bar_jumps_to_a_part_and_filters_the_lines_not_yet_looked_at(card, live_server, page: Page) -> None:
    base = live_server.url
    page.set_viewport_size(PHONE)
    sign_in(page, base, "secretary_a")
    first, second, third = card.lines.order_by("article__part__number", "article__code")[:3]
    for line in (first, second):
        ScorecardLine.objects.filter(pk=line.pk).update(looked_at="2026-07-01T08:00:00Z")
    _open(page, base, card)
    expect(page.locator("#sc-seen")).to_have_text("2")
    # The standard of a line looked at is folded; the others' are open.
    expect(page.locator(f"#line-{first.pk} .sc-standard details")).not_to_have_attribute("open", "")
    expect(page.locator(f"#line-{third.pk} .sc-standard details")).to_have_attribute("open", "")
    page.check("#sc-unseen")
    expect(page.locator(f"#line-{first.pk}")).to_be_hidden()
    expect(page.locator("article.sc-line:visible")).to_have_count(50)
    page.uncheck("#sc-unseen")
    expect(page.locator("article.sc-line:visible")).to_have_count(52)
    page.select_option("#sc-jump", "part-3")
    part = page.locator("#part-3")
    expect(part).to_have_attribute("open", "")
    assert abs(part.bounding_box()["y"]) < PHONE["height"] / 2
