"""A quarter in words on a page (2026年第3季度), never its stored code (2026Q3)."""

from typing import Any

from django import template
from django.core.exceptions import ValidationError

from config.request_values import parse_quarter

from ..desk import quarter_label

register = template.Library()


@register.filter
def period_label(value: Any) -> str:
    """``value``: anything with ``year`` and ``quarter`` (a scorecard, a plan, a study focus) or
    a quarter's code; an empty or unreadable value is shown as it is."""
    if isinstance(value, str):
        try:
            return quarter_label(*parse_quarter(value))
        except ValidationError:
            return value
    year, quarter = getattr(value, "year", None), getattr(value, "quarter", None)
    if year is None or quarter is None:
        return "" if value is None else str(value)
    return quarter_label(year, quarter)
