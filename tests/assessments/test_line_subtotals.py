"""大政工 subtotals (party / union / league, by ``Article.line``) on the scorecard page, the
review page, the dashboard, the feedback sheet and the API."""

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.line_subtotals import card_line_subtotals, quarter_line_subtotals
from assessments.selectors import lines_of
from assessments.services.feedback import feedback_sheet_render
from assessments.services.review import review_line_save
from assessments.services.scorecards import scorecard_line_save
from assessments.services.scoring import line_subtotals
from tests.api.conftest import api_client_for
from tests.assessments.pdftools import poppler
from tests.conftest import client_for
from tests.factories import (
    RECORDS_REASON,
    UserFactory,
    final_scorecard,
    first_rule_counts,
    make_edition,
    open_scorecard,
    submit_card,
)

JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def card(world, default_edition):
    return open_scorecard(world.branch_a, year=2026, quarter=3, deadline=dt.date(2099, 1, 10))


def _line(card, code):
    return card.lines.select_related("article").get(article__code=code)


def _figures(rows):
    return [(row.line, row.max_score, row.self_score, row.review_score) for row in rows]


def test_the_subtotals_split_the_100_points_by_line_and_follow_the_deductions(world, card):
    union = _line(card, "2-08")  # 工会, quarterly, 2 points
    scorecard_line_save(line=union, by=world.secretary_a, version=card.version, counts=first_rule_counts(union))
    rows = line_subtotals(lines_of(card))
    assert _figures(rows) == [
        ("party", Decimal("86.5"), Decimal("86.5"), None),
        ("union", Decimal(8), Decimal(7), None),
        ("league", Decimal("5.5"), Decimal("5.5"), None),
    ]
    assert [row.label for row in rows] == ["Party", "Trade union", "Youth league"]
    assert sum(row.max_score for row in rows) == 100
    # The same figures from one aggregate query.
    assert _figures(card_line_subtotals(card)) == _figures(rows)


def test_the_review_subtotals_appear_once_reviewed(world, card):
    card = submit_card(card, by=world.secretary_a, reason=RECORDS_REASON)
    league = _line(card, "2-10")
    review_line_save(line=league, by=world.reviewer, version=card.version, counts=first_rule_counts(league, 2))
    rows = {row.line: row for row in card_line_subtotals(card)}
    assert (rows["league"].self_score, rows["league"].review_score, rows["league"].gap) == (
        Decimal("5.5"),
        Decimal("4.5"),
        Decimal(1),
    )
    assert rows["party"].review_score == Decimal("86.5")


def test_the_scorecard_page_shows_the_subtotals_without_the_review_to_the_branch(world, card):
    html = client_for(world, "secretary_a", language="zh-hans").get(reverse("assessments:scorecard", args=[card.pk]))
    html = html.content.decode()
    section = html[html.index('id="sc-line-subtotals"') :]
    section = section[: section.index("</section>")]
    assert "大政工分线小计" in section
    for label in ("党建", "工会", "共青团"):
        assert label in section
    assert 'data-subtotal="union"' in section and "8.00" in section
    assert "核标" not in section  # no review column for the branch before the review is final


def test_a_line_saved_by_the_page_answers_with_the_new_line_subtotals(world, card):
    union = _line(card, "2-08")
    data = {f"count-{k}": v for k, v in first_rule_counts(union).items()} | {"line_version": union.version}
    client = client_for(world, "secretary_a")
    response = client.post(reverse("assessments:line_save", args=[card.pk, union.pk]), data, **JSON)
    assert response.status_code == 200
    assert response.json()["line_scores"] == {"party": "86.50", "union": "7.00", "league": "5.50"}


def test_the_review_page_shows_the_review_subtotals_and_a_saved_line_refreshes_them(world, card):
    card = submit_card(card, by=world.secretary_a, reason=RECORDS_REASON)
    client = client_for(world, "reviewer", language="zh-hans")
    html = client.get(reverse("assessments:review", args=[card.pk])).content.decode()
    section = html[html.index('id="sc-line-subtotals"') :].split("</section>")[0]
    assert "核标" in section and "86.50" in section
    league = _line(card, "2-10")
    data = {f"count-{k}": v for k, v in first_rule_counts(league, 2).items()} | {"version": card.version}
    response = client.post(
        reverse("assessments:review_line_save", args=[card.pk, league.pk]), data, HTTP_HX_REQUEST="true"
    )
    fragment = response.content.decode()
    section = fragment[fragment.index('id="sc-line-subtotals"') :].split("</section>")[0]
    assert 'hx-swap-oob="true"' in section
    league_row = section[section.index('data-subtotal="league"') :].split("</tr>")[0]
    assert "4.50" in league_row


def test_other_roles_and_branches_do_not_reach_the_subtotals(world, card):
    url = reverse("assessments:scorecard", args=[card.pk])
    assert client_for(world, "secretary_b").get(url).status_code == 404
    assert client_for(world, "secretary_a").get(reverse("assessments:review", args=[card.pk])).status_code == 403


@pytest.fixture
def boss(world):
    make_edition(version="T1")  # 1-01 party, 2-02 union, 3-03 league, 1-04 party: 25 points each
    return UserFactory(username="boss", is_superuser=True)


def test_the_dashboard_shows_the_average_final_card_by_line_in_one_query(world, boss):
    final_scorecard(world.branch_a, year=2026, quarter=3, by=boss, deductions=1)  # 1-01: 24
    final_scorecard(world.branch_b, year=2026, quarter=3, by=boss, deductions=50)  # 1-01: 22 (cap 3)
    open_scorecard(world.branch_a, year=2026, quarter=4)  # not final: not counted
    with CaptureQueriesContext(connection) as captured:
        rows = quarter_line_subtotals(world.committee, year=2026, quarter=3)
    assert len(captured) == 1
    assert [(r.line, r.cards, r.max_score, r.self_score, r.review_score, r.rate) for r in rows] == [
        ("party", 2, Decimal(50), Decimal(50), Decimal(48), Decimal(96)),
        ("union", 2, Decimal(25), Decimal(25), Decimal(25), Decimal(100)),
        ("league", 2, Decimal(25), Decimal(25), Decimal(25), Decimal(100)),
    ]
    assert quarter_line_subtotals(world.branch_b, year=2026, quarter=3)[0].review_score == Decimal(47)
    html = client_for(world, "reviewer", language="zh-hans").get(reverse("assessments:dashboard") + "?quarter=2026Q3")
    html = html.content.decode()
    section = html[html.index('id="dash-line-subtotals"') :].split("</section>")[0]
    assert "大政工分线小计" in section and "96.00%" in section and "本季度2份已定稿评分表的平均值" in section


def test_the_dashboard_says_so_when_no_card_is_final(world, boss):
    html = client_for(world, "reviewer").get(reverse("assessments:dashboard") + "?quarter=2026Q3").content.decode()
    section = html[html.index('id="dash-line-subtotals"') :].split("</section>")[0]
    assert "<table" not in section


def test_the_feedback_sheet_prints_the_subtotals(world, boss, tmp_path):
    card = final_scorecard(world.branch_a, year=2026, quarter=3, by=boss, deductions=1)
    path = tmp_path / "sheet.pdf"
    from django.utils import translation

    with translation.override("zh-hans"):
        path.write_bytes(feedback_sheet_render(scorecard=card))
    text = poppler("pdftotext", path)
    assert "大政工分线小计" in text
    section = text[text.index("大政工分线小计") :]
    section = section[: section.index("扣分")]
    assert "共青团" in section
    assert "49.00" in section  # 党建: 1-01 24 of 25, 1-04 25


def test_the_api_gives_the_subtotals_and_hides_the_review_from_the_branch_until_final(world, card):
    card = submit_card(card, by=world.secretary_a, reason=RECORDS_REASON)
    url = reverse("api:scorecard-detail", kwargs={"pk": card.pk})

    def subtotals(role):
        client = api_client_for(world, role)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return {row["line"]: row for row in client.get(url).json()["line_subtotals"]}

    reviewer = subtotals("reviewer")
    assert (reviewer["union"]["max_score"], reviewer["union"]["review_score"]) == ("8.00", "8.00")
    assert reviewer["party"]["label"] == "Party"
    assert subtotals("secretary_a")["union"]["review_score"] is None
