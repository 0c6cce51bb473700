"""The feedback sheet a committee sends (检查调研情况反馈单): issuer, 文号 and date, the team,
the reviewer's comments, the items carried from earlier checks, good practice and the focus of
the next check — read back from the PDF — and numbers that count per committee per year."""

import datetime as dt
import re

import pytest
from django.db import IntegrityError
from django.utils import timezone

from assessments.models import (
    CheckRecord,
    Difficulty,
    FeedbackNumber,
    GoodPractice,
    PlanKind,
    RectificationStatus,
    Scorecard,
    WrittenTestScore,
)
from assessments.services import feedback
from assessments.services.feedback import feedback_number_assign, feedback_sheet_render
from assessments.services.review import (
    finding_add,
    review_line_save,
    scorecard_finalise,
    scorecard_mark_reviewed,
)
from branches.models import OrgKind
from tests.assessments.pdftools import poppler
from tests.factories import (
    RECORDS_REASON,
    UserFactory,
    final_scorecard,
    make_org,
    open_scorecard,
    rectification_item,
    submit_card,
)

COMMENT = "换届选举材料齐全，但任期届满后延期未经上级党委批准"
CARRIED = "党费收缴台账未按月登记"
PRACTICE = "党员先锋岗挂牌上墙，责任到人"
NEXT_FOCUS = "重点检查党费收缴台账和组织生活会会议记录"


@pytest.fixture
def boss(world):
    return UserFactory(username="boss", full_name="周主任", is_superuser=True)


@pytest.fixture
def checked_card(world, default_edition, boss):
    """2026Q3 of branch A, checked by a team of three, with an item still open from 2026Q2."""
    rectification_item(world.branch_a, by=boss, year=2026, quarter=2, problem=CARRIED)
    card = open_scorecard(world.branch_a, year=2026, quarter=3, deadline=dt.date(2099, 1, 10))
    card = submit_card(card, by=boss, reason=RECORDS_REASON)
    line = card.lines.select_related("article").get(article__code="1-07")
    once = line.article.deductions.get(description__startswith="任期届满未按期换届")
    review_line_save(line=line, by=boss, version=card.version, counts={once.pk: 1}, review_note=COMMENT)
    card.refresh_from_db()
    finding_add(
        scorecard=card,
        by=boss,
        article_id=line.article_id,
        problem="任期届满未按期换届",
        severity="major",
        suggestion="向上级党委书面请示，年内完成换届",
        rectify_by=dt.date(2026, 12, 31),
    )
    record = CheckRecord.objects.create(
        scorecard=card,
        kind=PlanKind.QUARTERLY,
        leader=world.reviewer,
        started_on=dt.date(2026, 10, 12),
        ended_on=dt.date(2026, 10, 13),
        methods=["written_test", "documents", "interview"],
        documents_notes="查阅“三会一课”记录本和党费台账",
        interview_notes="与支部书记和两名党员座谈",
        next_focus=NEXT_FOCUS,
    )
    record.team.set([world.reviewer, UserFactory(full_name="王敏"), UserFactory(full_name="李强")])
    WrittenTestScore.objects.create(record=record, person_name="张书记", score=88)
    GoodPractice.objects.create(record=record, title=PRACTICE, description="每名党员认领一个岗位")
    Difficulty.objects.create(
        record=record, text="项目分散，集中学习难", answer="可分片开展，线上补学", answered_at=timezone.now()
    )
    card = scorecard_mark_reviewed(scorecard=card, by=boss, version=card.version)
    card = scorecard_finalise(scorecard=card, by=boss, version=card.version)
    return Scorecard.objects.get(pk=card.pk)


def _text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "sheet.pdf"
    path.write_bytes(pdf)
    return poppler("pdftotext", path)


def test_the_sheet_holds_issuer_number_team_comment_carried_item_good_practice_and_next_focus(
    checked_card, world, tmp_path
):
    text = _text(feedback_sheet_render(scorecard=checked_card), tmp_path)
    flat = "".join(text.split())
    year = timezone.localdate(checked_card.finalised_at).year
    assert "测试公司党委" in flat  # the committee above the branch's general branch
    assert f"〔{year}〕1号" in flat
    assert "考核员（组长）" in flat and "王敏" in flat and "李强" in flat
    assert "".join(COMMENT.split("，")[0]) in flat
    assert CARRIED in flat and "2026年第2季度" in flat
    assert PRACTICE in flat
    assert NEXT_FOCUS in flat
    assert "张书记88.0" in flat  # the written test, scored per person
    assert "可分片开展" in flat  # the committee's answer to a difficulty
    # A rule that applies once is printed once, not "× 2"; Chinese punctuation in Chinese text.
    assert "一次" in flat and "×" not in flat
    assert "（好），自评分" in flat or "（较好），自评分" in flat
    assert not re.findall(r"[\u4e00-\u9fff][(),:;]|[(),:;][\u4e00-\u9fff]", text)


def test_a_closed_item_is_carried_once_with_its_state_then_no_more(checked_card, world, boss, tmp_path):
    item = checked_card.branch.rectification_items.get(finding__problem=CARRIED)
    context = feedback.feedback_context(checked_card)
    assert [i.pk for i in context["carried"]] == [item.pk]
    item.status, item.closed_at = RectificationStatus.CLOSED, timezone.now()
    item.save()
    later = final_scorecard(world.branch_a, year=2026, quarter=4, by=boss)
    carried = {i.finding.problem: i.state for i in feedback.feedback_context(later)["carried"]}
    assert carried == {CARRIED: "Closed", "任期届满未按期换届": "Open"}  # Q3's own item, still open
    next_year = final_scorecard(world.branch_a, year=2027, quarter=1, by=boss)
    assert CARRIED not in {i.finding.problem for i in feedback.feedback_context(next_year)["carried"]}


def test_without_a_check_record_the_team_is_the_reviewer(world, default_edition, boss):
    card = final_scorecard(world.branch_a, year=2026, quarter=3, by=boss)
    context = feedback.feedback_context(card)
    assert (context["leader"], context["members"], context["record"]) == ("周主任", [], None)


def test_the_year_end_record_is_the_one_printed(checked_card, world):
    CheckRecord.objects.create(
        scorecard=checked_card,
        kind=PlanKind.YEAR_END,
        leader=world.reviewer,
        started_on=dt.date(2026, 12, 20),
        ended_on=dt.date(2026, 12, 20),
        next_focus="年终：换届完成情况",
        year_end_score=91,
    )
    assert feedback.feedback_context(checked_card)["next_focus"] == "年终：换届完成情况"


# --- 文号 ------------------------------------------------------------------------------------


def test_two_sheets_of_a_year_get_consecutive_numbers_and_a_remade_sheet_keeps_its_own(world, default_edition, boss):
    first = final_scorecard(world.branch_a, year=2026, quarter=3, by=boss)
    second = final_scorecard(world.branch_b, year=2026, quarter=3, by=boss)
    a, b = feedback_number_assign(first), feedback_number_assign(second)
    assert (a.issuer, b.issuer) == (world.committee, world.committee)
    assert (a.year, b.serial) == (b.year, a.serial + 1)
    feedback_sheet_render(scorecard=first)
    again = feedback_number_assign(Scorecard.objects.get(pk=first.pk))
    assert (again.pk, again.text, again.issued_on) == (a.pk, a.text, a.issued_on)
    assert FeedbackNumber.objects.count() == 2


def test_each_committee_counts_its_own_sheets(world, default_edition, boss):
    other = make_org(name="第二公司党委", code="D", kind=OrgKind.COMMITTEE)
    branch = make_org(other, name="二公司第一党支部", code="D1")
    feedback_number_assign(final_scorecard(world.branch_a, year=2026, quarter=3, by=boss))
    theirs = feedback_number_assign(final_scorecard(branch, year=2026, quarter=3, by=boss))
    assert (theirs.issuer, theirs.issuer_name, theirs.serial) == (other, "第二公司党委", 1)


def test_a_draft_gets_no_number(world, default_edition):
    assert feedback_number_assign(open_scorecard(world.branch_a)) is None


def test_two_sheets_numbered_at_the_same_moment_do_not_share_a_number(world, default_edition, boss, monkeypatch):
    first = feedback_number_assign(final_scorecard(world.branch_a, year=2026, quarter=3, by=boss))
    second = final_scorecard(world.branch_b, year=2026, quarter=3, by=boss)
    reads = iter([first.serial])  # the other job read the last serial before this one stored it
    original = feedback._next_serial
    monkeypatch.setattr(feedback, "_next_serial", lambda issuer, year: next(reads, None) or original(issuer, year))
    assert feedback_number_assign(second).serial == first.serial + 1


def test_the_database_refuses_a_number_given_twice(world, default_edition, boss):
    first = feedback_number_assign(final_scorecard(world.branch_a, year=2026, quarter=3, by=boss))
    second = final_scorecard(world.branch_b, year=2026, quarter=3, by=boss)
    with pytest.raises(IntegrityError):
        FeedbackNumber.objects.create(
            scorecard=second,
            issuer=first.issuer,
            issuer_name="x",
            year=first.year,
            serial=first.serial,
            issued_on=first.issued_on,
        )


def test_the_number_takes_the_configured_prefix_and_format(world, default_edition, boss, settings):
    settings.ASSESSMENT_FEEDBACK_NUMBER_PREFIX = "党建反馈"
    number = feedback_number_assign(final_scorecard(world.branch_a, year=2026, quarter=3, by=boss))
    assert number.text == f"党建反馈〔{number.year}〕1号"
    settings.ASSESSMENT_FEEDBACK_NUMBER_FORMAT = "{prefix}[{year}] No. {serial}"
    assert number.text == f"党建反馈[{number.year}] No. 1"


def test_the_issuing_committee_setting_names_the_issuer(world, default_edition, boss, settings):
    settings.ISSUING_COMMITTEE = "中建某局党委"
    number = feedback_number_assign(final_scorecard(world.branch_a, year=2026, quarter=3, by=boss))
    assert (number.issuer, number.issuer_name) == (world.committee, "中建某局党委")


@pytest.mark.django_db(transaction=True)
def test_sheets_numbered_by_several_jobs_at_once_get_distinct_consecutive_numbers() -> None:
    import threading

    from django.db import connection

    from handbook.services import load_default_edition

    load_default_edition()
    top = make_org(code="NC", name="编号测试党委")
    boss = UserFactory(username="numbers", is_superuser=True)
    cards = [final_scorecard(make_org(top, code=f"NB{n}"), year=2026, quarter=3, by=boss) for n in range(4)]
    barrier = threading.Barrier(len(cards))
    serials: list[int] = []

    def number(card: Scorecard) -> None:
        try:
            barrier.wait()
            serials.append(feedback_number_assign(card).serial)
        finally:
            connection.close()

    threads = [threading.Thread(target=number, args=(card,)) for card in cards]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(serials) == [1, 2, 3, 4]
