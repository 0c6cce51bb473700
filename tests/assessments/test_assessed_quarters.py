"""Scoring by frequency: yearly work is deducted at the end of the year, half-yearly work at
the end of each half, other work every quarter, unless the edition names other quarters. In
another quarter the line shows "本季度不考核" at its full score and refuses any deduction."""

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse

from assessments.models import LineDeduction, Scorecard
from assessments.services.review import review_line_save
from assessments.services.scorecards import scorecard_line_save
from handbook.models import Article, Frequency, default_quarters
from tests.api.conftest import api_client_for
from tests.conftest import client_for
from tests.factories import RECORDS_REASON, first_rule_counts, open_scorecard, submit_card

JSON = {"HTTP_ACCEPT": "application/json"}
REFUSED = (
    "1-03 民主评议党员制度 is not assessed in Q3 (only in fourth quarter): no deduction can be made on it this quarter."
)


@pytest.fixture
def q3(world, default_edition) -> Scorecard:
    return open_scorecard(world.branch_a, year=2026, quarter=3, deadline=dt.date(2099, 1, 10))


def _line(card, code):
    return card.lines.select_related("article").get(article__code=code)


@pytest.mark.parametrize(
    ("frequency", "quarters"),
    [
        (Frequency.YEARLY, (4,)),
        (Frequency.HALF_YEARLY, (2, 4)),
        (Frequency.QUARTERLY, (1, 2, 3, 4)),
        (Frequency.MONTHLY, (1, 2, 3, 4)),
        (Frequency.OCCASIONAL, (1, 2, 3, 4)),
    ],
)
def test_an_article_is_assessed_by_its_frequency_unless_the_edition_says_otherwise(frequency, quarters):
    article = Article(frequency=frequency)
    assert article.quarters_assessed == quarters
    assert tuple(int(q) for q in default_quarters(frequency)) == quarters
    article.assessed_quarters = "13"
    assert article.quarters_assessed == (1, 3)
    assert not article.is_assessed_in(4)


def test_the_default_edition_deducts_the_year_end_duties_in_q4_and_last_years_archives_in_q1(default_edition):
    articles = {a.code: a for a in default_edition.articles.all()}
    assert articles["1-03"].quarters_assessed == (4,)  # 民主评议党员, a year-end duty
    assert articles["1-04"].quarters_assessed == (2, 4)  # 谈心谈话, half-yearly
    assert articles["1-01"].quarters_assessed == (1, 2, 3, 4)
    assert articles["3-10"].quarters_assessed == (1,)  # the 民主评议 archive of the past year
    assert articles["3-10"].quarters_text == "first quarter"


def test_the_branch_cannot_deduct_a_yearly_article_in_q3_and_the_line_keeps_its_full_score(world, q3):
    line = _line(q3, "1-03")
    with pytest.raises(ValidationError) as refused:
        scorecard_line_save(line=line, by=world.secretary_a, version=q3.version, counts=first_rule_counts(line))
    assert refused.value.messages == [REFUSED]
    line.refresh_from_db()
    assert line.self_score == line.max_score == Decimal(3)
    assert not LineDeduction.objects.filter(line=line).exists()
    assert Scorecard.objects.get(pk=q3.pk).self_total == 100
    # A count of 0 (the page posts every rule) and a note are still saved.
    saved = scorecard_line_save(line=line, by=world.secretary_a, version=q3.version, counts={}, note="年底开展")
    assert (saved.note, saved.self_score) == ("年底开展", Decimal(3))


def test_the_same_article_is_deducted_in_q4(world, default_edition):
    card = open_scorecard(world.branch_a, year=2026, quarter=4, deadline=dt.date(2099, 1, 10))
    line = _line(card, "1-03")
    saved = scorecard_line_save(line=line, by=world.secretary_a, version=card.version, counts=first_rule_counts(line))
    assert saved.self_score == 0
    assert saved.scorecard.self_total == 97


def test_the_reviewer_cannot_deduct_it_either_and_the_review_total_counts_it_in_full(world, q3):
    card = submit_card(q3, by=world.secretary_a, reason=RECORDS_REASON)
    line = _line(card, "1-03")
    with pytest.raises(ValidationError) as refused:
        review_line_save(line=line, by=world.reviewer, version=card.version, counts=first_rule_counts(line))
    assert refused.value.messages == [REFUSED]
    other = _line(card, "1-01")
    saved = review_line_save(line=other, by=world.reviewer, version=card.version, counts=first_rule_counts(other))
    assert saved.scorecard.review_total == 99  # 1-03 at its full 3, 1-01 −1


def test_the_page_shows_the_line_as_not_assessed_with_its_full_score_and_no_count_to_fill(world, q3):
    page = client_for(world, "secretary_a", language="zh-hans").get(reverse("assessments:scorecard", args=[q3.pk]))
    html = page.content.decode()
    line = _line(q3, "1-03")
    block = html[html.index(f'id="line-{line.pk}"') :]
    block = block[: block.index("</article>")]
    assert "not-assessed" in html[html.index(f'id="line-{line.pk}"') - 80 : html.index(f'id="line-{line.pk}"') + 200]
    assert "本季度不考核" in block
    assert "3.00</span> / 3.00" in block
    rule = line.article.deductions.order_by("position").first()
    count_input = block[block.index(f'name="count-{rule.pk}"') :]
    assert " disabled" in count_input[: count_input.index(">")]
    every_quarter = _line(q3, "1-01")
    assert "本季度不考核" not in html[html.index(f'id="line-{every_quarter.pk}"') :].split("</article>")[0]


def test_a_deduction_posted_by_the_page_is_refused_with_the_reason(world, q3):
    line = _line(q3, "1-03")
    client = client_for(world, "secretary_a", language="zh-hans")
    data = {f"count-{k}": v for k, v in first_rule_counts(line).items()} | {"line_version": line.version}
    response = client.post(reverse("assessments:line_save", args=[q3.pk, line.pk]), data, **JSON)
    assert response.status_code == 400
    assert "本季度不能对该条款扣分" in response.json()["error"]
    assert Scorecard.objects.get(pk=q3.pk).self_total == 100


def test_the_review_page_refuses_it_with_the_reason(world, q3):
    card = submit_card(q3, by=world.secretary_a, reason=RECORDS_REASON)
    line = _line(card, "1-03")
    client = client_for(world, "reviewer", language="zh-hans")
    data = {f"count-{k}": v for k, v in first_rule_counts(line).items()} | {"version": card.version}
    response = client.post(
        reverse("assessments:review_line_save", args=[card.pk, line.pk]), data, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert "本季度不能对该条款扣分" in response.content.decode()
    line.refresh_from_db()
    assert line.review_score == line.max_score


def _api(world, role):
    client = api_client_for(world, role)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_the_api_marks_the_line_and_refuses_a_deduction_on_it_self_and_review(world, q3):
    secretary = _api(world, "secretary_a")
    url = reverse("api:scorecard-detail", kwargs={"pk": q3.pk})
    lines = {x["article_code"]: x for x in secretary.get(url).json()["lines"]}
    assert (lines["1-03"]["assessed"], lines["1-01"]["assessed"]) == (False, True)
    assert lines["1-03"]["article_line"] == "party"
    line = _line(q3, "1-03")
    rule = line.article.deductions.order_by("position").first()
    body = {"version": q3.version, "lines": [{"line": line.pk, "deductions": [{"rule": rule.pk, "count": 1}]}]}
    response = secretary.post(reverse("api:scorecard-lines", kwargs={"pk": q3.pk}), body, format="json")
    assert response.status_code == 400
    assert REFUSED in str(response.json())
    card = submit_card(q3, by=world.secretary_a, reason=RECORDS_REASON)
    body = {"version": card.version, "lines": [{"line": line.pk, "deductions": [{"rule": rule.pk, "count": 1}]}]}
    response = _api(world, "reviewer").post(reverse("api:scorecard-review", kwargs={"pk": q3.pk}), body, format="json")
    assert response.status_code == 400
    assert REFUSED in str(response.json())
    assert Scorecard.objects.get(pk=q3.pk).review_total == 100
