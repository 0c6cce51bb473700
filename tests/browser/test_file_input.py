"""The file input speaks the page's language: "选择文件" and the chosen names (or "未选择文件")
instead of the browser's own "Choose File / No file chosen", a 44 px target reached with the
keyboard, on the plain pages and in the parts htmx swaps in."""

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from assessments.models import EvidenceFile
from tasks.models import Task, TaskStatus
from tests.browser.conftest import sign_in
from tests.conftest import World
from tests.factories import make_task, open_scorecard

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


def test_the_file_input_says_choose_file_in_chinese_and_names_the_chosen_files(
    world: World, default_edition, live_server, page: Page, shoot, tmp_path
) -> None:
    article = default_edition.articles.order_by("code").first()
    tasks = [
        make_task(world.branch_a, article, due_on=dt.date(2026, 11, day), period_key=f"2026-11-{day:02d}")
        for day in (2, 3)
    ]
    first, second = tmp_path / "会议记录.pdf", tmp_path / "照片.png"
    first.write_bytes(b"%PDF-1.4 minutes")
    second.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 32)
    base = live_server.url
    page.set_viewport_size(PHONE)
    sign_in(page, base, "secretary_a")
    page.goto(f"{base}/tasks/branch/{world.branch_a.pk}/complete-many/?task={tasks[0].pk}&task={tasks[1].pk}")

    face, names = page.locator(".file-pick-face"), page.locator(".file-pick-names")
    expect(face).to_have_text("选择文件")
    expect(names).to_have_text("未选择文件")
    assert "Choose File" not in page.locator("main").inner_text()
    box = face.bounding_box()
    assert box is not None and box["height"] >= 44 and box["width"] >= 44
    # The real input lies over the button: a tap there lands on it.
    cover = page.locator("input[type=file]").bounding_box()
    assert cover is not None and abs(cover["height"] - box["height"]) < 1 and abs(cover["y"] - box["y"]) < 1
    shoot(page, "01-nothing-chosen")

    # The keyboard reaches it from the note, and the button shows the focus.
    page.focus("textarea[name=note]")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.type") == "file"
    assert face.evaluate("el => getComputedStyle(el).outlineStyle") == "solid"

    page.set_input_files("input[type=file]", [str(first), str(second)])
    expect(names).to_have_text("会议记录.pdf · 照片.png")
    shoot(page, "02-two-files-chosen")
    page.fill("textarea[name=note]", "补录两天的学习记录")
    page.click("form button.primary")
    page.wait_for_url(f"{base}/tasks/branch/{world.branch_a.pk}/")
    assert Task.objects.filter(pk__in=[t.pk for t in tasks], status=TaskStatus.DONE).count() == 2
    assert all(task.evidence.count() == 2 for task in Task.objects.filter(pk__in=[t.pk for t in tasks]))

    # In the English interface the same control says it in English (on a phone the language
    # switch is in the header's menu).
    page.click("#menu-toggle")
    page.click("button[name=language][value=en]")
    page.goto(f"{base}/tasks/{tasks[0].pk}/")
    page.goto(f"{base}/members/org/{world.branch_a.pk}/import/")
    expect(page.locator(".file-pick-face")).to_have_text("Choose file")
    expect(page.locator(".file-pick-names")).to_have_text("No file chosen")
    shoot(page, "03-english")


def test_a_file_input_swapped_in_by_htmx_is_dressed_too(
    world: World, default_edition, live_server, page: Page, tmp_path
) -> None:
    card = open_scorecard(world.branch_a)
    record = tmp_path / "会议记录.pdf"
    record.write_bytes(b"%PDF-1.4 record")
    base = live_server.url
    sign_in(page, base, "secretary_a")
    page.goto(f"{base}/assessments/cards/{card.pk}/")
    line_pk = page.locator("article.sc-line").first.get_attribute("id")[5:]
    evidence = page.locator(f"#evidence-{line_pk}")
    expect(evidence.locator(".file-pick-face")).to_have_text("选择文件")
    evidence.locator("input[type=file]").set_input_files(str(record))
    evidence.locator("button[type=submit]").click()
    expect(page.locator(f"#evidence-{line_pk} ul a")).to_contain_text("会议记录.pdf")
    assert EvidenceFile.objects.filter(line_id=line_pk).count() == 1
    swapped = page.locator(f"#evidence-{line_pk}")
    expect(swapped.locator(".file-pick-face")).to_have_count(1)
    expect(swapped.locator(".file-pick-names")).to_have_text("未选择文件")
