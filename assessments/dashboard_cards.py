"""The dashboard's figures over the quarter's cards of a subtree, counted and ranked by the
database: the tiles, the grades and the number ranked in one aggregate; the ranking's rows
in the order asked (each with its rank by score among all, a window function) and the
chart's widest gaps, each cut by LIMIT. At 20,000 branches the page reads a few hundred rows,
not one per branch."""

import datetime as dt
from decimal import Decimal
from typing import NamedTuple

from django.db.models import (
    Count,
    DecimalField,
    F,
    FilteredRelation,
    OrderBy,
    Q,
    QuerySet,
    Value,
    Window,
)
from django.db.models.functions import Abs, Coalesce, RowNumber

from branches.models import Organisation

from .desk import PARTITION, DeskState, active_branches
from .models import Grade, ScorecardStatus, grade_label
from .models.scorecards import SELF_EDITABLE

GAPS_SHOWN = 30  # the chart of the widest self-vs-review gaps


class Final(NamedTuple):
    """A final card of the quarter as the ranking and the gaps chart read it."""

    branch_id: int
    name: str
    code: str
    is_key: bool
    score: Decimal
    self_score: Decimal
    grade: str
    previous: Decimal | None
    below_records: int  # the second honesty signal: rules claimed below the records
    rank: int = 0  # by score among all the final cards; 0 where no rank is read

    @property
    def gap(self) -> Decimal:
        return self.self_score - self.score

    @property
    def trend(self) -> str:
        if self.previous is None:
            return ""
        if self.score > self.previous:
            return "up"
        return "down" if self.score < self.previous else "same"

    @property
    def grade_label(self) -> str:
        return grade_label(self.grade)


RankRow = Final  # a row of the ranking: a final card with its rank


FINAL_FIELDS = (
    "pk",
    "name",
    "code",
    "is_key",
    "card__review_total",
    "card__self_total",
    "card__grade",
    "previous__review_total",
    "card__below_records",
)


def with_cards(root: Organisation, *, year: int, quarter: int, previous: tuple[int, int]) -> QuerySet[Organisation]:
    """The active branches of ``root``'s subtree, each joined to its card of the quarter
    (``card``) and to its final card of the quarter before (``previous``): one card per
    branch and quarter, so the joins add no rows."""
    py, pq = previous
    return (
        active_branches(root)
        .annotate(
            card=FilteredRelation("scorecards", condition=Q(scorecards__year=year, scorecards__quarter=quarter)),
            previous=FilteredRelation(
                "scorecards",
                condition=Q(scorecards__year=py, scorecards__quarter=pq, scorecards__status=ScorecardStatus.FINAL),
            ),
        )
        .order_by()
    )


def late_filter(fallback: dt.date, today: dt.date) -> Q:
    """``desk.is_late_with`` in SQL: submitted after the deadline (the flag), or not in — no
    card, a draft, returned — once the card's deadline (else ``fallback``) has passed."""
    not_in = Q(card__status__in=SELF_EDITABLE, deadline_or_fallback__lt=today)
    flagged = Q(card__is_late=True) & ~Q(card__status__in=SELF_EDITABLE)
    late = not_in | flagged
    return late | Q(card__id__isnull=True) if fallback < today else late


def _with_deadline(rows: QuerySet[Organisation], fallback: dt.date) -> QuerySet[Organisation]:
    return rows.annotate(deadline_or_fallback=Coalesce("card__deadline", Value(fallback)))


def quarter_counts(rows: QuerySet[Organisation], *, fallback: dt.date, today: dt.date) -> dict[str, int]:
    """One aggregate: the active branches, those with a card, each of the five states, the
    late ones, the final cards and their grades (keys ``grade-<code>``)."""
    state_filters = {
        DeskState.NOT_SUBMITTED.value: Q(card__id__isnull=True) | Q(card__status=ScorecardStatus.DRAFT),
        **{state.value: Q(card__status=state.value) for state in PARTITION if state != DeskState.NOT_SUBMITTED},
    }
    return _with_deadline(rows, fallback).aggregate(
        branches=Count("pk"),
        started=Count("card__id"),
        late=Count("pk", filter=late_filter(fallback, today)),
        **{state: Count("pk", filter=q) for state, q in state_filters.items()},
        **{
            f"grade-{grade}": Count("pk", filter=Q(card__status=ScorecardStatus.FINAL, card__grade=grade))
            for grade in Grade.values
        },
    )


def late_names(rows: QuerySet[Organisation], *, fallback: dt.date, today: dt.date) -> list[str]:
    """The names of the late branches, sorted (the API lists them; the page counts them)."""
    late = _with_deadline(rows, fallback).filter(late_filter(fallback, today))
    return sorted(late.values_list("name", flat=True))


_DECIMAL = DecimalField(max_digits=8, decimal_places=2)
BY_SCORE = (F("card__review_total").desc(), F("code").asc())
ORDERS: dict[str, tuple[OrderBy, ...]] = {
    "score": BY_SCORE,
    "gap": (Abs(F("card__self_total") - F("card__review_total")).desc(), F("code").asc()),
    "name": (F("code").asc(),),
    # The biggest rise first; a branch without last quarter's score counts as no change.
    "trend": (
        Coalesce(F("previous__review_total") - F("card__review_total"), Value(0), output_field=_DECIMAL).asc(),
        F("code").asc(),
    ),
}


def ranking_rows(rows: QuerySet[Organisation], *, sort: str, limit: int | None) -> list[RankRow]:
    """The final cards in the order ``sort`` (``ORDERS``), the first ``limit`` (every one
    with None), each with its rank by score (best first, then by code) among all."""
    finals = (
        rows.filter(card__status=ScorecardStatus.FINAL)
        .annotate(rank=Window(RowNumber(), order_by=BY_SCORE))
        .order_by(*ORDERS.get(sort, BY_SCORE))
        .values_list(*FINAL_FIELDS, "rank")
    )
    return [RankRow(*row) for row in (finals if limit is None else finals[:limit])]


def widest_gaps(rows: QuerySet[Organisation]) -> list[Final]:
    """The ``GAPS_SHOWN`` final cards whose self-score is farthest from the review, ties in
    the ranking's order."""
    gaps = (
        rows.filter(card__status=ScorecardStatus.FINAL)
        .order_by(Abs(F("card__self_total") - F("card__review_total")).desc(), *BY_SCORE)
        .values_list(*FINAL_FIELDS)
    )
    return [Final(*row) for row in gaps[:GAPS_SHOWN]]
