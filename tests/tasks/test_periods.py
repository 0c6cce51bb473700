import datetime as dt

import pytest

from tasks.periods import local_today, period_of, periods_between

D = dt.date


@pytest.mark.parametrize(
    ("frequency", "day", "key", "start", "end"),
    [
        ("daily", D(2026, 3, 31), "2026-03-31", D(2026, 3, 31), D(2026, 3, 31)),
        ("weekly", D(2026, 1, 1), "2026-W01", D(2025, 12, 29), D(2026, 1, 4)),
        ("weekly", D(2027, 1, 1), "2026-W53", D(2026, 12, 28), D(2027, 1, 3)),
        ("monthly", D(2028, 2, 10), "2028-02", D(2028, 2, 1), D(2028, 2, 29)),
        ("monthly", D(2026, 2, 10), "2026-02", D(2026, 2, 1), D(2026, 2, 28)),
        ("quarterly", D(2026, 3, 31), "2026-Q1", D(2026, 1, 1), D(2026, 3, 31)),
        ("quarterly", D(2026, 4, 1), "2026-Q2", D(2026, 4, 1), D(2026, 6, 30)),
        ("quarterly", D(2026, 12, 31), "2026-Q4", D(2026, 10, 1), D(2026, 12, 31)),
        ("half_yearly", D(2026, 6, 30), "2026-H1", D(2026, 1, 1), D(2026, 6, 30)),
        ("half_yearly", D(2026, 7, 1), "2026-H2", D(2026, 7, 1), D(2026, 12, 31)),
        ("yearly", D(2026, 7, 1), "2026", D(2026, 1, 1), D(2026, 12, 31)),
    ],
)
def test_each_frequency_has_one_period_holding_a_day(frequency, day, key, start, end) -> None:
    period = period_of(frequency, day)
    assert (period.key, period.start, period.end) == (key, start, end)


def test_occasional_work_has_no_period() -> None:
    with pytest.raises(ValueError):
        period_of("occasional", D(2026, 1, 1))


def test_periods_between_lists_every_period_overlapping_the_range() -> None:
    keys = [p.key for p in periods_between("monthly", D(2026, 11, 30), D(2027, 1, 1))]
    assert keys == ["2026-11", "2026-12", "2027-01"]
    assert len(list(periods_between("daily", D(2028, 1, 1), D(2028, 3, 31)))) == 91


def test_today_is_the_shanghai_date_on_either_side_of_a_quarter_boundary() -> None:
    utc = dt.UTC
    assert local_today(dt.datetime(2026, 3, 31, 15, 59, tzinfo=utc)) == D(2026, 3, 31)  # 23:59 in Shanghai
    assert local_today(dt.datetime(2026, 3, 31, 16, 1, tzinfo=utc)) == D(2026, 4, 1)  # 00:01 in Shanghai
