"""分类定级 by year: the one rule that turns a year of reviews into a year score and grade.

The rule (DOMAIN.md "Scoring": the reviewer's score is final):

* every final quarter score of the year counts once;
* the year-end check (年终检查) is the committee's check of every branch: an assessment plan of
  kind ``YEAR_END`` lists the branches, and each check is recorded as a check record of kind
  ``year_end`` (检查记录, ``CheckRecord``) on the branch's scorecard of the quarter in which it
  is held, with **its own score** (``year_end_score``). It is not the quarter's review counted
  twice: the team checks the whole year's work, and its score is what it gives;
* that score counts as one more term of the mean, as if it were a fifth quarter
  (``scoring.year_grade``), once the review of the card it is recorded on is final (the record
  is locked from then on).

A branch without a scored year-end record of that year (no check, no score yet, or its card's
review not final) gets the plain mean of its final quarters.
"""

from collections.abc import Iterable, Mapping
from decimal import Decimal

from ..models import CheckRecord, PlanKind, ScorecardStatus
from .scoring import year_grade


def year_end_scores(*, path: str, years: Iterable[int] | None = None) -> dict[tuple[int, int], Decimal]:
    """{(branch id, year): the year-end check's own score} for the branches below ``path`` (an
    organisation path), in one query: scored year-end records whose card's review is final."""
    records = CheckRecord.objects.filter(
        kind=PlanKind.YEAR_END,
        year_end_score__isnull=False,
        scorecard__status=ScorecardStatus.FINAL,
        scorecard__branch__path__startswith=path,
    )
    if years is not None:
        records = records.filter(scorecard__year__in=list(years))
    found: dict[tuple[int, int], Decimal] = {}
    # Should a branch have two (cards of two quarters), the later quarter's check wins.
    rows = records.order_by("scorecard__quarter").values_list(
        "scorecard__branch_id", "scorecard__year", "year_end_score"
    )
    for branch_id, year, score in rows:
        found[(branch_id, year)] = score
    return found


def year_result(quarter_scores: Mapping[int, Decimal], year_end_score: Decimal | None) -> tuple[Decimal | None, str]:
    """(year score, grade) from {quarter: final review score} and the year-end check's own
    score, if the branch had one."""
    return year_grade(quarter_scores.values(), year_end_score=year_end_score)
