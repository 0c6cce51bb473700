"""Strict about the records: a measured rule counted below what the records suggest needs a
reason before the card is submitted; 采纳全部台账建议 accepts every unanswered suggestion."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from assessments.measures import measure_card
from assessments.models import LineDeduction, Scorecard, ScorecardLine, ScorecardStatus, ScoreChange, Side
from assessments.services.claims import BelowRecordsUnanswered, claims_accept_all
from assessments.services.scorecards import scorecard_line_save, scorecard_submit
from branches.models import AuditEvent
from config.exceptions import Conflict
from tests.factories import answer_records, make_meeting, open_scorecard, submit_card


def at(month: int, day: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2026, month, day, 19, 0))


@pytest.fixture
def card(world, default_edition):
    """Q3 with two committee meetings of three: the records suggest deductions on 1-01, 2-01, 3-04."""
    card = open_scorecard(world.branch_a, year=2026, quarter=3, deadline=dt.date(2099, 1, 10))
    make_meeting(world.branch_a, held_at=at(7, 10), absent=0)
    make_meeting(world.branch_a, held_at=at(8, 10), absent=0)
    return card


def _fresh(card) -> Scorecard:
    return Scorecard.objects.get(pk=card.pk)


def _line(card, code="1-01") -> ScorecardLine:
    line = ScorecardLine.objects.select_related("article").get(scorecard=card, article__code=code)
    line.scorecard = _fresh(card)
    return line


def _rules(line):
    return list(line.article.deductions.order_by("position", "pk"))


def _below(card) -> dict[int, int]:
    """Rule id → suggested count, for every measured rule the card counts below its records."""
    counts = dict(LineDeduction.objects.filter(line__scorecard=card, side=Side.SELF).values_list("rule_id", "count"))
    return {pk: m.count for pk, m in measure_card(card).items() if counts.get(pk, 0) < m.count}


# --- the service ------------------------------------------------------------------------------


def test_a_rule_below_the_records_without_a_reason_refuses_the_submission_naming_the_lines(world, card):
    card = _fresh(card)
    first = _rules(_line(card))[0]
    before = (card.version, ScoreChange.objects.count(), AuditEvent.objects.count())
    with pytest.raises(BelowRecordsUnanswered) as caught:
        scorecard_submit(scorecard=card, by=world.secretary_a, version=card.version)
    message = caught.value.messages[0]
    assert "1-01 “三会一课”制度" in message
    assert f"{first.description}: the records suggest 1, you count 0" in message
    assert "2-01" in message and "3-04" in message
    assert {item.line_id for item in caught.value.lines} == {_line(card, code).pk for code in ("1-01", "2-01", "3-04")}
    card = _fresh(card)
    assert card.status == ScorecardStatus.DRAFT and card.submitted_at is None
    assert (card.version, ScoreChange.objects.count(), AuditEvent.objects.count()) == before
    assert not LineDeduction.objects.filter(line__scorecard=card, side=Side.REVIEW).exists()
    assert _line(card).claims == {}  # the refresh is rolled back with the rest


def test_accepting_every_suggestion_saves_the_lines_and_lets_the_card_be_submitted(world, card):
    card = _fresh(card)
    below = _below(card)
    line = _line(card)
    old_total = card.self_total
    card, accepted = claims_accept_all(scorecard=card, by=world.secretary_a, version=card.version)
    assert accepted == len(below) >= 4
    counts = dict(LineDeduction.objects.filter(line__scorecard=card, side=Side.SELF).values_list("rule_id", "count"))
    assert {pk: counts[pk] for pk in below} == below
    assert card.self_total < old_total and card.below_records == 0
    assert _line(card).version == line.version + 1
    saves = ScoreChange.objects.filter(scorecard=card, action="line_saved", changed_by=world.secretary_a)
    assert saves.count() == 3  # one per line: 1-01, 2-01, 3-04
    card = scorecard_submit(scorecard=card, by=world.secretary_a, version=card.version)
    assert card.status == ScorecardStatus.SUBMITTED and card.below_records == 0
    assert AuditEvent.objects.filter(action="submission").count() == 1


def test_a_reason_lets_a_rule_below_the_records_through_and_the_reviewer_reads_it(world, card):
    card = answer_records(card, by=world.secretary_a, reason="第三次支委会记录在纸质本上")
    card = scorecard_submit(scorecard=card, by=world.secretary_a, version=card.version)
    assert card.status == ScorecardStatus.SUBMITTED
    assert card.below_records >= 4  # counted below the records, each with its reason
    first = _rules(_line(card))[0]
    assert _line(card).claims[str(first.pk)] == {"suggested": 1, "claimed": 0, "reason": "第三次支委会记录在纸质本上"}


def test_a_count_above_the_suggestion_without_a_reason_does_not_stop_the_submission(world, card):
    card, _n = claims_accept_all(scorecard=_fresh(card), by=world.secretary_a, version=_fresh(card).version)
    line = _line(card)
    first = _rules(line)[0]
    counts = dict(LineDeduction.objects.filter(line=line, side=Side.SELF).values_list("rule_id", "count"))
    # A client that sends no reasons is not asked for one: 3 where the records suggest 1.
    scorecard_line_save(line=line, by=world.secretary_a, line_version=line.version, counts=counts | {first.pk: 3})
    card = scorecard_submit(scorecard=_fresh(card), by=world.secretary_a, version=_fresh(card).version)
    assert card.status == ScorecardStatus.SUBMITTED
    assert _line(card).claims[str(first.pk)] == {"suggested": 1, "claimed": 3, "reason": ""}


def test_accepting_every_suggestion_keeps_a_rule_answered_with_a_reason(world, card):
    line = _line(card)
    first = _rules(line)[0]
    reasons = {rule.pk: "" for rule in _rules(line)} | {first.pk: "纸质记录"}
    scorecard_line_save(line=line, by=world.secretary_a, line_version=line.version, counts={}, reasons=reasons)
    card, _n = claims_accept_all(scorecard=_fresh(card), by=world.secretary_a, version=_fresh(card).version)
    counts = dict(LineDeduction.objects.filter(line=_line(card), side=Side.SELF).values_list("rule_id", "count"))
    assert first.pk not in counts
    assert counts[_rules(line)[1].pk] == 2  # the general meeting and lecture: accepted
    assert _line(card).claims[str(first.pk)]["reason"] == "纸质记录"
    scorecard_submit(scorecard=card, by=world.secretary_a, version=card.version)


@pytest.mark.parametrize("who", ["reviewer", "member", "secretary_b", "administrator"])
def test_only_the_branch_secretary_accepts_the_suggestions(world, card, who):
    card = _fresh(card)
    with pytest.raises(PermissionDenied):
        claims_accept_all(scorecard=card, by=getattr(world, who), version=card.version)
    assert _fresh(card).version == card.version


def test_a_submitted_card_takes_no_acceptance(world, card):
    card = submit_card(card, by=world.secretary_a, reason="纸质记录")
    with pytest.raises(Conflict, match="cannot be changed"):
        claims_accept_all(scorecard=card, by=world.secretary_a, version=card.version)


# --- the pages --------------------------------------------------------------------------------


def test_the_page_refuses_the_submission_with_a_link_to_each_line_then_accepts_and_submits(world, card, as_role):
    client = as_role("secretary_a")
    card = _fresh(card)
    check = client.get(reverse("assessments:submit_check", args=[card.pk])).content.decode()
    assert 'id="sc-accept-all"' in check and "Accept every suggestion from the records" in check
    refused = client.post(reverse("assessments:submit", args=[card.pk]), {"version": card.version})
    assert refused.status_code == 409
    body = refused.content.decode()
    refusal = body[body.index('id="sc-check-refusal"') :]
    for code in ("1-01", "2-01", "3-04"):
        assert f'href="/assessments/cards/{card.pk}/#line-{_line(card, code).pk}"' in refusal
    assert "the records suggest 1, you count 0" in refusal
    assert _fresh(card).status == ScorecardStatus.DRAFT
    accepted = client.post(
        reverse("assessments:accept_suggestions", args=[card.pk]), {"version": card.version}, follow=True
    )
    assert accepted.redirect_chain[-1][0] == reverse("assessments:submit_check", args=[card.pk])
    body = accepted.content.decode()
    assert "suggestions from the records accepted: you can submit now." in body
    assert 'id="sc-check-unanswered"' not in body
    card = _fresh(card)
    done = client.post(reverse("assessments:submit", args=[card.pk]), {"version": card.version}, follow=True)
    assert "Submitted" in done.content.decode()
    assert _fresh(card).status == ScorecardStatus.SUBMITTED


@pytest.mark.parametrize(
    ("role", "status"), [("secretary_b", 404), ("outsider", 404), ("member", 403), ("reviewer", 403)]
)
def test_accepting_from_the_page_is_for_the_branch_secretary_only(world, card, as_role, role, status):
    card = _fresh(card)
    url = reverse("assessments:accept_suggestions", args=[card.pk])
    assert as_role(role).post(url, {"version": card.version}).status_code == status
    assert _fresh(card).version == card.version


def test_accepting_on_a_submitted_card_is_refused_with_a_message_and_changes_nothing(world, card, as_role):
    card = submit_card(card, by=world.secretary_a, reason="纸质记录")
    url = reverse("assessments:accept_suggestions", args=[card.pk])
    answer = as_role("secretary_a").post(url, {"version": card.version}, follow=True)
    assert "cannot be changed" in answer.content.decode()
    assert _fresh(card).version == card.version


def test_a_stale_version_is_refused_with_a_message(world, card, as_role):
    card = _fresh(card)
    url = reverse("assessments:accept_suggestions", args=[card.pk])
    answer = as_role("secretary_a").post(url, {"version": card.version - 1}, follow=True)
    assert "Someone else saved this scorecard" in answer.content.decode()
    assert _fresh(card).version == card.version


# --- the API ----------------------------------------------------------------------------------


def test_the_api_refuses_the_submission_then_accepts_the_suggestions_and_submits(world, card, as_role):
    client = as_role("secretary_a")
    card = _fresh(card)
    submit = reverse("api:scorecard-submit", args=[card.pk])
    refused = client.post(submit, {"version": card.version}, content_type="application/json")
    assert refused.status_code == 409
    assert "1-01 “三会一课”制度" in refused.json()["error"]["message"]
    accept = reverse("api:scorecard-accept-suggestions", args=[card.pk])
    answer = client.post(accept, {"version": card.version}, content_type="application/json")
    assert answer.status_code == 200
    version = answer.json()["version"]
    assert version == _fresh(card).version > card.version
    assert client.post(submit, {"version": version}, content_type="application/json").status_code == 200
    assert client.post(accept, {"version": version + 1}, content_type="application/json").status_code == 409


@pytest.mark.parametrize(("role", "status"), [("secretary_b", 404), ("member", 403), ("reviewer", 403)])
def test_the_api_accepts_for_the_branch_secretary_only(world, card, as_role, role, status):
    card = _fresh(card)
    url = reverse("api:scorecard-accept-suggestions", args=[card.pk])
    answer = as_role(role).post(url, {"version": card.version}, content_type="application/json")
    assert answer.status_code == status
    assert _fresh(card).version == card.version
