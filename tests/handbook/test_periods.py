"""Periods of each frequency, and due dates applied to them."""

import datetime as dt

import pytest

from handbook.models import Article, DueKind, Frequency
from handbook.periods import period_containing, periods_between

D = dt.date


@pytest.mark.parametrize(
    ("frequency", "day", "period"),
    [
        (Frequency.DAILY, D(2026, 11, 21), (D(2026, 11, 21), D(2026, 11, 21))),
        (Frequency.WEEKLY, D(2026, 11, 21), (D(2026, 11, 16), D(2026, 11, 22))),
        (Frequency.MONTHLY, D(2028, 2, 10), (D(2028, 2, 1), D(2028, 2, 29))),
        (Frequency.QUARTERLY, D(2026, 11, 21), (D(2026, 10, 1), D(2026, 12, 31))),
        (Frequency.HALF_YEARLY, D(2026, 6, 30), (D(2026, 1, 1), D(2026, 6, 30))),
        (Frequency.YEARLY, D(2026, 7, 1), (D(2026, 1, 1), D(2026, 12, 31))),
    ],
)
def test_the_period_holding_a_day(frequency, day, period):
    assert period_containing(frequency, day) == period


def test_occasional_work_has_no_periods():
    assert period_containing(Frequency.OCCASIONAL, D(2026, 1, 1)) is None
    assert periods_between(Frequency.OCCASIONAL, D(2026, 1, 1), D(2026, 12, 31)) == []


def test_a_year_holds_four_quarters_and_twelve_months():
    year = (D(2026, 1, 1), D(2026, 12, 31))
    assert len(periods_between(Frequency.QUARTERLY, *year)) == 4
    assert len(periods_between(Frequency.MONTHLY, *year)) == 12
    assert periods_between(Frequency.HALF_YEARLY, *year)[1] == (D(2026, 7, 1), D(2026, 12, 31))


def test_a_quarterly_report_due_15_days_after_the_quarter_falls_in_january():
    article = Article(frequency=Frequency.QUARTERLY, due_kind=DueKind.AFTER, due_value=15)
    assert article.due_date(*period_containing(Frequency.QUARTERLY, D(2026, 11, 21))) == D(2027, 1, 15)
