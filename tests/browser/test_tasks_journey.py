"""A secretary completes this month's tasks with evidence files; a reviewer checks one."""

import pytest
from playwright.sync_api import Page, expect

from tasks.models import Quality, Task, TaskStatus
from tasks.periods import local_today, period_of
from tasks.selectors import board
from tasks.services.generation import tasks_generate
from tests.browser.conftest import sign_in
from tests.conftest import World

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n% minutes of the branch committee meeting\n"


def test_a_secretary_completes_this_months_tasks_with_evidence_and_a_reviewer_checks_one(
    world: World, default_edition, live_server, page: Page, shoot, tmp_path
) -> None:
    today = local_today()
    month = period_of("monthly", today)
    tasks_generate(first=month.start, last=month.end)
    # What the board lists for this month (today's daily work, not the rest of the month's).
    due = Task.objects.filter(
        pk__in=list(board(world.branch_a, show="month", today=today).values_list("pk", flat=True))
    )
    assert due.exists()
    evidence = tmp_path / "会议记录.pdf"
    evidence.write_bytes(PDF)
    base = live_server.url

    sign_in(page, base, "secretary_a")
    page.goto(f"{base}/tasks/branch/{world.branch_a.pk}/")
    expect(page.locator("h1")).to_contain_text(world.branch_a.name)
    shoot(page, "01-this-months-board")

    for n, task in enumerate(due.order_by("due_on", "pk")):
        page.goto(f"{base}/tasks/branch/{world.branch_a.pk}/")
        page.click(f"a[href='/tasks/{task.pk}/complete/']")
        page.fill("textarea[name=note]", f"已按要求完成：{task.title}")
        page.set_input_files("input[type=file]", str(evidence))
        if n == 0:
            shoot(page, "02-completing-with-evidence")
        page.click("form button.primary")
        expect(page.locator(".tk-list")).to_contain_text("会议记录.pdf")
    shoot(page, "03-a-done-task-with-its-evidence")
    page.goto(f"{base}/tasks/branch/{world.branch_a.pk}/?show=done")
    shoot(page, "04-done-this-month")
    assert not due.filter(status=TaskStatus.OPEN).exists()
    done = due.filter(status=TaskStatus.DONE)
    assert done.count() == due.count() and all(task.evidence.count() == 1 for task in done)

    page.context.clear_cookies()
    sign_in(page, base, "reviewer")
    first = done.order_by("due_on", "pk").first()
    page.goto(f"{base}/tasks/{first.pk}/check/")
    page.select_option("select[name=quality]", Quality.EXCELLENT.value)
    page.fill("textarea[name=comment]", "记录完整，佐证齐全")
    shoot(page, "05-reviewer-checks-the-work")
    page.click("form button.primary")
    expect(page.locator("body")).to_contain_text("记录完整，佐证齐全")
    shoot(page, "06-checked")
    first.refresh_from_db()
    assert first.status == TaskStatus.CHECKED and first.quality == Quality.EXCELLENT
