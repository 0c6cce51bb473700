"""The dashboard's figures over the quarter's cards of a subtree, counted and ranked by the
database: the tiles, the grades and the number ranked in one aggregate; the ranking's rows
in the order asked (each with its rank by score among all, a window function) and the
chart's widest gaps, each cut by LIMIT. At 20,000 branches the page reads a few hundred rows,
not one per branch."""

import datetime as dt
from decimal import Decimal
from typing import Any, NamedTuple

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
from config.baked import Baked, one_row

from .desk import PARTITION, DeskState, active_under
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


def with_cards(path: str, *, year: int, quarter: int, previous: tuple[int, int] | None = None) -> QuerySet:
    """The active branches of the subtree at ``path``, each joined to its card of the quarter
    (``card``) and, with ``previous``, to its final card of that quarter (``previous``): one
    card per branch and quarter, so the joins add no rows."""
    rows = Organisation.objects.filter(active_under(path)).annotate(
        card=FilteredRelation("scorecards", condition=Q(scorecards__year=year, scorecards__quarter=quarter))
    )
    if previous is not None:
        py, pq = previous
        rows = rows.annotate(
            previous=FilteredRelation(
                "scorecards",
                condition=Q(scorecards__year=py, scorecards__quarter=pq, scorecards__status=ScorecardStatus.FINAL),
            )
        )
    return rows.order_by()


def late_filter(fallback: dt.date, today: dt.date, *, passed: bool) -> Q:
    """``desk.is_late_with`` in SQL: submitted after the deadline (the flag), or not in — no
    card, a draft, returned — once the card's deadline (else ``fallback``) has passed
    (``passed``: ``fallback < today``, which decides the SQL's text)."""
    not_in = Q(card__status__in=SELF_EDITABLE, deadline_or_fallback__lt=today)
    flagged = Q(card__is_late=True) & ~Q(card__status__in=SELF_EDITABLE)
    late = not_in | flagged
    return late | Q(card__id__isnull=True) if passed else late


def _with_deadline(rows: QuerySet[Organisation], fallback: dt.date) -> QuerySet[Organisation]:
    return rows.annotate(deadline_or_fallback=Coalesce("card__deadline", Value(fallback)))


_STATE_FILTERS = {
    DeskState.NOT_SUBMITTED.value: Q(card__id__isnull=True) | Q(card__status=ScorecardStatus.DRAFT),
    **{state.value: Q(card__status=state.value) for state in PARTITION if state != DeskState.NOT_SUBMITTED},
}


def _counts(*, passed: bool, path: str, year: int, quarter: int, fallback: dt.date, today: dt.date) -> QuerySet:
    rows = _with_deadline(with_cards(path, year=year, quarter=quarter), fallback)
    return one_row(
        rows,
        branches=Count("pk"),
        started=Count("card__id"),
        late=Count("pk", filter=late_filter(fallback, today, passed=passed)),
        **{state: Count("pk", filter=q) for state, q in _STATE_FILTERS.items()},
        **{
            f"grade-{grade}": Count("pk", filter=Q(card__status=ScorecardStatus.FINAL, card__grade=grade))
            for grade in Grade.values
        },
    )


COUNTS = Baked(_counts)
COUNT_NAMES = ("branches", "started", "late", *_STATE_FILTERS, *(f"grade-{grade}" for grade in Grade.values))


def quarter_counts(path: str, *, year: int, quarter: int, fallback: dt.date, today: dt.date) -> dict[str, int]:
    """One aggregate: the active branches, those with a card, each of the five states, the
    late ones, the final cards and their grades (keys ``grade-<code>``)."""
    period = {"path": path, "year": year, "quarter": quarter, "fallback": fallback, "today": today}
    (row,) = COUNTS.rows(shape={"passed": fallback < today}, **period)
    return dict(zip(COUNT_NAMES, row, strict=True))


def late_names(path: str, *, year: int, quarter: int, fallback: dt.date, today: dt.date) -> list[str]:
    """The names of the late branches, sorted (the API lists them; the page counts them)."""
    rows = _with_deadline(with_cards(path, year=year, quarter=quarter), fallback)
    late = rows.filter(late_filter(fallback, today, passed=fallback < today))
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


class Place(NamedTuple):
    """Where the ranking reads: the subtree's path, the quarter, and the quarter before."""

    path: str
    year: int
    quarter: int
    pyear: int
    pquarter: int


def _finals(path: str, year: int, quarter: int, pyear: int, pquarter: int) -> QuerySet[Organisation]:
    rows = with_cards(path, year=year, quarter=quarter, previous=(pyear, pquarter))
    return rows.filter(card__status=ScorecardStatus.FINAL)


def _ranking(*, sort: str, limit: int | None, **place: Any) -> QuerySet:
    finals = (
        _finals(**place)
        .annotate(rank=Window(RowNumber(), order_by=BY_SCORE))
        .order_by(*ORDERS[sort])
        .values_list(*FINAL_FIELDS, "rank")
    )
    return finals if limit is None else finals[:limit]


def _gaps(**place: Any) -> QuerySet:
    gaps = _finals(**place).order_by(Abs(F("card__self_total") - F("card__review_total")).desc(), *BY_SCORE)
    return gaps.values_list(*FINAL_FIELDS)[:GAPS_SHOWN]


RANKING = Baked(_ranking)
GAPS = Baked(_gaps)


def ranking_rows(place: Place, *, sort: str, limit: int | None) -> list[RankRow]:
    """The final cards in the order ``sort`` (``ORDERS``), the first ``limit`` (every one
    with None), each with its rank by score (best first, then by code) among all."""
    shape = {"sort": sort if sort in ORDERS else "score", "limit": limit}
    return [RankRow(*row) for row in RANKING.rows(shape=shape, **place._asdict())]


def widest_gaps(place: Place) -> list[Final]:
    """The ``GAPS_SHOWN`` final cards whose self-score is farthest from the review, ties in
    the ranking's order."""
    return [Final(*row) for row in GAPS.rows(**place._asdict())]
