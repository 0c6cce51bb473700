"""大政工 subtotals for the partials that show them: the scorecard and review pages, the
dashboard and the feedback sheet include one partial each, which asks for its figures here
(so the pages' views need no change)."""

from typing import Any

from django import template

from ..line_subtotals import LineAverage, card_line_subtotals
from ..models import Scorecard
from ..services.scoring import LineSubtotal, line_subtotals

register = template.Library()


@register.simple_tag
def card_subtotals(card: Scorecard, lines: Any = None, fresh: bool = False) -> list[LineSubtotal]:
    """From the page's loaded lines (no query); ``fresh`` (a partial answer that holds one
    line only) reads the card's lines from the database in one query."""
    if fresh or lines is None:
        return card_line_subtotals(card)
    return line_subtotals(lines)


@register.simple_tag
def dashboard_subtotals(board: Any) -> list[LineAverage]:
    """The dashboard's quarter and unit, read with its per-article aggregate (no query of its own)."""
    return board.line_subtotals
