"""党费交纳比例: the rate of a member's monthly dues, kept as data in this one place.

The brackets of employed members are handbook article 1-06's ("3000元以下含3000元交0.5%，
3000—5000元含5000元交1%，5000—10000元含10000元交1.5%，10000元以上交2%"), which are the
Central Organisation Department's 2008 rule (中组发〔2008〕3号). The article names no other
kind of member; the same rule's own rates for retired members and for students, unemployed
members and members living on relief are kept here beside them.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

CENT = Decimal("0.01")


class PayerKind(models.TextChoices):
    EMPLOYED = "employed", _("Employed")  # 在岗职工
    RETIRED = "retired", pgettext_lazy("payer kind", "Retired")  # 离退休
    LOW_INCOME = "low_income", _("Student, unemployed or on relief")  # 学生、下岗失业、领取低保


@dataclass(frozen=True)
class Bracket:
    up_to: Decimal | None  # the highest base of the bracket, inclusive; None: no ceiling
    rate: Decimal  # a fraction of the base, 0.005 = 0.5 %


# Base → rate; the first bracket whose ceiling the base does not pass.
BRACKETS: dict[str, tuple[Bracket, ...]] = {
    PayerKind.EMPLOYED: (
        Bracket(Decimal("3000"), Decimal("0.005")),
        Bracket(Decimal("5000"), Decimal("0.01")),
        Bracket(Decimal("10000"), Decimal("0.015")),
        Bracket(None, Decimal("0.02")),
    ),
    PayerKind.RETIRED: (
        Bracket(Decimal("5000"), Decimal("0.005")),
        Bracket(None, Decimal("0.01")),
    ),
}
# A fixed amount a month whatever the base.
FIXED: dict[str, Decimal] = {PayerKind.LOW_INCOME: Decimal("0.20")}


def rate_for(kind: str, base: Decimal) -> Decimal | None:
    """The bracket's rate for ``base``; None for a kind paying a fixed amount."""
    if kind in FIXED:
        return None
    for bracket in BRACKETS[kind]:
        if bracket.up_to is None or base <= bracket.up_to:
            return bracket.rate
    raise LookupError(kind)  # pragma: no cover - every table ends without a ceiling


def amount_for(kind: str, base: Decimal) -> Decimal:
    """The month's dues, to the cent (half up, as a cashier rounds)."""
    if kind in FIXED:
        return FIXED[kind]
    return (base * rate_for(kind, base)).quantize(CENT, rounding=ROUND_HALF_UP)


def summary(kind: str = PayerKind.EMPLOYED) -> str:
    """The brackets in words, from the table above: what the month page prints."""
    parts = []
    below = None
    for bracket in BRACKETS[kind]:
        if bracket.up_to is None:
            text = _("above %(limit)s yuan %(rate)s") % {"limit": below, "rate": rate_label(kind, bracket.rate)}
        else:
            text = _("up to %(limit)s yuan %(rate)s") % {"limit": bracket.up_to, "rate": rate_label(kind, bracket.rate)}
            below = bracket.up_to
        parts.append(str(text))
    return str(
        _("Rates by article 1-06: %(brackets)s. An amount set by hand needs a reason.")
        % {"brackets": str(_("; ")).join(parts)}
    )


def rate_label(kind: str, rate: Decimal | None) -> str:
    """ "1.5%" or the fixed amount, for pages and the xlsx."""
    if rate is None:
        return f"{FIXED.get(kind, Decimal(0))}元/月"
    return f"{(rate * 100).normalize():f}%"
