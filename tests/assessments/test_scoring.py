"""Scoring: deduction counts, caps, bounds, totals and grades, all in one service."""

from decimal import Decimal

import pytest

from assessments.models import Grade
from assessments.services.scoring import Applied, grade_for, line_score, rule_deduction, year_grade

D = Decimal


def test_a_rule_counts_points_times_occurrences():
    assert rule_deduction(Applied(points=D("0.5"), cap=None, count=3)) == D("1.5")


def test_a_rule_never_takes_more_than_its_cap():
    assert rule_deduction(Applied(points=D(1), cap=D(4), count=9)) == D(4)


def test_a_count_of_zero_takes_nothing():
    assert rule_deduction(Applied(points=D(2), cap=D(4), count=0)) == 0


def test_a_line_score_is_its_max_minus_every_rule_capped_separately():
    applied = [Applied(D(1), D(2), 5), Applied(D("0.5"), D("1.5"), 1)]
    assert line_score(D(6), applied) == D("3.50")


def test_a_line_score_never_falls_below_zero():
    assert line_score(D(4), [Applied(D(4), D(4), 1), Applied(D(1), D(2), 2)]) == D(0)


def test_a_line_score_never_rises_above_its_max():
    assert line_score(D(4), []) == D(4)


@pytest.mark.parametrize(
    ("total", "grade"),
    [
        (D(100), Grade.GOOD),
        (D(90), Grade.GOOD),
        (D("89.99"), Grade.FAIRLY_GOOD),
        (D(80), Grade.FAIRLY_GOOD),
        (D("79.99"), Grade.AVERAGE),
        (D(60), Grade.AVERAGE),
        (D("59.99"), Grade.POOR),
        (D(0), Grade.POOR),
    ],
)
def test_grades_follow_the_default_thresholds(total, grade):
    assert grade_for(total) == grade


def test_grade_thresholds_come_from_settings(settings):
    settings.ASSESSMENT_GRADE_THRESHOLDS = {"good": 95, "fairly_good": 85, "average": 70}
    assert grade_for(D(92)) == Grade.FAIRLY_GOOD
    assert grade_for(D(69)) == Grade.POOR


def test_a_years_grade_averages_the_quarters_and_the_year_end_check():
    score, grade = year_grade([D(92), D(88), D(90), D(94)], year_end_score=D(86))
    assert score == D(90)
    assert grade == Grade.GOOD
    assert year_grade([]) == (None, "")
