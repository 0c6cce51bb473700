"""A year's grade (分类定级): the final quarters, with the year-end check's own score (its check
record's) counted as one more term — not the fourth quarter's review counted twice."""

import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from assessments.dashboard import year_scores
from assessments.models import PlanKind, Scorecard
from assessments.services.plans import assessment_plan_create
from assessments.services.review import scorecard_finalise, scorecard_mark_reviewed
from tests.factories import (
    RECORDS_REASON,
    UserFactory,
    final_scorecard,
    make_edition,
    make_org,
    open_scorecard,
    record_check,
    submit_card,
)


@pytest.fixture
def boss(world):
    make_edition(version="T1")
    return UserFactory(username="boss", is_superuser=True)


def _final(branch, quarter: int, score: int, boss) -> Scorecard:
    card = final_scorecard(branch, year=2026, quarter=quarter, by=boss)
    # The stored final total is what a year reads; set it straight to keep the sums readable.
    Scorecard.objects.filter(pk=card.pk).update(review_total=Decimal(score))
    return card


def _final_with_year_end(world, branch, score: int, year_end: int, boss, *, year: int = 2026) -> Scorecard:
    """Q4 of ``year``: the year-end check recorded with its own score, then the review made final."""
    card = open_scorecard(branch, year=year, quarter=4)
    card = submit_card(card, by=boss, reason=RECORDS_REASON)
    record_check(card, by=world.reviewer, kind=PlanKind.YEAR_END, score=Decimal(year_end))
    card = scorecard_mark_reviewed(scorecard=card, by=boss, version=Scorecard.objects.get(pk=card.pk).version)
    card = scorecard_finalise(scorecard=card, by=boss, version=card.version)
    Scorecard.objects.filter(pk=card.pk).update(review_total=Decimal(score))
    return card


@pytest.fixture
def year_of_a(world, boss):
    """Branch A: 100, 100, 100 and 60 in Q4."""
    for quarter, score in ((1, 100), (2, 100), (3, 100), (4, 60)):
        _final(world.branch_a, quarter, score, boss)
    return world


def _row(world, code: str = "A") -> dict:
    return next(r for r in year_scores(world.committee, 2026) if r["code"] == code)


def test_without_a_year_end_check_the_year_is_the_mean_of_its_quarters(year_of_a):
    row = _row(year_of_a)
    assert (row["year_score"], row["year_grade"], row["year_end_score"]) == (Decimal("90.00"), "good", None)


def test_the_year_end_checks_own_score_counts_once_more(world, boss):
    for quarter in (1, 2, 3):
        _final(world.branch_a, quarter, 100, boss)
    assessment_plan_create(
        organisation=world.committee, year=2026, quarter=4, kind=PlanKind.YEAR_END, by=world.reviewer
    )
    _final_with_year_end(world, world.branch_a, 60, 80, boss)
    row = _row(world)
    # (100 + 100 + 100 + 60 + 80) / 5: the check's own 80, not the Q4 review's 60 a second time.
    assert (row["year_score"], row["year_grade"], row["year_end_score"]) == (Decimal("88.00"), "fairly_good", 80)


def test_a_year_end_plan_without_a_record_adds_nothing(year_of_a):
    assessment_plan_create(
        organisation=year_of_a.committee, year=2026, quarter=4, kind=PlanKind.YEAR_END, by=year_of_a.reviewer
    )
    row = _row(year_of_a)
    assert (row["year_score"], row["year_end_score"]) == (Decimal("90.00"), None)


def test_a_quarterly_plan_is_not_a_year_end_check(year_of_a):
    assessment_plan_create(organisation=year_of_a.committee, year=2026, quarter=4, by=year_of_a.reviewer)
    assert _row(year_of_a)["year_score"] == Decimal("90.00")


def test_a_year_end_check_of_another_year_does_not_count(world, boss):
    for quarter in (1, 2, 3, 4):
        _final(world.branch_a, quarter, 90, boss)
    _final_with_year_end(world, world.branch_a, 50, 50, boss, year=2025)
    assert _row(world)["year_score"] == Decimal("90.00")


def test_a_branch_the_check_did_not_cover_gets_the_plain_mean(world, boss):
    _final_with_year_end(world, world.branch_a, 90, 50, boss)
    late_comer = make_org(world.general, name="新项目部党支部", code="N")
    _final(late_comer, 3, 90, boss)
    _final(late_comer, 4, 70, boss)
    assert _row(world, "N")["year_score"] == Decimal("80.00")
    assert _row(world)["year_score"] == Decimal("70.00")


def test_a_year_end_check_whose_review_is_not_final_adds_nothing(world, boss):
    for quarter in (1, 2, 3):
        _final(world.branch_a, quarter, 84, boss)
    card = open_scorecard(world.branch_a, year=2026, quarter=4)
    card = submit_card(card, by=boss, reason=RECORDS_REASON)
    record_check(card, by=world.reviewer, kind=PlanKind.YEAR_END, score=Decimal(40))
    row = _row(world)
    assert (row["year_score"], row["year_end_score"]) == (Decimal("84.00"), None)


def test_the_branch_page_and_the_export_use_the_year_end_check(world, boss, as_role):
    year_of_a = world
    for quarter in (1, 2, 3):
        _final(world.branch_a, quarter, 100, boss)
    _final_with_year_end(world, world.branch_a, 60, 60, boss)
    body = as_role("secretary_a").get(reverse("assessments:branch", args=[year_of_a.branch_a.pk])).content.decode()
    # The cells carry their column's name for the phone's cards (data-label): read past it.
    table = re.sub(r' data-label="[^"]*"', "", body[body.index("Grades by year") :])
    assert "<td>2026</td><td>84.00</td><td>Fairly good</td><td>4</td><td>60" in table
    response = as_role("administrator").get(reverse("assessments:export") + "?year=2026")
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = next(sheet.iter_rows(max_row=1, values_only=True))
    row = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] == "A")
    assert row[header.index("Year-end check")] == 60
    assert row[header.index("Year score")] == 84
    assert row[header.index("Year grade")] == "Fairly good"
