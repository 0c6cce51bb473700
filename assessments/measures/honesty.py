"""The second honesty signal beside the self-vs-review gap: how often a branch's self-score
beat its own records — the measured rules it claimed fewer deductions on than its ledgers and
tasks suggested (``ScorecardLine.below_records``, taken when the card was submitted)."""

from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Q, Sum

from ..models import ScorecardLine


def below_records_by_branch(branch_ids: Iterable[int], *, year: int, quarter: int) -> dict[int, tuple[int, int]]:
    """Branch → (measured rules claimed below the records, lines they are on), for the
    quarter's cards of ``branch_ids`` (one query)."""
    rows = (
        ScorecardLine.objects.filter(
            scorecard__branch_id__in=list(branch_ids), scorecard__year=year, scorecard__quarter=quarter
        )
        .values("scorecard__branch_id")
        .annotate(rules=Sum("below_records"), lines=Count("pk", filter=Q(below_records__gt=0)))
        .order_by()
        .values_list("scorecard__branch_id", "rules", "lines")
    )
    return {branch_id: (rules or 0, lines) for branch_id, rules, lines in rows}


def add_below_records(rows: list[Any], *, year: int, quarter: int) -> None:
    """Sets ``below_records`` (rules) and ``below_lines`` on every dashboard ranking row."""
    signal = below_records_by_branch((row.branch_id for row in rows), year=year, quarter=quarter)
    for row in rows:
        row.below_records, row.below_lines = signal.get(row.branch_id, (0, 0))
