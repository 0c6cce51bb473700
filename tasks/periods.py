"""Periods of work (日/周/月/季/半年/年) and their keys, in Asia/Shanghai dates.

A key names one period of one frequency: ``2026-11-21`` (day), ``2026-W47`` (ISO week),
``2026-11`` (month), ``2026-Q4``, ``2026-H2``, ``2026``. Keys are what the unique
constraints hold, so the same period always gets the same key.
"""

import calendar
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from handbook.models import Frequency


@dataclass(frozen=True)
class Period:
    frequency: str
    key: str
    start: dt.date
    end: dt.date

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


def local_today(now: dt.datetime | None = None) -> dt.date:
    """Today in Asia/Shanghai: 23:59 on 31 March is still the first quarter there."""
    return timezone.localdate(now or timezone.now())


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def period_of(frequency: str, day: dt.date) -> Period:
    """The period of ``frequency`` that holds ``day``."""
    if frequency == Frequency.DAILY:
        return Period(frequency, day.isoformat(), day, day)
    if frequency == Frequency.WEEKLY:
        start = day - dt.timedelta(days=day.isoweekday() - 1)
        year, week, _ = day.isocalendar()
        return Period(frequency, f"{year}-W{week:02d}", start, start + dt.timedelta(days=6))
    if frequency == Frequency.MONTHLY:
        return Period(frequency, f"{day:%Y-%m}", day.replace(day=1), _month_end(day.year, day.month))
    if frequency == Frequency.QUARTERLY:
        quarter = (day.month - 1) // 3 + 1
        first = 3 * quarter - 2
        return Period(frequency, f"{day.year}-Q{quarter}", dt.date(day.year, first, 1), _month_end(day.year, first + 2))
    if frequency == Frequency.HALF_YEARLY:
        half = 1 if day.month <= 6 else 2
        first = 1 if half == 1 else 7
        return Period(frequency, f"{day.year}-H{half}", dt.date(day.year, first, 1), _month_end(day.year, first + 5))
    if frequency == Frequency.YEARLY:
        return Period(frequency, str(day.year), dt.date(day.year, 1, 1), dt.date(day.year, 12, 31))
    raise ValueError(f"{frequency!r} has no periods")


def periods_between(frequency: str, first: dt.date, last: dt.date) -> Iterator[Period]:
    """Every period of ``frequency`` that overlaps ``[first, last]``, in order."""
    period = period_of(frequency, first)
    while period.start <= last:
        yield period
        period = period_of(frequency, period.end + dt.timedelta(days=1))


# Work that repeats on a schedule; occasional work (如遇重大事项) has no period to generate.
SCHEDULED_FREQUENCIES = (
    Frequency.DAILY,
    Frequency.WEEKLY,
    Frequency.MONTHLY,
    Frequency.QUARTERLY,
    Frequency.HALF_YEARLY,
    Frequency.YEARLY,
)


# Every key form above, with or without the dash (2026-Q3 and the assessments' 2026Q3 alike).
_KEY = re.compile(
    r"(?P<year>[0-9]{4})(?:-?(?:(?P<month>[0-9]{2})(?:-(?P<day>[0-9]{2}))?"
    r"|W(?P<week>[0-9]{2})|Q(?P<quarter>[1-4])|H(?P<half>[12])))?"
)


def period_key_label(key: object) -> str:
    """A period's key in words, as a page shows it (2026-11 → 2026年11月, 2026-Q3 → 2026年第3季度,
    2026-W48 → 2026年第48周, 2026-H1 → 2026年上半年, 2026 → 2026年); a key of no known form is
    shown as it is, an empty one as nothing."""
    text = "" if key is None else str(key).strip()
    match = _KEY.fullmatch(text.upper())
    if not match:
        return text
    parts = {name: int(value) for name, value in match.groupdict().items() if value is not None}
    year = parts["year"]
    if "day" in parts:
        return _("%(year)d, month %(month)d, day %(day)d") % parts
    if "month" in parts:
        return _("%(year)d, month %(month)d") % parts
    if "week" in parts:
        return _("%(year)d, week %(week)d") % parts
    if "quarter" in parts:
        return _("%(year)d, quarter %(quarter)d") % parts
    if "half" in parts:
        return (_("%(year)d, first half") if parts["half"] == 1 else _("%(year)d, second half")) % parts
    return _("year %(year)d") % {"year": year}
