"""A deduction rule that applies once (its cap is its points: "未开展民主评议党员，扣3分") is
counted at most once, on the branch's side and the reviewer's, by the page and the API."""

import datetime as dt

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse

from assessments.cards import label_rules
from assessments.models import LineDeduction, Scorecard, ScorecardLine
from assessments.selectors import lines_of
from assessments.services.review import review_line_save
from assessments.services.scorecards import scorecard_line_save
from tests.api.conftest import api_client_for
from tests.factories import RECORDS_REASON, open_scorecard, submit_card

ONCE = "任期届满未按期换届且未经批准延期，扣1.5分"
REFUSED = f"“{ONCE}” applies once: its count can only be 0 or 1."


@pytest.fixture
def card(world, default_edition):
    return open_scorecard(world.branch_a, deadline=dt.date(2099, 1, 10))


def _line(card: Scorecard) -> ScorecardLine:
    return card.lines.select_related("article").get(article__code="1-07")


def _once_rule(line: ScorecardLine):
    return line.article.deductions.get(description=ONCE)


def _version(card: Scorecard) -> int:
    return Scorecard.objects.values_list("version", flat=True).get(pk=card.pk)


def test_the_handbook_says_once_by_a_cap_equal_to_the_points(card):
    line = _line(card)
    assert _once_rule(line).is_once
    others = line.article.deductions.exclude(description=ONCE)
    assert others and not any(rule.is_once for rule in others)  # "每次扣0.5分，最多扣2分"


def test_the_service_refuses_a_second_count_on_either_side_and_saves_nothing(card, world):
    line = _line(card)
    rule = _once_rule(line)
    with pytest.raises(ValidationError) as refused:
        scorecard_line_save(line=line, by=world.secretary_a, version=card.version, counts={rule.pk: 2})
    assert "applies once" in " ".join(refused.value.messages)
    scorecard_line_save(line=line, by=world.secretary_a, version=card.version, counts={rule.pk: 1})
    card = submit_card(card, by=world.secretary_a, reason=RECORDS_REASON)
    with pytest.raises(ValidationError):
        review_line_save(line=_line(card), by=world.reviewer, version=card.version, counts={rule.pk: 3})
    counts = set(LineDeduction.objects.filter(line=line).values_list("side", "count"))
    assert counts == {("self", 1), ("review", 1)}


def test_the_secretarys_page_refuses_it_with_the_rule_named(card, as_role):
    line = _line(card)
    rule = _once_rule(line)
    response = as_role("secretary_a").post(
        reverse("assessments:line_save", args=[card.pk, line.pk]),
        {f"count-{rule.pk}": "2", "line_version": line.version},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 400
    assert REFUSED in response.json()["error"]
    assert not LineDeduction.objects.filter(line=line).exists()


def test_the_reviewers_page_refuses_it(card, world, as_role):
    card = submit_card(card, by=world.secretary_a, reason=RECORDS_REASON)
    line = _line(card)
    rule = _once_rule(line)
    response = as_role("reviewer").post(
        reverse("assessments:review_line_save", args=[card.pk, line.pk]),
        {f"count-{rule.pk}": "2", "version": card.version},
        HTTP_HX_REQUEST="true",
    )
    assert REFUSED in response.content.decode()
    assert not LineDeduction.objects.filter(line=line, side="review").exists()


@pytest.mark.parametrize("side", ["lines", "review"])
def test_the_api_refuses_it_on_either_side_with_a_400(card, world, side):
    role = "secretary_a" if side == "lines" else "reviewer"
    if side == "review":
        card = submit_card(card, by=world.secretary_a, reason=RECORDS_REASON)
    client = api_client_for(world, role)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    line = _line(card)
    body = {
        "version": _version(card),
        "lines": [{"line": line.pk, "deductions": [{"rule": _once_rule(line).pk, "count": 2}]}],
    }
    response = client.post(reverse(f"api:scorecard-{side}", kwargs={"pk": card.pk}), body, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"lines.0": [REFUSED]}
    assert _version(card) == card.version


def test_the_page_labels_a_once_rule_as_such_and_caps_its_input_at_one(card, as_role):
    lines = [line for line in lines_of(card) if line.article.code == "1-07"]
    label_rules(lines)
    penalties = {rule.description: rule.penalty for rule, _s, _r in lines[0].rules}
    assert penalties[ONCE] == "−1.50, once"
    body = as_role("secretary_a").get(reverse("assessments:scorecard", args=[card.pk])).content.decode()
    assert f'name="count-{_once_rule(_line(card)).pk}" value="0" min="0" max="1"' in body
