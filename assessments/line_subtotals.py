"""大政工 subtotals (party / union / league, by ``Article.line``) read from the database: one
aggregate query each, whatever the number of cards or lines. The same figures from lines
already loaded are ``services.scoring.line_subtotals``."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, Sum

from branches.models import Organisation
from branches.selectors import in_subtree
from handbook.models import Line

from .models import Scorecard, ScorecardLine, ScorecardStatus
from .services.scoring import TWO_PLACES, LineSubtotal


def _ordered(rows: list[dict]) -> list[dict]:
    order = {value: n for n, value in enumerate(Line.values)}
    return sorted(rows, key=lambda row: order.get(row["line"], len(order)))


def card_line_subtotals(card: Scorecard) -> list[LineSubtotal]:
    """One card's subtotals, as ``line_subtotals`` computes them from its loaded lines."""
    rows = (
        ScorecardLine.objects.filter(scorecard=card)
        .values(line=F("article__line"))
        .annotate(m=Sum("max_score"), s=Sum("self_score"), r=Sum("review_score"), reviewed=Count("review_score"))
        .order_by()
    )
    # Quantized: SQLite's sums of decimals come back as 5.5, not 5.50.
    return [
        LineSubtotal(
            row["line"],
            Decimal(row["m"]).quantize(TWO_PLACES),
            Decimal(row["s"]).quantize(TWO_PLACES),
            Decimal(row["r"]).quantize(TWO_PLACES) if row["reviewed"] else None,
        )
        for row in _ordered(list(rows))
    ]


@dataclass(frozen=True)
class LineAverage:
    """A quarter's final cards under a unit: the average card's max, self and review score on
    one 大政工 line."""

    line: str
    cards: int
    max_score: Decimal
    self_score: Decimal
    review_score: Decimal

    @property
    def label(self) -> str:
        return str(Line(self.line).label) if self.line in Line.values else self.line

    @property
    def rate(self) -> Decimal:
        """The review score as a percentage of the max."""
        return (100 * self.review_score / self.max_score).quantize(TWO_PLACES) if self.max_score else Decimal(0)


def quarter_line_subtotals(root: Organisation, *, year: int, quarter: int) -> list[LineAverage]:
    """Per 大政工 line, the average of the quarter's final cards below ``root`` (the dashboard's
    cards): one query. Sums are divided in Python, as Decimals, on every database."""
    rows = (
        ScorecardLine.objects.filter(
            in_subtree(root, via="scorecard__branch__path"),
            scorecard__year=year,
            scorecard__quarter=quarter,
            scorecard__status=ScorecardStatus.FINAL,
        )
        .values(line=F("article__line"))
        .annotate(
            m=Sum("max_score"), s=Sum("self_score"), r=Sum("review_score"), cards=Count("scorecard", distinct=True)
        )
        .order_by()
    )
    return [
        LineAverage(
            line=row["line"],
            cards=row["cards"],
            max_score=(Decimal(row["m"]) / row["cards"]).quantize(TWO_PLACES),
            self_score=(Decimal(row["s"]) / row["cards"]).quantize(TWO_PLACES),
            review_score=(Decimal(row["r"] or 0) / row["cards"]).quantize(TWO_PLACES),
        )
        for row in _ordered(list(rows))
        if row["cards"]
    ]
