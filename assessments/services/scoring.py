"""The one place a score is computed: line scores, totals and grades (分类定级).

A line's score is its max minus the deductions applied, each rule counted ``count`` times and
never more than its cap; the result is never below 0 nor above the max.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

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
