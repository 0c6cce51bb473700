"""对标 and 核标 through the services: opening, saving lines, the state machine, who may do what,
the version check, the audit trail and the guards on locked cards."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from assessments.models import (
    LineDeduction,
    RectificationItem,
    ScorecardLine,
    ScorecardLocked,
    ScorecardStatus,
    ScoreChange,
    Side,
)
from assessments.services.review import (
    finding_add,
    review_details_save,
    review_line_save,
    scorecard_finalise,
    scorecard_mark_reviewed,
    scorecard_return,
)
from assessments.services.scorecards import StaleVersion, parse_period, scorecard_line_save
from tests.factories import RECORDS_REASON, answer_records, first_rule_counts, open_scorecard, submit_card


def _line(card, code="1-02"):
    return card.lines.select_related("article").get(article__code=code)


@pytest.fixture
def card(world, default_edition):
    # Q4: 1-02 and 1-03 are yearly articles, deducted only at the end of the year.
    return open_scorecard(world.branch_a, year=2026, quarter=4, deadline=dt.date(2099, 1, 10))


def _submit(card, world):
    card.refresh_from_db()
    return submit_card(card, by=world.secretary_a, reason=RECORDS_REASON)


def test_a_new_scorecard_has_one_line_per_article_at_full_marks(card, default_edition):
    assert card.lines.count() == 52
    assert card.self_total == Decimal(100)
    assert card.edition == default_edition
    assert card.status == ScorecardStatus.DRAFT


def test_opening_the_same_quarter_twice_returns_the_same_card(card, world):
    assert open_scorecard(world.branch_a, year=2026, quarter=4) == card


def test_the_secretary_saves_a_line_and_the_score_and_total_follow(card, world):
    line = _line(card)
    rules = list(line.article.deductions.order_by("position"))
    saved = scorecard_line_save(
        line=line, by=world.secretary_a, version=card.version, counts={rules[1].pk: 5, rules[2].pk: 1}, note="补开"
    )
    assert saved.self_score == Decimal("1.50")  # 4 − min(1×5, 2) − 0.5
    card.refresh_from_db()
    assert card.self_total == Decimal("97.50")
    assert card.version == 2
    change = ScoreChange.objects.get(line=line)
    assert (change.old_score, change.new_score, change.changed_by) == (Decimal(4), Decimal("1.50"), world.secretary_a)
    assert "×5" in change.detail


def test_setting_a_count_back_to_zero_removes_the_deduction(card, world):
    line = _line(card)
    counts = first_rule_counts(line)
    scorecard_line_save(line=line, by=world.secretary_a, version=1, counts=counts)
    scorecard_line_save(line=line, by=world.secretary_a, version=2, counts={k: 0 for k in counts})
    assert not LineDeduction.objects.filter(line=line).exists()
    assert ScorecardLine.objects.get(pk=line.pk).self_score == line.max_score


@pytest.mark.parametrize("bad", ["-1", "1000", "two"])
def test_a_bad_count_is_refused_and_changes_nothing(card, world, bad):
    line = _line(card)
    with pytest.raises(ValidationError):
        scorecard_line_save(
            line=line, by=world.secretary_a, version=1, counts={k: bad for k in first_rule_counts(line)}
        )
    card.refresh_from_db()
    assert card.version == 1
    assert not LineDeduction.objects.exists()


def test_a_rule_of_another_article_is_refused(card, world):
    other = _line(card, "1-03")
    with pytest.raises(ValidationError):
        scorecard_line_save(line=_line(card), by=world.secretary_a, version=1, counts=first_rule_counts(other))


def test_a_stale_version_is_refused_and_nothing_is_overwritten(card, world):
    line = _line(card)
    scorecard_line_save(line=line, by=world.secretary_a, version=1, counts=first_rule_counts(line), note="first")
    with pytest.raises(StaleVersion):
        scorecard_line_save(line=line, by=world.secretary_a, version=1, counts={}, note="second")
    assert ScorecardLine.objects.get(pk=line.pk).note == "first"


@pytest.mark.parametrize("who", ["reviewer", "secretary_b", "administrator", "member"])
def test_only_the_branch_secretary_fills_in_the_card(card, world, who):
    with pytest.raises(PermissionDenied):
        scorecard_line_save(line=_line(card), by=getattr(world, who), version=1, counts={})


def test_the_full_state_machine_draft_submitted_returned_submitted_reviewed_final(
    card, world, django_capture_on_commit_callbacks
):
    line = _line(card)
    scorecard_line_save(line=line, by=world.secretary_a, version=1, counts=first_rule_counts(line))
    # The rules the (empty) records measure are answered with a reason: one line save each line.
    saved = ScoreChange.objects.filter(scorecard=card).count()
    answer_records(card, by=world.secretary_a, reason=RECORDS_REASON)
    answered = ScoreChange.objects.filter(scorecard=card).count() - saved
    assert answered >= 1
    card = _submit(card, world)
    assert card.status == ScorecardStatus.SUBMITTED
    assert card.is_late is False
    assert LineDeduction.objects.filter(line=line, side=Side.REVIEW).count() == 1

    with pytest.raises(ValidationError):
        scorecard_line_save(line=line, by=world.secretary_a, version=card.version, counts={})

    card = scorecard_return(scorecard=card, by=world.reviewer, version=card.version, reason="台账照片缺失")
    assert card.status == ScorecardStatus.RETURNED
    assert card.review_total is None
    scorecard_line_save(line=line, by=world.secretary_a, version=card.version, counts={}, evidence="照片已补")
    # 1-02's measured rule, now counted 0, is below its records again: answered once more.
    saved = ScoreChange.objects.filter(scorecard=card).count()
    answer_records(card, by=world.secretary_a, reason=RECORDS_REASON)
    again = ScoreChange.objects.filter(scorecard=card).count() - saved
    assert again == 1
    card = _submit(card, world)
    assert card.status == ScorecardStatus.SUBMITTED
    assert card.self_total == Decimal(100)

    # 1-02's first rule, "全年未召开组织生活会", applies once.
    review_line_save(line=line, by=world.reviewer, version=card.version, counts=first_rule_counts(line, 1))
    card.refresh_from_db()
    assert card.review_total == Decimal(100) - line.article.deductions.first().points
    card = review_details_save(
        scorecard=card,
        by=world.reviewer,
        version=card.version,
        methods=["documents", "site_visit", "written_test"],
        written_test_score=Decimal(88),
    )
    finding_add(
        scorecard=card, by=world.reviewer, article_id=line.article_id, problem="未开组织生活会", severity="major"
    )
    card = scorecard_mark_reviewed(scorecard=card, by=world.reviewer, version=card.version)
    assert card.status == ScorecardStatus.REVIEWED
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        card = scorecard_finalise(scorecard=card, by=world.reviewer, version=card.version)
    assert card.status == ScorecardStatus.FINAL
    assert card.grade == "good"
    assert len(callbacks) == 1
    item = RectificationItem.objects.get()
    assert item.article_code == "1-02"
    assert (item.owner, item.owner_name) == (world.secretary_a, "甲支部书记")
    actions = list(ScoreChange.objects.filter(scorecard=card).order_by("pk").values_list("action", flat=True))
    assert actions == [
        "opened",
        "line_saved",
        *["line_saved"] * answered,
        "submitted",
        "returned",
        "line_saved",
        *["line_saved"] * again,
        "submitted",
        "line_reviewed",
        "reviewed",
        "finalised",
    ]


def test_a_submission_after_the_deadline_is_marked_late(world, default_edition):
    card = open_scorecard(world.branch_a, year=2026, quarter=1, deadline=dt.date(2026, 4, 10))
    assert _submit(card, world).is_late is True


@pytest.mark.parametrize("who", ["secretary_a", "administrator", "secretary_b"])
def test_only_a_reviewer_over_the_branch_may_return_or_review(card, world, who):
    card = _submit(card, world)
    with pytest.raises(PermissionDenied):
        scorecard_return(scorecard=card, by=getattr(world, who), version=card.version, reason="x")
    with pytest.raises(PermissionDenied):
        scorecard_mark_reviewed(scorecard=card, by=getattr(world, who), version=card.version)


def test_a_return_needs_a_reason(card, world):
    card = _submit(card, world)
    with pytest.raises(ValidationError):
        scorecard_return(scorecard=card, by=world.reviewer, version=card.version, reason="  ")


def test_a_draft_cannot_be_reviewed_or_finalised_before_its_review_is_complete(card, world):
    with pytest.raises(ValidationError):
        scorecard_mark_reviewed(scorecard=card, by=world.reviewer, version=card.version)
    card = _submit(card, world)
    with pytest.raises(ValidationError):
        scorecard_finalise(scorecard=card, by=world.reviewer, version=card.version)


def test_a_submitted_card_cannot_be_changed_through_the_models_either(card, world):
    card = _submit(card, world)
    line = ScorecardLine.objects.get(pk=_line(card).pk)
    line.self_score = Decimal(0)
    with pytest.raises(ScorecardLocked):
        line.save()
    with pytest.raises(ScorecardLocked):
        LineDeduction(line=line, rule=line.article.deductions.first(), side=Side.SELF, count=1).save()


def test_a_final_card_cannot_be_saved_except_for_its_feedback_fields(card, world, django_capture_on_commit_callbacks):
    card = _submit(card, world)
    card = scorecard_mark_reviewed(scorecard=card, by=world.reviewer, version=card.version)
    with django_capture_on_commit_callbacks(execute=False):
        scorecard_finalise(scorecard=card, by=world.reviewer, version=card.version)
    card = type(card).objects.get(pk=card.pk)
    card.review_total = Decimal(1)
    with pytest.raises(ScorecardLocked):
        card.save()
    line = ScorecardLine.objects.get(pk=_line(card).pk)
    line.review_score = Decimal(0)
    with pytest.raises(ScorecardLocked):
        line.save()
    with pytest.raises(ValidationError):
        scorecard_return(scorecard=card, by=world.reviewer, version=card.version, reason="x")


def test_a_quarter_is_written_like_2026q3():
    assert parse_period("2026Q3") == (2026, 3)
    with pytest.raises(ValidationError):
        parse_period("2026-3")
