"""The rate of article 1-06's brackets at their boundaries, and the amount to the cent."""

from decimal import Decimal

import pytest

from dues.brackets import PayerKind, amount_for, rate_for


@pytest.mark.parametrize(
    ("base", "rate", "amount"),
    [
        ("0.00", "0.005", "0.00"),
        ("2900.00", "0.005", "14.50"),  # the article's example: 王XX
        ("3000.00", "0.005", "15.00"),
        ("3000.01", "0.01", "30.00"),
        ("4800.00", "0.01", "48.00"),  # 李XX
        ("5000.00", "0.01", "50.00"),
        ("5000.01", "0.015", "75.00"),
        ("8600.00", "0.015", "129.00"),  # 张XX
        ("10000.00", "0.015", "150.00"),
        ("10000.01", "0.02", "200.00"),
        ("3333.33", "0.01", "33.33"),
        ("6666.67", "0.015", "100.00"),  # 100.00005 → 100.00
        ("3001.50", "0.01", "30.02"),  # 30.015 rounds half up
    ],
)
def test_an_employed_members_rate_follows_the_brackets_of_article_1_06(base: str, rate: str, amount: str) -> None:
    assert rate_for(PayerKind.EMPLOYED, Decimal(base)) == Decimal(rate)
    assert amount_for(PayerKind.EMPLOYED, Decimal(base)) == Decimal(amount)
    assert amount_for(PayerKind.EMPLOYED, Decimal(base)).as_tuple().exponent == -2


@pytest.mark.parametrize(("base", "amount"), [("5000.00", "25.00"), ("5000.01", "50.00")])
def test_a_retired_member_pays_half_a_percent_up_to_5000_then_one(base: str, amount: str) -> None:
    assert amount_for(PayerKind.RETIRED, Decimal(base)) == Decimal(amount)


def test_a_student_or_unemployed_member_pays_a_fixed_small_amount_whatever_the_base() -> None:
    assert rate_for(PayerKind.LOW_INCOME, Decimal("800")) is None
    assert amount_for(PayerKind.LOW_INCOME, Decimal("800")) == Decimal("0.20")
