"""The periods an article's frequency divides the year into, so that its due rule
(``Article.due_date``) can be applied: weeks run Monday to Sunday, quarters and halves
follow the calendar year."""

import calendar
import datetime as dt

from .models import Frequency

# Months in a period, for the frequencies that are made of whole months.
MONTHS = {Frequency.MONTHLY: 1, Frequency.QUARTERLY: 3, Frequency.HALF_YEARLY: 6, Frequency.YEARLY: 12}


def period_containing(frequency: str, day: dt.date) -> tuple[dt.date, dt.date] | None:
    """The first and last day of the period of ``frequency`` holding ``day``; None for
    occasional work, which has no periods."""
    if frequency == Frequency.DAILY:
        return day, day
    if frequency == Frequency.WEEKLY:
        start = day - dt.timedelta(days=day.isoweekday() - 1)
        return start, start + dt.timedelta(days=6)
    months = MONTHS.get(frequency)
    if months is None:
        return None
    first_month = (day.month - 1) // months * months + 1
    last_month = first_month + months - 1
    return (
        dt.date(day.year, first_month, 1),
        dt.date(day.year, last_month, calendar.monthrange(day.year, last_month)[1]),
    )


def periods_between(frequency: str, start: dt.date, end: dt.date) -> list[tuple[dt.date, dt.date]]:
    """Every period of ``frequency`` that overlaps ``[start, end]``, in order."""
    periods: list[tuple[dt.date, dt.date]] = []
    day = start
    while day <= end:
        period = period_containing(frequency, day)
        if period is None:
            return []
        periods.append(period)
        day = period[1] + dt.timedelta(days=1)
    return periods
