"""One way to read a value a view takes from GET or POST by hand.

``str.isdigit`` is true for "²" and "①", which ``int()`` refuses; ``Decimal()`` takes "NaN",
"sNaN", "Infinity" and "1e30", which no score column holds; an id past 2^63 − 1 overflows
SQLite; a NUL byte cannot be stored by PostgreSQL. Every hand-read value goes through one of
these parsers: ASCII digits only, ids within the 64-bit signed range, finite decimals within the
column's digits, quarters written ``YYYYQn``, text without control characters.

Each parser raises ``ValidationError`` with a message for the user (a view shows it as a form
error or a message and changes nothing), or — the ``*_or_none``/``*_or`` variants, for
query-string filters — falls back to "no filter".
"""

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import DecimalValidator
from django.utils.translation import gettext as _

# The largest primary key a 64-bit signed column holds (PostgreSQL bigint, SQLite INTEGER).
MAX_ID = 2**63 - 1
_DIGITS = re.compile(r"[0-9]{1,19}")
_SIGNED = re.compile(r"-?[0-9]{1,18}")
_QUARTER = re.compile(r"([0-9]{4})Q([1-4])")
# C0 controls but tab, line feed and carriage return (which a textarea sends), DEL, and C1.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def is_ascii_digits(text: str, *, max_digits: int = 19) -> bool:
    """True for 1 to ``max_digits`` characters 0-9 — never for "²", "①" or "٣"."""
    return bool(re.fullmatch(rf"[0-9]{{1,{max_digits}}}", text))


def parse_id(raw: object) -> int | None:
    """A primary key: ASCII digits, 1 to 2^63 − 1; None for anything else (a lookup with it
    would find nothing, so the caller answers "not found")."""
    text = str(raw).strip() if raw is not None else ""
    if not _DIGITS.fullmatch(text):
        return None
    value = int(text)
    return value if 1 <= value <= MAX_ID else None


def parse_int(raw: object, *, min_value: int | None = None, max_value: int | None = None) -> int:
    """A whole number in ASCII digits, optionally signed, within the bounds given."""
    text = str(raw).strip() if raw is not None else ""
    if not _SIGNED.fullmatch(text):
        raise ValidationError(_("Enter a whole number."), code="invalid")
    value = int(text)
    if (min_value is not None and value < min_value) or (max_value is not None and value > max_value):
        raise ValidationError(
            _("Enter a whole number from %(min)s to %(max)s.")
            % {"min": min_value if min_value is not None else "", "max": max_value if max_value is not None else ""},
            code="out_of_range",
        )
    return value


def parse_int_or(raw: object, default: int, *, min_value: int | None = None, max_value: int | None = None) -> int:
    """A query-string number, or ``default`` when it is missing or not a number in range."""
    try:
        return parse_int(raw, min_value=min_value, max_value=max_value)
    except ValidationError:
        return default


def parse_decimal(
    raw: object,
    *,
    max_digits: int,
    decimal_places: int,
    min_value: Decimal | int | None = None,
    max_value: Decimal | int | None = None,
    message: str | None = None,
) -> Decimal:
    """A finite decimal that fits a ``DecimalField(max_digits, decimal_places)`` column: NaN,
    sNaN, Infinity and 1e30 are refused, and so is a value with more places than the column."""
    text = str(raw).strip() if raw is not None else ""
    refusal = ValidationError(message or _("Enter a number."), code="invalid")
    if len(text) > 40:
        raise refusal
    try:
        value = Decimal(text)
    except (InvalidOperation, ValueError):
        raise refusal from None
    if not value.is_finite() or value.adjusted() >= max_digits:
        raise refusal
    # "2.500" is 2.50; "2.505" has a place more than the column keeps.
    quantized = value.quantize(Decimal(1).scaleb(-decimal_places))
    if quantized != value:
        raise refusal
    try:
        DecimalValidator(max_digits, decimal_places)(quantized)
    except ValidationError:
        raise refusal from None
    value = quantized
    if (min_value is not None and value < min_value) or (max_value is not None and value > max_value):
        raise ValidationError(
            message or _("Enter a number from %(min)s to %(max)s.") % {"min": min_value, "max": max_value},
            code="out_of_range",
        )
    return value


def parse_quarter(raw: object) -> tuple[int, int]:
    """``2026Q3`` → (2026, 3); a year from 2000 to 2100."""
    text = str(raw).strip().upper() if raw is not None else ""
    match = _QUARTER.fullmatch(text)
    if not match or not 2000 <= int(match.group(1)) <= 2100:
        raise ValidationError(_("A quarter is written like 2026Q3."), code="invalid")
    return int(match.group(1)), int(match.group(2))


def parse_date_or_none(raw: object) -> dt.date | None:
    """An ISO date (2026-10-31), or None for anything else."""
    text = str(raw).strip() if raw is not None else ""
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def choice_or(raw: object, choices: object, default: str = "") -> str:
    """``raw`` when it is one of ``choices`` (values), else ``default``."""
    return raw if isinstance(raw, str) and raw in choices else default  # type: ignore[operator]


def has_control_characters(text: str) -> bool:
    """NUL and the other control characters no form field means to send (tab and line breaks aside)."""
    return bool(_CONTROL.search(text))


def clean_text(raw: object, *, max_length: int) -> str:
    """Free text from a form: stripped, without control characters, at most ``max_length`` long."""
    text = str(raw).strip() if raw is not None else ""
    if has_control_characters(text):
        raise ValidationError(_("The text contains control characters; remove them and try again."), code="control")
    if len(text) > max_length:
        raise ValidationError(
            _("Keep the text within %(max)d characters (it has %(length)d).")
            % {"max": max_length, "length": len(text)},
            code="max_length",
        )
    return text
