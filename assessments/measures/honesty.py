"""The second honesty signal beside the self-vs-review gap: how often a branch's self-score
beat its own records — the measured rules it claimed fewer deductions on than its ledgers and
tasks suggested (``ScorecardLine.below_records``, taken when the card was submitted)."""

from typing import Any

from django.db.models import Count, Sum

from branches.models import Organisation
from branches.selectors import in_subtree

from ..models import ScorecardLine


def below_records_by_branch(root: Organisation, *, year: int, quarter: int) -> dict[int, tuple[int, int]]:
    """Branch → (measured rules claimed below the records, lines they are on), for the
    quarter's cards in ``root``'s subtree that have such lines (one query, always made: the
    dashboard's query count does not depend on what there is)."""
    rows = (
        ScorecardLine.objects.filter(
            in_subtree(root, via="scorecard__branch__path"),
            scorecard__year=year,
            scorecard__quarter=quarter,
            below_records__gt=0,
        )
        .values("scorecard__branch_id")
        .annotate(rules=Sum("below_records"), lines=Count("pk"))
        .order_by()
        .values_list("scorecard__branch_id", "rules", "lines")
    )
    return {branch_id: (rules or 0, lines) for branch_id, rules, lines in rows}


def add_below_records(rows: list[Any], *, root: Organisation, year: int, quarter: int) -> None:
    """Sets ``below_records`` (rules) and ``below_lines`` on every dashboard ranking row."""
    signal = below_records_by_branch(root, year=year, quarter=quarter)
    for row in rows:
        row.below_records, row.below_lines = signal.get(row.branch_id, (0, 0))
