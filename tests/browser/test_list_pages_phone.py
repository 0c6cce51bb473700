"""Every list page on a phone (390×844), in a real browser: its tables stack as cards, no
cell is squeezed narrower than two Chinese characters, and nothing scrolls sideways — not the
page, not a table inside it. Each page is also shot at 1366×900 to be looked at."""

import pytest
from django.core.files.base import ContentFile
from playwright.sync_api import Page

from branches.services import api_token_issue
from handbook.models import ChangeProposal, DemonstrationBranch, Edition, TrainingAttendance, TrainingSession
from handbook.services import edition_start_draft
from members.models import ImportStatus, MemberImport, MemberTransfer
from tasks.models import ReminderSheet, Task
from tasks.periods import local_today, period_of
from tasks.services.generation import tasks_generate
from tests.browser.conftest import DESKTOP, PHONE, at_both_sizes, sign_in
from tests.conftest import World
from tests.factories import MemberFactory, UserFactory, final_scorecard, make_meeting, rectification_item

pytestmark = pytest.mark.django_db(transaction=True)


# Cells narrower than two characters of their own font, visible ones only (a stacked table's
# header row is visually hidden on purpose); any box that scrolls sideways.
MEASURE = """() => {
  const squeezed = [];
  for (const cell of document.querySelectorAll('main td, main th')) {
    if (!cell.getClientRects().length) continue;
    const head = cell.closest('thead');
    if (head && head.getBoundingClientRect().width <= 1) continue;
    const style = getComputedStyle(cell);
    const box = cell.getBoundingClientRect();
    const inner = box.width - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    if (inner < 2 * parseFloat(style.fontSize) - 1) {
      squeezed.push(`${cell.tagName.toLowerCase()} "${cell.textContent.trim().slice(0, 20)}" ${Math.round(inner)}px`);
    }
  }
  const sideways = [];
  const root = document.documentElement;
  if (root.scrollWidth > root.clientWidth + 1) sideways.push(`page ${root.scrollWidth}px`);
  for (const box of document.querySelectorAll('main .table-wrap, main table')) {
    if (box.scrollWidth > box.clientWidth + 1) sideways.push(`${box.className} ${box.scrollWidth}px`);
  }
  return {squeezed, sideways, tables: document.querySelectorAll('main table').length};
}"""


def _data(world: World, edition: Edition) -> dict[str, object]:
    """A little of everything each list shows, so that no table is measured empty."""
    today = local_today()
    month = period_of("monthly", today)
    tasks_generate(first=month.start, last=month.end)
    task = Task.objects.filter(branch=world.branch_a).order_by("due_on", "pk").first()
    sheet = ReminderSheet.objects.create(
        branch=world.branch_a,
        kind="monthly",
        period_key=month.key,
        period_start=month.start,
        period_end=month.end,
        lines=[
            {
                "task": task.pk, "code": task.code, "title": task.title, "period": task.period_key,
                "what": "召开支部委员会会议，研究本月工作", "who": "支部书记", "when": "每月",
                "standard": "会议记录齐全，签到表完整", "due_on": str(task.due_on), "assignee": "", "overdue": False,
            }
        ],
    )  # fmt: skip
    members = [MemberFactory(branch=world.branch_a) for _ in range(3)]
    MemberTransfer.objects.create(
        member=members[0], kind="transfer", from_branch=world.branch_b, to_branch=world.branch_a, on=today,
        reason="项目调动", recorded_by=world.administrator,
    )  # fmt: skip
    imported = MemberImport(organisation=world.branch_a, created_by=world.administrator, original_name="党员名册.xlsx")
    imported.status = ImportStatus.INVALID
    imported.error_count = 1
    imported.errors = [{"row": 3, "column": "身份证号", "message": "身份证号校验位不正确。"}]
    imported.file.save("a.xlsx", ContentFile(b"PK"), save=False)
    imported.save()
    root = UserFactory(username="root", full_name="系统管理员", is_superuser=True)
    card = final_scorecard(world.branch_a, year=today.year - 1, quarter=4, by=root, deductions=1)
    item = rectification_item(world.branch_a, by=root, year=today.year - 1, quarter=3)
    article = edition.articles.order_by("code").first()
    ChangeProposal.objects.create(
        article=article, field="standard", proposed_text="记录齐全", reason="更清楚", proposed_by=world.secretary_a
    )
    session = TrainingSession.objects.create(
        organisation=world.committee, held_on=today, topic="解标培训：三会一课", location="公司三楼会议室"
    )
    session.articles.add(article)
    TrainingAttendance.objects.create(session=session, member=members[0], test_score=92)
    DemonstrationBranch.objects.create(organisation=world.branch_a, note="台账规范，可供观摩", since=today)
    draft = edition_start_draft(source=edition, version="T2")
    draft.articles.filter(code=article.code).update(title=f"{article.title}（修订）")
    api_token_issue(user=world.secretary_a)
    return {
        "meeting": make_meeting(world.branch_a, members=6, absent=2, resolutions=2),
        "task": task, "sheet": sheet, "member": members[0], "import": imported, "card": card,
        "item": item, "article": article, "session": session, "draft": draft,
    }  # fmt: skip


def _pages(world: World, made: dict[str, object]) -> dict[str, list[tuple[str, str]]]:
    a = world.branch_a.pk
    return {
        "secretary_a": [
            ("my-work", "/tasks/"),
            ("board", f"/tasks/branch/{a}/"),
            ("notifications", f"/tasks/branch/{a}/notifications/"),
            ("sheet", f"/tasks/sheets/{made['sheet'].pk}/"),
            ("complete-many", f"/tasks/branch/{a}/complete-many/?task={made['task'].pk}"),
            ("branch-cards", f"/assessments/branch/{a}/"),
            ("card-history", f"/assessments/cards/{made['card'].pk}/history/"),
            ("rectification", "/assessments/rectification/"),
            ("api-tokens", "/accounts/tokens/"),
            ("meetings", f"/meetings/org/{a}/"),
            ("meeting", f"/meetings/{made['meeting'].pk}/"),
            ("resolutions", "/meetings/resolutions/"),
        ],
        "administrator": [
            ("overview", "/tasks/overview/"),
            ("roster", "/members/"),
            ("branch-roster", f"/members/org/{a}/"),
            ("member", f"/members/{made['member'].pk}/"),
            ("import-start", f"/members/org/{a}/import/"),
            ("import-detail", f"/members/imports/{made['import'].pk}/"),
            ("audit-log", "/audit/"),
            ("roles", f"/orgs/{world.committee.pk}/roles/"),
            ("handbook", "/handbook/"),
            ("editions", "/handbook/editions/"),
            ("article", f"/handbook/articles/{made['article'].pk}/"),
            ("diff", f"/handbook/editions/{made['draft'].pk}/diff/"),
            ("proposals", "/handbook/proposals/"),
            ("trainings", "/handbook/training/"),
            ("training", f"/handbook/training/{made['session'].pk}/"),
            ("attendance", f"/handbook/training/{made['session'].pk}/attendance/?branch={a}"),
            ("demonstrations", "/handbook/demonstrations/"),
            ("scorecards", "/assessments/"),
        ],
    }


def test_every_list_page_stacks_its_tables_on_a_phone(
    world: World, default_edition: Edition, live_server, page: Page, shoot
) -> None:
    made = _data(world, default_edition)
    base = live_server.url
    problems: list[str] = []
    tables = 0
    for role, pages in _pages(world, made).items():
        page.context.clear_cookies()
        page.set_viewport_size(DESKTOP)
        sign_in(page, base, role)
        for name, url in pages:
            for viewport in at_both_sizes(page, f"{base}{url}", shoot, name):
                if viewport is PHONE:
                    # A long list's full page is too tall to look at: its first screen too.
                    page.screenshot(path=str(shoot.folder / f"{name}-390-screen.png"))
                    found = page.evaluate(MEASURE)
                    tables += found["tables"]
                    problems += [f"{name} {url}: squeezed {cell}" for cell in found["squeezed"]]
                    problems += [f"{name} {url}: scrolls sideways: {box}" for box in found["sideways"]]
    assert tables >= 25, f"only {tables} tables measured: the pages lost their data"
    assert problems == [], "\n".join(problems)
