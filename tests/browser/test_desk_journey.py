"""The reviewer's desk in a real browser: from the dashboard's 已提交 tile to the oldest
submitted card, its review, the final score and the feedback sheet, with the clicks counted;
and the desk and each list it links to laid out for a desk and for a phone.

Each step of the journey is a small function taking the ``Journey`` so that a step (recording
the check, 检查记录) can be put between two others without touching the rest."""

import datetime as dt
import logging
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect

from assessments.desk import DeskState
from assessments.models import Scorecard, ScorecardStatus
from assessments.services.plans import assessment_plan_create
from assessments.services.review import scorecard_mark_reviewed, scorecard_return
from assessments.services.scorecards import current_quarter
from tests.assessments.pdftools import poppler
from tests.browser.conftest import sign_in
from tests.conftest import World
from tests.factories import RECORDS_REASON, make_org, open_scorecard, submit_card

logger = logging.getLogger(__name__)

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


def shown(status: object) -> str:
    """A status as the Chinese interface shows it."""
    with translation.override("zh-hans"):
        return str(status.label)  # type: ignore[attr-defined]


@dataclass
class Journey:
    """The page, where the journey started and what it cost: clicks (a tap or a mouse click)
    and keystrokes, step by step."""

    page: Page
    base: str
    shoot: object
    clicks: int = 0
    keys: int = 0
    steps: list[str] = field(default_factory=list)

    def click(self, selector: str) -> None:
        self.page.click(selector)
        self.clicks += 1

    def type_into(self, selector: str, text: str) -> None:
        self.page.click(selector)
        self.page.keyboard.press("Control+A")
        self.page.keyboard.type(text)
        self.clicks += 1
        self.keys += 2 + len(text)

    def done(self, step: str) -> None:
        self.steps.append(f"{step}: {self.clicks} clicks, {self.keys} keystrokes so far")
        self.shoot(self.page, f"{len(self.steps):02d}-{step}")  # type: ignore[operator]


def _report(folder: Path, lines: list[str]) -> None:
    """The journey's figures: logged, and kept beside its screenshots in figures.txt."""
    with (folder / "figures.txt").open("a", encoding="utf-8") as figures:
        for line in lines:
            logger.warning(line)
            figures.write(line + "\n")


# --- the steps --------------------------------------------------------------------------------


def open_desk(j: Journey) -> None:
    """The dashboard of this quarter, as the navigation opens it."""
    j.page.goto(f"{j.base}/assessments/dashboard/")
    expect(j.page.locator("#dash-submitted")).to_have_text("2")
    j.done("desk")


def open_review_queue(j: Journey) -> None:
    j.click("#dash-tile-submitted")
    expect(j.page.locator("#desk-count")).to_have_text("2")
    expect(j.page.locator("#desk-rows tbody tr")).to_have_count(2)
    j.done("review-queue")


def open_oldest_card(j: Journey) -> None:
    j.click("#desk-rows tbody tr:first-child .desk-action a")
    expect(j.page.locator("#sc-status")).to_have_text(shown(ScorecardStatus.SUBMITTED))
    j.done("review-page")


def review_a_line(j: Journey) -> None:
    """One deduction and the reviewer's note on the second line; the others stand as scored."""
    line = j.page.locator("form.sc-line").nth(1)
    line_id = line.get_attribute("id")
    j.type_into(f"#{line_id} input[type=number] >> nth=0", "1")
    j.type_into(f"#{line_id} textarea[name=review_note]", "现场查看记录不全")
    j.page.keyboard.press("Tab")
    j.keys += 1
    expect(j.page.locator(f"#{line_id} .sc-saved")).to_be_visible()
    j.done("line-reviewed")


def record_the_check(j: Journey) -> None:
    """检查记录: the team (the reviewer leads, today), the methods the review page holds, and
    what to look at next time; then back to the review."""
    j.click("#sc-quarterly-record")
    j.type_into("textarea[name=next_focus]", "三会一课记录的完整性")
    j.click("#ck-save")
    expect(j.page.locator("#ck-team")).to_be_visible()
    j.done("check-recorded")
    j.click("#ck-back")
    expect(j.page.locator("#sc-status")).to_have_text(shown(ScorecardStatus.SUBMITTED))


def complete_review(j: Journey) -> None:
    j.click("#sc-mark-reviewed")
    expect(j.page.locator("#sc-status")).to_have_text(shown(ScorecardStatus.REVIEWED))
    j.done("reviewed")


def finalise(j: Journey) -> None:
    j.click("#sc-finalise")
    expect(j.page.locator("#sc-status")).to_have_text(shown(ScorecardStatus.FINAL))
    j.done("final")


def download_feedback_sheet(j: Journey, into: Path) -> str:
    with j.page.expect_download() as download_info:
        j.click("#sc-feedback")
    path = into / "feedback.pdf"
    download_info.value.save_as(path)
    j.done("sheet-downloaded")
    return poppler("pdftotext", path)


# --- the data ---------------------------------------------------------------------------------


def _submit(card: Scorecard, by, at: dt.datetime) -> Scorecard:
    card = submit_card(card, by=by, reason=RECORDS_REASON)
    Scorecard.objects.filter(pk=card.pk).update(submitted_at=at)
    return card


@pytest.fixture
def queue(world: World, default_edition):
    """This quarter: B submitted first, A after it; nothing else in. The quarter's plan checks
    both."""
    year, quarter = current_quarter()
    assessment_plan_create(
        organisation=world.committee, year=year, quarter=quarter, by=world.reviewer, seed=7, sample_percent=100
    )
    b = _submit(
        open_scorecard(world.branch_b, year=year, quarter=quarter),
        world.secretary_b,
        dt.datetime(2026, 10, 2, tzinfo=dt.UTC),
    )
    a = _submit(
        open_scorecard(world.branch_a, year=year, quarter=quarter),
        world.secretary_a,
        dt.datetime(2026, 10, 9, tzinfo=dt.UTC),
    )
    return b, a


def test_a_reviewer_goes_from_the_submitted_tile_to_a_final_card_and_its_feedback_sheet(
    world: World, queue, live_server, page: Page, shoot, tmp_path
) -> None:
    oldest, _later = queue
    page.on("dialog", lambda dialog: dialog.accept())
    page.set_viewport_size(DESKTOP)
    sign_in(page, live_server.url, "reviewer")
    journey = Journey(page, live_server.url, shoot)
    open_desk(journey)
    open_review_queue(journey)
    open_oldest_card(journey)
    assert page.url.endswith(f"/assessments/cards/{oldest.pk}/review/")
    review_a_line(journey)
    record_the_check(journey)
    complete_review(journey)
    finalise(journey)
    text = download_feedback_sheet(journey, tmp_path)
    assert "二号项目部党支部" in text
    assert "三会一课记录的完整性" in text  # 下次检查重点, from the check record
    oldest.refresh_from_db()
    assert oldest.status == ScorecardStatus.FINAL and oldest.review_total < 100
    _report(
        shoot.folder,  # type: ignore[attr-defined]
        [
            *journey.steps,
            f"dashboard → feedback sheet: {journey.clicks} clicks, {journey.keys} keystrokes (one line deducted)",
        ],
    )
    # Back on the desk the card has moved from 已提交 to 已定稿.
    page.goto(f"{live_server.url}/assessments/dashboard/")
    expect(page.locator("#dash-submitted")).to_have_text("1")
    expect(page.locator("#dash-final")).to_have_text("1")
    expect(page.locator("#dash-plans")).to_contain_text("1 / 2")
    expect(page.locator("#chart-grades svg")).to_be_visible()
    shoot(page, "08-desk-after")


@pytest.fixture
def every_state(world: World, default_edition):
    """This quarter: a branch in each of the five states, one late."""
    year, quarter = current_quarter()
    reviewer = world.reviewer
    branches = [world.branch_a, world.branch_b] + [
        make_org(world.general, name=name, code=code)
        for name, code in (("三号项目部党支部", "P3"), ("四号项目部党支部", "P4"), ("机关第一党支部", "P5"))
    ]
    a, b, c, d, _e = branches
    _submit(open_scorecard(a, year=year, quarter=quarter), world.secretary_a, dt.datetime(2026, 10, 3, tzinfo=dt.UTC))
    card = _submit(
        open_scorecard(b, year=year, quarter=quarter), world.secretary_b, dt.datetime(2026, 10, 4, tzinfo=dt.UTC)
    )
    scorecard_return(scorecard=card, by=reviewer, version=Scorecard.objects.get(pk=card.pk).version, reason="佐证不全")
    card = open_scorecard(c, year=year, quarter=quarter)
    card = submit_card(card, by=_superuser(), reason=RECORDS_REASON)
    scorecard_mark_reviewed(scorecard=card, by=reviewer, version=card.version)
    open_scorecard(d, year=year, quarter=quarter, deadline=dt.date(2026, 10, 1))  # a draft past its deadline
    return branches


def _superuser():
    from tests.factories import UserFactory

    return UserFactory(username="boss", is_superuser=True)


def _too_small(page: Page) -> list[str]:
    """Links and controls of the page's content less than 44 px tall."""
    return page.evaluate(
        """() => [...document.querySelectorAll('main a, main button, main select')]
          .filter(el => { const b = el.getBoundingClientRect(); return b.width && b.height && b.height < 44; })
          .filter(el => !el.closest('.dash-list, #dash-ranking, #dash-tasks, .dash-charts, section.card ul'))
          .map(el => `${el.tagName} ${el.textContent.trim().slice(0, 12)} `
            + `${Math.round(el.getBoundingClientRect().height)}px`)"""
    )


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_desk_and_its_lists_fit_a_desk_and_a_phone(
    world: World, every_state, live_server, page: Page, shoot, size
) -> None:
    viewport = DESKTOP if size == "desktop" else PHONE
    page.set_viewport_size(viewport)
    sign_in(page, live_server.url, "reviewer")
    page.goto(f"{live_server.url}/assessments/dashboard/")
    figures = {
        state: int(page.locator(f"#dash-{state}").inner_text())
        for state in ("not_submitted", "returned", "submitted", "reviewed", "final")
    }
    assert sum(figures.values()) == int(page.locator("#dash-branches").inner_text()) == 5
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"], "the desk scrolls sideways"
    assert _too_small(page) == []
    shoot(page, f"00-desk-{size}")
    for n, state in enumerate(DeskState, start=1):
        tile = "#dash-tile-all" if state == DeskState.ALL else f"#dash-tile-{state.value}"
        page.goto(f"{live_server.url}/assessments/dashboard/")
        page.click(tile)
        count = int(page.locator("#desk-count").inner_text())
        expect(page.locator("#desk-rows tbody tr.desk-row")).to_have_count(count)
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"], state
        assert _too_small(page) == [], state
        shoot(page, f"{n:02d}-{state.value}-{size}")
    page.goto(f"{live_server.url}/assessments/dashboard/?quarter=2026年第三季度")
    expect(page.locator("#desk-error")).to_contain_text("不是有效的季度")
    shoot(page, f"09-bad-quarter-{size}")
