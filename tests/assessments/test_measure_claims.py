"""The branch accepts what its records suggest or claims another count with a reason; the
page shows the facts and the suggestion beside each measured rule."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.measures import measure_card
from assessments.models import ScorecardLine
from assessments.services.claims import ReasonRequired
from assessments.services.scorecards import scorecard_line_save
from tests.factories import make_meeting, open_scorecard, submit_card

JSON = {"HTTP_ACCEPT": "application/json"}


def at(month: int, day: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2026, month, day, 19, 0))


@pytest.fixture
def card(world, default_edition):
    card = open_scorecard(world.branch_a, year=2026, quarter=3, deadline=dt.date(2099, 1, 10))
    make_meeting(world.branch_a, held_at=at(7, 10), absent=0)
    make_meeting(world.branch_a, held_at=at(8, 10), absent=0)
    return card


def _line(card, code="1-01"):
    line = card.lines.select_related("article").get(article__code=code)
    line.scorecard = card
    return line


def _rules(line):
    return list(line.article.deductions.order_by("position", "pk"))


def _accepted(card, line) -> dict[int, int]:
    measures = measure_card(card)
    return {rule.pk: measures[rule.pk].count for rule in _rules(line)}


def test_the_suggestion_is_accepted_without_a_reason(world, card):
    line = _line(card)
    counts = _accepted(card, line)
    first = _rules(line)[0]
    assert counts[first.pk] == 1  # two committee meetings of three
    saved = scorecard_line_save(line=line, by=world.secretary_a, line_version=line.version, counts=counts, reasons={})
    assert saved.claims[str(first.pk)] == {"suggested": 1, "claimed": 1, "reason": ""}
    assert saved.below_records == 0


def test_another_count_needs_a_reason_beside_its_rule(world, card):
    line = _line(card)
    first = _rules(line)[0]
    scorecard_line_save(line=line, by=world.secretary_a, line_version=1, counts=_accepted(card, line), reasons={})
    line = _line(card)
    counts = _accepted(card, line) | {first.pk: 0}
    with pytest.raises(ReasonRequired) as caught:
        scorecard_line_save(
            line=line, by=world.secretary_a, line_version=line.version, counts=counts, reasons={first.pk: "  "}
        )
    assert list(caught.value.message_dict) == [f"reason-{first.pk}"]
    assert "suggest 1" in caught.value.message_dict[f"reason-{first.pk}"][0]
    assert ScorecardLine.objects.get(pk=line.pk).version == 2  # nothing saved
    saved = scorecard_line_save(
        line=line,
        by=world.secretary_a,
        line_version=line.version,
        counts=counts,
        reasons={first.pk: "第三次支委会记录在纸质本上"},
    )
    assert saved.claims[str(first.pk)]["reason"] == "第三次支委会记录在纸质本上"
    assert saved.below_records == 1


def test_a_rule_left_as_it_was_does_not_stop_the_note_and_counts_below_the_records(world, card):
    line = _line(card)
    reasons = {rule.pk: "" for rule in _rules(line)}
    saved = scorecard_line_save(
        line=line, by=world.secretary_a, line_version=1, counts={}, reasons=reasons, note="已查看"
    )
    assert saved.note == "已查看"
    assert saved.claims[str(_rules(line)[0].pk)] == {"suggested": 1, "claimed": 0, "reason": ""}
    assert saved.below_records == 2  # the committee meetings, and the general meeting and lecture


def test_a_client_that_sends_no_reasons_is_not_refused_and_keeps_them(world, card):
    line = _line(card)
    first = _rules(line)[0]
    counts = _accepted(card, line) | {first.pk: 0}
    scorecard_line_save(
        line=line, by=world.secretary_a, line_version=line.version, counts=counts, reasons={first.pk: "纸质记录"}
    )
    line = _line(card)
    saved = scorecard_line_save(
        line=line, by=world.secretary_a, line_version=line.version, counts=counts, note="补充说明"
    )
    assert saved.claims[str(first.pk)]["reason"] == "纸质记录"


def test_submitting_takes_the_suggestions_as_the_records_stand(world, card):
    line = _line(card)
    first = _rules(line)[0]
    # Below the records, the branch says why (else the submission is refused).
    card = submit_card(card, by=world.secretary_a, reason="纸质记录")
    line = ScorecardLine.objects.get(pk=line.pk)
    assert line.claims[str(first.pk)] == {"suggested": 1, "claimed": 0, "reason": "纸质记录"}
    assert line.below_records >= 1
    not_assessed = card.lines.get(article__code="1-02")  # yearly: Q4 only
    assert not_assessed.claims == {}


def test_the_secretary_sees_the_facts_and_the_suggestion(card, as_role):
    body = as_role("secretary_a").get(reverse("assessments:scorecard", args=[card.pk])).content.decode()
    assert "This quarter Branch committee meeting 2/3" in body
    assert 'class="sc-suggested">1<' in body
    assert f"/meetings/org/{card.branch_id}/?kind=committee&amp;quarter=2026Q3" in body
    assert 'class="secondary sc-accept"' in body


def test_another_branch_gets_404(card, as_role):
    assert as_role("secretary_b").get(reverse("assessments:scorecard", args=[card.pk])).status_code == 404


def test_the_page_refuses_a_count_without_reason_beside_the_field(card, as_role):
    line = _line(card)
    first = _rules(line)[0]
    data = {f"count-{pk}": n for pk, n in (_accepted(card, line) | {first.pk: 2}).items()}
    data |= {f"reason-{rule.pk}": "" for rule in _rules(line)} | {"line_version": 1, "note": "", "evidence": ""}
    url = reverse("assessments:line_save", args=[card.pk, line.pk])
    client = as_role("secretary_a")
    answer = client.post(url, data, **JSON)
    assert answer.status_code == 400
    assert list(answer.json()["fields"]) == [f"reason-{first.pk}"]
    page = client.post(url, data)
    assert page.status_code == 400
    body = page.content.decode()
    assert f'name="reason-{first.pk}" rows="1" maxlength="300" aria-invalid="true"' in body
    assert "accept the suggestion or say why" in body
    data[f"reason-{first.pk}"] = "纸质记录"
    assert client.post(url, data, **JSON).status_code == 200


def test_the_reviewer_sees_suggested_claimed_and_reviewed_side_by_side(world, card, as_role):
    line = _line(card)
    first = _rules(line)[0]
    counts = _accepted(card, line) | {first.pk: 0}
    scorecard_line_save(
        line=line, by=world.secretary_a, line_version=line.version, counts=counts, reasons={first.pk: "纸质记录"}
    )
    submit_card(card, by=world.secretary_a)  # the other suggestions accepted
    make_meeting(world.branch_a, held_at=at(9, 10), absent=0)  # the records change after submitting
    body = as_role("reviewer").get(reverse("assessments:review", args=[card.pk])).content.decode()
    assert "<th>Records</th><th>Self</th><th>Review</th>" in body
    assert "This quarter Branch committee meeting 3/3" in body
    assert "纸质记录" in body
    assert "(when saved 1)" in body
    row = body[body.index(first.description) :]
    assert 'sc-suggested-col"><strong>0</strong>' in row


def test_the_dashboard_counts_the_rules_a_branch_claimed_below_its_records(world, card, as_role):
    from assessments.dashboard import dashboard_for
    from assessments.services.review import scorecard_finalise, scorecard_mark_reviewed

    card = submit_card(card, by=world.secretary_a, reason="纸质记录")
    line = ScorecardLine.objects.get(pk=_line(card).pk)
    card = scorecard_mark_reviewed(scorecard=card, by=world.reviewer, version=card.version)
    scorecard_finalise(scorecard=card, by=world.reviewer, version=card.version)
    board = dashboard_for(world.committee, year=2026, quarter=3)
    row = next(r for r in board.ranking if r.branch_id == world.branch_a.pk)
    total = sum(ScorecardLine.objects.filter(scorecard=card).values_list("below_records", flat=True))
    assert row.below_records == total >= line.below_records >= 1
    body = as_role("reviewer").get(reverse("assessments:dashboard") + "?quarter=2026Q3").content.decode()
    assert "Below the records" in body and f'class="sc-beat">{total}<' in body


def test_the_api_gives_the_measures_of_a_card_and_takes_reasons(world, card, as_role):
    client = as_role("secretary_a")
    rows = client.get(reverse("api:scorecard-measures", args=[card.pk])).json()
    line = _line(card)
    first = _rules(line)[0]
    row = next(r for r in rows if r["rule"] == first.pk)
    assert (row["article"], row["measure"], row["suggested"], row["claimed"]) == ("1-01", "meetings_short", 1, 0)
    assert row["facts"][0]["url"].startswith("/meetings/org/")
    assert {r["article"] for r in rows} >= {"1-01", "2-01", "3-04", "1-06"}
    counts = _accepted(card, line) | {first.pk: 2}
    item = {"line": line.pk, "version": 1, "deductions": [{"rule": k, "count": v} for k, v in counts.items() if v]}
    url = reverse("api:scorecard-lines", args=[card.pk])
    refused = client.post(url, {"lines": [item | {"reasons": []}]}, content_type="application/json")
    assert refused.status_code == 400
    reasons = [{"rule": first.pk, "reason": "纸质记录"}]
    saved = client.post(url, {"lines": [item | {"reasons": reasons}]}, content_type="application/json")
    assert saved.status_code == 200
    rows = client.get(reverse("api:scorecard-measures", args=[card.pk])).json()
    assert next(r for r in rows if r["rule"] == first.pk)["reason"] == "纸质记录"


def test_the_check_before_submitting_lists_the_lines_whose_counts_differ_without_a_reason(world, card, as_role):
    line = _line(card)
    client = as_role("secretary_a")
    url = reverse("assessments:submit_check", args=[card.pk])
    body = client.get(url).content.decode()
    assert 'id="sc-check-unanswered"' in body and f'data-line="{line.pk}"' in body
    scorecard_line_save(line=line, by=world.secretary_a, line_version=1, counts=_accepted(card, line), reasons={})
    body = client.get(url).content.decode()
    listed = body[body.index('id="sc-check-unanswered"') :]
    assert f'data-line="{line.pk}"' not in listed[: listed.index("</ul>")]
