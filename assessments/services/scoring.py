"""The one place a score is computed: line scores, totals and grades (分类定级).

A line's score is its max minus the deductions applied, each rule counted ``count`` times and
never more than its cap; the result is never below 0 nor above the max.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from handbook.models import Article, Line

from ..models import Grade

# 好 ≥ 90, 较好 ≥ 80, 一般 ≥ 60, 较差 below; override with ASSESSMENT_GRADE_THRESHOLDS.
DEFAULT_THRESHOLDS = {Grade.GOOD: 90, Grade.FAIRLY_GOOD: 80, Grade.AVERAGE: 60}
TWO_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class Applied:
    points: Decimal
    cap: Decimal | None
    count: int


def rule_deduction(applied: Applied) -> Decimal:
    """Points off for one rule: points × count, at most its cap."""
    if applied.count <= 0:
        return Decimal(0)
    total = Decimal(applied.points) * applied.count
    if applied.cap is not None:
        total = min(total, Decimal(applied.cap))
    return total


def refuse_if_not_assessed(article: Article, quarter: int) -> None:
    """Yearly and half-yearly work is deducted at the end of its period (or in the quarters the
    edition names): in another quarter the line keeps its full score, on either side."""
    if not article.is_assessed_in(quarter):
        raise ValidationError(
            _(
                "%(code)s %(title)s is not assessed in Q%(quarter)d (only in %(quarters)s): "
                "no deduction can be made on it this quarter."
            )
            % {"code": article.code, "title": article.title, "quarter": quarter, "quarters": article.quarters_text}
        )


def line_score(max_score: Decimal, applied: Iterable[Applied]) -> Decimal:
    deducted = sum((rule_deduction(a) for a in applied), Decimal(0))
    score = min(Decimal(max_score), max(Decimal(0), Decimal(max_score) - deducted))
    return score.quantize(TWO_PLACES)


def thresholds() -> list[tuple[str, Decimal]]:
    """(grade, lowest score) from the best grade down."""
    configured = getattr(settings, "ASSESSMENT_GRADE_THRESHOLDS", None) or DEFAULT_THRESHOLDS
    pairs = [(str(grade), Decimal(str(low))) for grade, low in configured.items()]
    return sorted(pairs, key=lambda pair: pair[1], reverse=True)


def grade_for(total: Decimal | None) -> str:
    if total is None:
        return ""
    for grade, low in thresholds():
        if Decimal(total) >= low:
            return grade
    return Grade.POOR


def year_grade(quarter_scores: Iterable[Decimal], year_end_score: Decimal | None = None) -> tuple[Decimal | None, str]:
    """A year's score and grade: the mean of the final quarter scores, with the year-end check
    counted as one more quarter when there was one."""
    scores = [Decimal(s) for s in quarter_scores]
    if year_end_score is not None:
        scores.append(Decimal(year_end_score))
    if not scores:
        return None, ""
    mean = (sum(scores, Decimal(0)) / len(scores)).quantize(TWO_PLACES)
    return mean, grade_for(mean)


@dataclass(frozen=True)
class LineSubtotal:
    """大政工: one line's (party, union or league) share of a card: max, self and review."""

    line: str
    max_score: Decimal
    self_score: Decimal
    review_score: Decimal | None

    @property
    def label(self) -> str:
        return str(Line(self.line).label) if self.line in Line.values else self.line

    @property
    def gap(self) -> Decimal | None:
        """Self minus review, as on the card: positive when the branch scored itself higher."""
        return None if self.review_score is None else self.self_score - self.review_score


def line_subtotals(lines: Iterable[Any]) -> list[LineSubtotal]:
    """Max, self and review subtotals per 大政工 line from a card's loaded lines (each with its
    ``article``), party first; no query. The review subtotal is None until the card has one."""
    sums: dict[str, list[Decimal]] = {}
    reviewed: set[str] = set()
    for item in lines:
        key = item.article.line
        total = sums.setdefault(key, [Decimal(0), Decimal(0), Decimal(0)])
        total[0] += Decimal(item.max_score)
        total[1] += Decimal(item.self_score)
        if item.review_score is not None:
            total[2] += Decimal(item.review_score)
            reviewed.add(key)
    order = {value: n for n, value in enumerate(Line.values)}
    return [
        LineSubtotal(key, m, s, r if key in reviewed else None)
        for key, (m, s, r) in sorted(sums.items(), key=lambda pair: order.get(pair[0], len(order)))
    ]
