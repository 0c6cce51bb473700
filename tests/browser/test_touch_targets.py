"""Touch targets on a phone (390×844), in a real browser: on the pages a secretary and a
reviewer live in, every visible thing a finger taps inside <main> is at least 44×44 CSS px.

What is measured: ``a[href]``, ``button``, ``input`` of type submit, button or reset,
``select``, ``summary``, and a tick box or radio button by what a finger actually taps: the
``<label>`` that holds it or names it (``for=``), else the box itself.

What is left out:

- anything not shown: no box (``display: none``, a closed ``<details>`` or ``<dialog>``),
  ``visibility: hidden``, or visually hidden (a box of 1 px or less, or clipped to nothing);
- an input laid invisibly over a face that is measured instead (``opacity: 0``, the file
  picker's);
- an inline link inside running text, as WCAG 2.5.8 allows ("the target is in a sentence"):
  a link whose computed display is ``inline``, standing in a ``<p>``, ``<li>``, ``<dd>``,
  ``<td>`` or ``<span>`` whose own words (its text without the text of any link or button in
  it) come to at least 6 characters that are not spaces or punctuation. A cell or list item
  holding a link and a word or two beside it is not a sentence: that link must be 44 px.

An offender is reported as ``page: element text (w×h)``. Every page is also shot at 390×844 and
1366×900 under ``screenshots/<test name>/``.
"""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page

from assessments.models import Scorecard
from assessments.services.scorecards import current_quarter
from development.stages import StepKind
from handbook.models import Edition
from notifications.events import Event
from notifications.services import notify
from tasks.models import Task
from tasks.periods import local_today, period_of
from tasks.services.generation import tasks_generate
from tests.browser.conftest import DESKTOP, PHONE, at_both_sizes, sign_in
from tests.conftest import World
from tests.development.files import file_through, new_file
from tests.dues.factories import entry_in
from tests.factories import RECORDS_REASON, MemberFactory, make_meeting, open_scorecard, submit_card

pytestmark = pytest.mark.django_db(transaction=True)

# The rule of the module docstring, in the page: a list of "element text (w×h)".
SMALL_TARGETS = r"""() => {
  const MIN = 44;
  const shown = (el) => {
    if (!el.getClientRects().length) return false;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.opacity === '0') return false;
    const box = el.getBoundingClientRect();
    if (box.width <= 1 || box.height <= 1) return false;
    for (let up = el; up && up !== document.body; up = up.parentElement) {
      const s = getComputedStyle(up);
      if (s.clip === 'rect(0px, 0px, 0px, 0px)' && s.position === 'absolute') return false;
      if (up.getBoundingClientRect().width <= 1 && s.overflow === 'hidden') return false;
    }
    return true;
  };
  const words = (text) => (text || '').replace(/[\s\p{P}\p{S}]/gu, '').length;
  const inSentence = (el) => {
    if (el.tagName !== 'A' || getComputedStyle(el).display !== 'inline') return false;
    const block = el.closest('p, li, dd, td, span:not(.button)');
    if (!block || block === el) return false;
    const copy = block.cloneNode(true);
    copy.querySelectorAll('a, button, select, input, .visually-hidden').forEach((n) => n.remove());
    return words(copy.textContent) >= 6;
  };
  const name = (el) => {
    const text = (el.innerText || el.value || el.getAttribute('aria-label') || el.title || '').trim();
    return text.replace(/\s+/g, ' ').slice(0, 30) || `<${el.tagName.toLowerCase()}>`;
  };
  const main = document.querySelector('main');
  if (!main) return ['no <main>'];
  const seen = new Set();
  const small = [];
  const targets = main.querySelectorAll(
    'a[href], button, input[type=submit], input[type=button], input[type=reset], select, summary, ' +
    'input[type=checkbox], input[type=radio]');
  for (let el of targets) {
    if (el.matches('input[type=checkbox], input[type=radio]')) {
      const label = el.closest('label') || (el.id && main.querySelector(`label[for="${el.id}"]`));
      if (label && shown(label)) el = label;
    }
    if (seen.has(el) || !shown(el) || inSentence(el)) continue;
    seen.add(el);
    const box = el.getBoundingClientRect();
    if (box.height < MIN - 0.5 || box.width < MIN - 0.5) {
      small.push(`${name(el)} (${Math.round(box.width)}×${Math.round(box.height)})`);
    }
  }
  return small;
}"""

SIDEWAYS = "() => document.documentElement.scrollWidth > document.documentElement.clientWidth + 1"


def _data(world: World) -> dict[str, object]:
    """Something on every page: a draft card of this quarter for A and a submitted one of B
    for the reviewer, the month's tasks, members (one in arrears), a development file, a
    meeting, notices."""
    year, quarter = current_quarter()
    draft = open_scorecard(world.branch_a, year=year, quarter=quarter, deadline=dt.date(2099, 1, 10))
    submitted = submit_card(
        open_scorecard(world.branch_b, year=year, quarter=quarter), by=world.secretary_b, reason=RECORDS_REASON
    )
    month = period_of("monthly", local_today())
    tasks_generate(first=month.start, last=month.end)
    task = Task.objects.filter(branch=world.branch_a).order_by("due_on", "pk").first()
    roster = [MemberFactory(branch=world.branch_a, name=n) for n in ("王芳", "李强", "赵敏", "孙杰")]
    # Three months unpaid: the member's page shows the arrears flag and its link.
    this_month = local_today().replace(day=1)
    for back in (1, 2, 3):
        entry_in(world.branch_a, member=roster[0], month=(this_month - dt.timedelta(days=28 * back)).replace(day=1))
    new_file(world.branch_a, name="刘洋", applied_on=timezone.localdate() - dt.timedelta(10))
    activist = file_through(world.branch_a, StepKind.ACTIVIST, people=roster, name="周婷")
    meeting = make_meeting(world.branch_a, members=6, absent=2, resolutions=2)
    sheet = {"kind": "月工作提醒表", "period": month.key, "due_count": 6, "overdue_count": 1,
             "period_end": str(month.end)}  # fmt: skip
    notify([world.secretary_a, world.reviewer], Event.SHEET, sheet, organisation=world.branch_a, link="/tasks/")
    return {"draft": draft, "submitted": submitted, "task": task, "member": roster[0], "file": activist,
            "meeting": meeting}  # fmt: skip


def _pages(world: World, made: dict[str, object]) -> dict[str, list[tuple[str, str]]]:
    a = world.branch_a.pk
    draft: Scorecard = made["draft"]  # type: ignore[assignment]
    return {
        "secretary_a": [
            ("workbench", "/"),
            ("branch-cards", f"/assessments/branch/{a}/"),
            ("scorecard", f"/assessments/cards/{draft.pk}/"),
            ("submit-check", f"/assessments/cards/{draft.pk}/submit/check/"),
            ("my-tasks", "/tasks/"),
            ("task-board", f"/tasks/branch/{a}/"),
            ("task", f"/tasks/{made['task'].pk}/"),  # type: ignore[attr-defined]
            ("roster", f"/members/org/{a}/"),
            ("member", f"/members/{made['member'].pk}/"),  # type: ignore[attr-defined]
            ("development", f"/development/org/{a}/"),
            ("development-index", "/development/"),
            ("candidate", f"/development/{made['file'].pk}/"),  # type: ignore[attr-defined]
            ("meetings", f"/meetings/org/{a}/"),
            ("meeting", f"/meetings/{made['meeting'].pk}/"),  # type: ignore[attr-defined]
            ("meetings-index", "/meetings/"),
            ("resolutions", "/meetings/resolutions/"),
            ("secretary-scorecards", "/assessments/"),
            ("notifications", "/notifications/"),
            ("notification-choices", "/notifications/preferences/"),
            ("password", "/accounts/password/"),
            ("api-tokens", "/accounts/tokens/"),
        ],
        "reviewer": [
            ("scorecards", "/assessments/"),
            ("dashboard", "/assessments/dashboard/"),
            ("desk-submitted", "/assessments/dashboard/branches/?state=submitted"),
            ("desk-all", "/assessments/dashboard/branches/?state=all"),
            ("desk-not-submitted", "/assessments/dashboard/branches/?state=not_submitted"),
            ("desk-late", "/assessments/dashboard/branches/?state=late"),
            ("review", f"/assessments/cards/{made['submitted'].pk}/review/"),  # type: ignore[attr-defined]
            ("check-record", f"/assessments/cards/{made['submitted'].pk}/check/"),  # type: ignore[attr-defined]
            ("task-overview", "/tasks/overview/"),
            ("reviewer-notifications", "/notifications/"),
        ],
    }


def test_every_target_a_finger_taps_is_44_px_on_a_phone(
    world: World, default_edition: Edition, live_server, page: Page, shoot
) -> None:
    made = _data(world)
    base = live_server.url
    small: list[str] = []
    measured = 0
    for role, pages in _pages(world, made).items():
        page.context.clear_cookies()
        page.set_viewport_size(DESKTOP)
        sign_in(page, base, role)
        for name, url in pages:
            for viewport in at_both_sizes(page, f"{base}{url}", shoot, name):
                assert not page.evaluate(SIDEWAYS), f"{name} {viewport['width']}: the page scrolls sideways"
            small += [f"{name}: {target}" for target in page.evaluate(SMALL_TARGETS)]
            measured += 1
    # The login page, signed out.
    page.context.clear_cookies()
    for size, viewport in (("1366", DESKTOP), ("390", PHONE)):
        page.set_viewport_size(viewport)
        page.goto(f"{base}/accounts/login/")
        shoot(page, f"login-{size}")
    small += [f"login: {target}" for target in page.evaluate(SMALL_TARGETS)]
    assert measured >= 31, f"only {measured} pages measured"
    assert small == [], "targets under 44 px:\n" + "\n".join(small)
