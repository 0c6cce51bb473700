"""Chinese resident ID numbers (GB 11643-1999): check digit, birth date, masking."""

import datetime as dt
import re

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
# How many characters a masked number shows at each end: the region and the tail.
SHOWN = 4
_SHAPE = re.compile(r"[0-9]{17}[0-9X]")


class InvalidIdNumber(ValueError):
    """The message is a user-facing reason (translated by the caller)."""


def normalise(raw: str) -> str:
    return (raw or "").strip().upper().replace(" ", "")


def check_char(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def birth_date_of(number: str) -> dt.date:
    return dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def validate(raw: str) -> str:
    """Returns the normalised number or raises InvalidIdNumber with a reason code."""
    number = normalise(raw)
    if len(number) != 18:
        raise InvalidIdNumber("length")
    # ASCII digits only: "²" and "①" pass str.isdigit but not int().
    if not _SHAPE.fullmatch(number):
        raise InvalidIdNumber("characters")
    try:
        birth_date_of(number)
    except ValueError as exc:
        raise InvalidIdNumber("birth_date") from exc
    if check_char(number[:17]) != number[17]:
        raise InvalidIdNumber("check_digit")
    return number


def mask(number: str) -> str:
    """``4201**********123X``: the region and the last four characters stay visible."""
    if len(number) < 2 * SHOWN:
        return "*" * len(number)
    return number[:SHOWN] + "*" * (len(number) - 2 * SHOWN) + number[-SHOWN:]
