"""大政工 subtotals (party / union / league, by ``Article.line``) read from the database: one
aggregate query each, whatever the number of cards or lines. The same figures from lines
already loaded are ``services.scoring.line_subtotals``."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, Q, Sum

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


def live_quarter_article_rows(root: Organisation, *, year: int, quarter: int) -> list[dict]:
    """Per article, the quarter's final lines below ``root``: sums of max, self and review
    score, points lost, lines deducted and lines in all, read from the lines themselves. The
    dashboard reads the same figures from the roll-ups (``rollups.quarter_article_rows``);
    this is what they are checked against."""
    return list(
        ScorecardLine.objects.filter(
            in_subtree(root, via="scorecard__branch__path"),
            scorecard__year=year,
            scorecard__quarter=quarter,
            scorecard__status=ScorecardStatus.FINAL,
        )
        .values(code=F("article__code"), title=F("article__title"), line=F("article__line"))
        .annotate(
            m=Sum("max_score"),
            s=Sum("self_score"),
            r=Sum("review_score"),
            points=Sum(F("max_score") - F("review_score")),
            lines=Count("pk", filter=Q(review_score__lt=F("max_score"))),
            cards=Count("pk"),
        )
        .order_by()
    )


def line_averages(article_rows: list[dict]) -> list[LineAverage]:
    """Per 大政工 line, the average final card's scores from ``quarter_article_rows``: each card
    has one line per article, so a line's cards are the most lines any of its articles has.
    Sums are divided in Python, as Decimals, on every database."""
    totals: dict[str, dict] = {}
    for row in article_rows:
        total = totals.setdefault(row["line"], {"line": row["line"], "m": 0, "s": 0, "r": 0, "cards": 0})
        total["m"] += Decimal(row["m"] or 0)
        total["s"] += Decimal(row["s"] or 0)
        total["r"] += Decimal(row["r"] or 0)
        total["cards"] = max(total["cards"], row["cards"])
    return [
        LineAverage(
            line=row["line"],
            cards=row["cards"],
            max_score=(row["m"] / row["cards"]).quantize(TWO_PLACES),
            self_score=(row["s"] / row["cards"]).quantize(TWO_PLACES),
            review_score=(row["r"] / row["cards"]).quantize(TWO_PLACES),
        )
        for row in _ordered(list(totals.values()))
        if row["cards"]
    ]


def quarter_line_subtotals(root: Organisation, *, year: int, quarter: int) -> list[LineAverage]:
    """Per 大政工 line, the average of the quarter's final cards below ``root``: one query
    (of the roll-ups)."""
    from .rollups import quarter_article_rows

    return line_averages(quarter_article_rows(root, year=year, quarter=quarter))
