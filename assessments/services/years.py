"""分类定级 by year: the one rule that turns a year of reviews into a year score and grade.

The rule (DOMAIN.md "Scoring": the reviewer's score is final):

* every final quarter score of the year counts once;
* the year-end check (年终检查) is the committee's check of every branch, recorded as an
  assessment plan of kind ``YEAR_END`` that names the year, the quarter in which the check is
  held (normally Q4) and the branches it covers. The check has no scorecard of its own: the
  team reviews the branch's scorecard of that quarter, so the year-end check's score is the
  final review score of that scorecard;
* the year-end check then counts once more, as if it were a fifth quarter (``year_grade``):
  the whole-committee check weighs twice as much as a quarter's review.

A branch the year-end check did not cover (no plan, not an entry of it, or its card of that
quarter is not final yet) gets the plain mean of its final quarters.
"""

from collections.abc import Iterable, Mapping
from decimal import Decimal

from ..models import PlanEntry, PlanKind
from .scoring import year_grade


def year_end_quarters(*, path: str, years: Iterable[int] | None = None) -> dict[tuple[int, int], int]:
    """{(branch id, year): quarter of its year-end check} for the branches below ``path``
    (an organisation path), in one query. Should two plans cover a branch, the later quarter wins."""
    entries = PlanEntry.objects.filter(plan__kind=PlanKind.YEAR_END, branch__path__startswith=path)
    if years is not None:
        entries = entries.filter(plan__year__in=list(years))
    found: dict[tuple[int, int], int] = {}
    for branch_id, year, quarter in entries.values_list("branch_id", "plan__year", "plan__quarter"):
        found[(branch_id, year)] = max(quarter, found.get((branch_id, year), 0))
    return found


def year_result(quarter_scores: Mapping[int, Decimal], year_end_quarter: int | None) -> tuple[Decimal | None, str]:
    """(year score, grade) from {quarter: final review score} and the quarter of the year-end
    check, if the branch had one."""
    year_end = quarter_scores.get(year_end_quarter) if year_end_quarter else None
    return year_grade(quarter_scores.values(), year_end_score=year_end)
