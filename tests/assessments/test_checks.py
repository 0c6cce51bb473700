"""核标 检查记录: the record of a check, written-test scores only with 笔试, good practice sent
to the handbook, difficulties answered; plans drive checks (state, progress, 计划外)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from assessments.models import CheckRecord, PlanKind, Scorecard
from assessments.selectors import plan_rows
from assessments.services.checks import (
    WrittenRow,
    difficulty_add,
    difficulty_answer,
    good_practice_add,
    good_practice_send,
    written_scores_save,
)
from assessments.services.plans import assessment_plan_create
from assessments.services.review import review_details_save, scorecard_finalise, scorecard_mark_reviewed
from config.exceptions import Conflict
from handbook.models import ChangeProposal, ProposalField
from tests.factories import RECORDS_REASON, UserFactory, open_scorecard, record_check, submit_card


@pytest.fixture
def card(world, default_edition) -> Scorecard:
    found = open_scorecard(world.branch_a)
    return submit_card(found, by=world.secretary_a, reason=RECORDS_REASON)


def _page_data(world, **extra) -> dict:
    return {
        "leader": world.reviewer.pk,
        "team": [world.reviewer.pk],
        "started_on": "2026-10-10",
        "ended_on": "2026-10-11",
        "methods": ["documents", "interview"],
        "documents_notes": "查阅三会一课记录",
        **extra,
    }


def test_a_reviewer_records_the_check_with_the_team_and_it_is_in_the_plan(world, card, as_role):
    assessment_plan_create(organisation=world.committee, year=2026, quarter=3, by=world.reviewer, seed=1)
    # A is not a key unit: put it in the plan whatever the draw.
    from assessments.models import AssessmentPlan, EntryReason, PlanEntry

    plan = AssessmentPlan.objects.get()
    PlanEntry.objects.get_or_create(plan=plan, branch=world.branch_a, defaults={"reason": EntryReason.SAMPLED})
    url = reverse("assessments:check_record", args=[card.pk])
    response = as_role("reviewer").post(url, _page_data(world))
    assert response.status_code == 302
    record = CheckRecord.objects.get(scorecard=card)
    assert record.in_plan and record.kind == PlanKind.QUARTERLY
    assert list(record.team.all()) == [world.reviewer]
    assert record.documents_notes == "查阅三会一课记录"
    body = as_role("reviewer").get(url).content.decode()
    assert 'id="ck-team"' in body and "ck-outside-plan" not in body


def test_a_check_outside_the_plan_is_allowed_and_marked(world, card, as_role):
    record = record_check(card, by=world.reviewer)
    assert not record.in_plan
    review = as_role("reviewer").get(reverse("assessments:review", args=[card.pk])).content.decode()
    assert 'id="sc-outside-plan"' in review
    page = as_role("reviewer").get(reverse("assessments:check_record", args=[card.pk])).content.decode()
    assert 'id="ck-outside-plan"' in page


def test_a_team_member_who_may_not_review_the_branch_is_refused(world, card, as_role):
    url = reverse("assessments:check_record", args=[card.pk])
    response = as_role("reviewer").post(url, _page_data(world, team=[world.secretary_a.pk]))
    assert response.status_code == 400
    assert not CheckRecord.objects.exists()


def test_a_check_cannot_end_before_it_starts(world, card, as_role):
    url = reverse("assessments:check_record", args=[card.pk])
    response = as_role("reviewer").post(url, _page_data(world, ended_on="2026-10-01"))
    assert response.status_code == 400
    assert 'id="id_ended_on-error"' in response.content.decode()
    assert not CheckRecord.objects.exists()


def test_written_test_scores_need_the_written_test(world, card):
    record = record_check(card, by=world.reviewer, methods=["documents"])
    with pytest.raises(ValidationError) as refused:
        written_scores_save(record=record, by=world.reviewer, rows=[WrittenRow("刘洋", Decimal(90))])
    assert "written_scores" in refused.value.message_dict
    record = record_check(card, by=world.reviewer, methods=["documents", "written_test"])
    written_scores_save(record=record, by=world.reviewer, rows=[WrittenRow("刘洋", Decimal(90))])
    assert record.written_scores.get().score == Decimal(90)
    # Leaving out the written test while its scores are kept is refused, beside the methods.
    with pytest.raises(ValidationError) as refused:
        record_check(card, by=world.reviewer, methods=["documents"])
    assert "methods" in refused.value.message_dict


def test_the_page_refuses_written_scores_without_the_written_test_beside_the_field(world, card, as_role):
    record = record_check(card, by=world.reviewer, methods=["documents"])
    url = reverse("assessments:check_written", args=[record.pk])
    data = {"written-TOTAL_FORMS": "1", "written-INITIAL_FORMS": "0", "written-0-person_name": "刘洋"}
    response = as_role("reviewer").post(url, data | {"written-0-score": "90"})
    assert response.status_code == 400
    assert 'id="ck-written-error"' in response.content.decode()
    assert not record.written_scores.exists()


def test_the_review_refuses_a_written_test_score_without_the_written_test(world, card, as_role):
    with pytest.raises(ValidationError) as refused:
        review_details_save(
            scorecard=card, by=world.reviewer, version=card.version, methods=["interview"], written_test_score=88
        )
    assert "written_test_score" in refused.value.message_dict
    url = reverse("assessments:review_details", args=[card.pk])
    data = {"version": card.version, "methods": ["interview", "site_visit"], "written_test_score": "88"}
    response = as_role("reviewer").post(url, data)
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="written-test-error"' in body
    card.refresh_from_db()
    assert card.written_test_score is None and card.methods == []


def test_a_good_practice_goes_to_the_handbook_once(world, card):
    record = record_check(card, by=world.reviewer)
    practice = good_practice_add(record=record, by=world.reviewer, title="工地夜校", description="每周二晚授课")
    practice = good_practice_send(practice=practice, by=world.reviewer)
    proposal = ChangeProposal.objects.get()
    assert practice.proposal == proposal and proposal.field == ProposalField.NEW_ARTICLE
    assert proposal.article is None and "工地夜校" in proposal.proposed_text
    with pytest.raises(Conflict):
        good_practice_send(practice=practice, by=world.reviewer)
    assert ChangeProposal.objects.count() == 1


def test_a_difficulty_is_answered_once_and_the_branch_sees_the_answer(world, card, as_role):
    record = record_check(card, by=world.reviewer)
    difficulty = difficulty_add(record=record, by=world.reviewer, text="党员分散在三个工点")
    listed = as_role("reviewer").get(reverse("assessments:difficulties")).content.decode()
    assert f'id="difficulty-{difficulty.pk}"' in listed
    waiting = as_role("secretary_a").get(reverse("assessments:scorecard", args=[card.pk])).content.decode()
    assert "党员分散在三个工点" in waiting and "Waiting for the committee" in waiting
    url = reverse("assessments:difficulty_answer", args=[difficulty.pk])
    assert as_role("reviewer").post(url, {"answer": "同意设立临时党小组"}).status_code == 302
    difficulty.refresh_from_db()
    assert not difficulty.is_open and difficulty.answered_by == world.reviewer
    card_page = as_role("secretary_a").get(reverse("assessments:scorecard", args=[card.pk])).content.decode()
    assert "同意设立临时党小组" in card_page
    assert (
        f'id="difficulty-{difficulty.pk}"'
        not in as_role("reviewer").get(reverse("assessments:difficulties")).content.decode()
    )
    with pytest.raises(Conflict):
        difficulty_answer(difficulty=difficulty, by=world.reviewer, answer="再答一次")


def test_the_record_locks_when_the_review_is_final_and_the_branch_then_reads_it(world, card, as_role):
    record = record_check(card, by=world.reviewer, next_focus="主题党日记录")
    url = reverse("assessments:check_record", args=[card.pk])
    assert as_role("secretary_a").get(url).status_code == 403
    card = scorecard_mark_reviewed(scorecard=card, by=world.reviewer, version=Scorecard.objects.get(pk=card.pk).version)
    scorecard_finalise(scorecard=card, by=world.reviewer, version=card.version)
    with pytest.raises(Conflict):
        record_check(Scorecard.objects.get(pk=card.pk), by=world.reviewer)
    assert as_role("secretary_a").get(url).status_code == 200
    assert as_role("secretary_b").get(url).status_code == 404
    record.refresh_from_db()
    assert record.next_focus == "主题党日记录"


def test_only_the_year_end_check_has_its_own_score(world, card):
    with pytest.raises(ValidationError):
        record_check(card, by=world.reviewer, score=Decimal(90))
    record = record_check(card, by=world.reviewer, kind=PlanKind.YEAR_END, score=Decimal(90))
    assert record.year_end_score == Decimal(90)


def test_the_plan_shows_each_checks_state_and_progress(world, card, as_role):
    other = UserFactory(username="r2", full_name="考核组 周敏")
    from branches.services import role_grant

    role_grant(by=None, user=other, role="reviewer", organisation=world.committee)
    plan = assessment_plan_create(
        organisation=world.committee, year=2026, quarter=3, kind=PlanKind.YEAR_END, by=world.reviewer
    )
    states = {row["entry"].branch_id: row["state"] for row in plan_rows(plan)}
    assert states[world.branch_a.pk] == "not_started"
    record = record_check(card, by=world.reviewer, kind=PlanKind.YEAR_END, team=[other])
    assert record.in_plan and record.team.count() == 2
    assert {r["entry"].branch_id: r["state"] for r in plan_rows(plan)}[world.branch_a.pk] == "in_progress"
    record_check(card, by=world.reviewer, kind=PlanKind.YEAR_END, team=[other], score=Decimal(92))
    assert {r["entry"].branch_id: r["state"] for r in plan_rows(plan)}[world.branch_a.pk] == "reviewed"
    body = as_role("reviewer").get(reverse("assessments:plan", args=[plan.pk])).content.decode()
    planned = plan.entries.count()
    assert f"1 of {planned} reviewed" in body


def test_reviews_outside_a_quarterly_plan_are_listed_on_the_plan(world, card, as_role):
    plan = assessment_plan_create(organisation=world.committee, year=2026, quarter=3, by=world.reviewer, seed=1)
    plan.entries.filter(branch=world.branch_a).delete()
    scorecard_mark_reviewed(scorecard=card, by=world.reviewer, version=card.version)
    body = as_role("reviewer").get(reverse("assessments:plan", args=[plan.pk])).content.decode()
    assert 'id="plan-outside"' in body and world.branch_a.name in body
