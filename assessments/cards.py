"""The scorecard as a page or the API shows it: its lines annotated for display, by part.

A selector module (reads only): the HTML views and the API both build the card from here, so
the API does not import the page layer.

The words and figures a scorecard repeats on each of its 52 lines are made once per card: a
``{% translate %}`` or ``floatformat`` inside the line templates runs once per line or per rule
(some 800 times on a full card); these are computed once and read as plain values.
"""

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from branches.models import User
from tasks.evidence import ACCEPT as EVIDENCE_ACCEPT
from tasks.selectors import done_work_by_article

from .models import Scorecard, grade_label
from .selectors import focus_items, grouped_by_part, lines_of, may_edit_self, may_review
from .services.scorecards import quarter_end, quarter_start
from .services.scoring import grade_for


def line_labels() -> dict[str, str]:
    return {
        "standard": _("Standard"),
        "evidence_ledger": _("Evidence / ledger"),
        "focus": _("Focus item (open rectification)"),
        "due": _("due"),
        "overdue": _("overdue"),
        "work_done": _("Work done this quarter"),
        "review": _("Review"),
        "self": _("Self"),
        "gap": _("gap"),
        "count": _("Count"),
        "review_count": _("Review count"),
        "deduction_rule": _("Deduction rule"),
        "note": _("Note"),
        "evidence": _("Evidence"),
        "evidence_hint": _("Ledgers, records or files that show the work"),
        "evidence_files": _("Evidence files"),
        "evidence_file": _("Evidence file"),
        "reviewers_note": _("Reviewer's note"),
        "saved": _("Saved"),
        "save_line": _("Save line"),
        "remove": _("Remove"),
        "upload": _("Upload"),
    }


def points(value: Decimal) -> str:
    """Like ``floatformat:"-2"``: whole numbers bare, others with two decimals."""
    return str(int(value)) if value == value.to_integral_value() else f"{value:.2f}"


def label_rules(lines: list[Any]) -> None:
    """Sets ``rule.penalty`` ("−1" or "−0.50, at most −2") on every rule of the lines."""
    at_most = _("at most")
    for line in lines:
        for rule, _self, _review in line.rules:
            penalty = f"−{points(rule.points)}"
            if rule.cap is not None:
                penalty = f"{penalty}, {at_most} −{points(rule.cap)}"
            rule.penalty = penalty


def card_context(user: User, card: Scorecard, *, line_ids: list[int] | None = None) -> dict[str, Any]:
    """The card, its lines annotated (focus items, the quarter's done work, rule labels) and
    grouped by part, and what ``user`` may do with it."""
    lines = lines_of(card, line_ids=line_ids)
    focus = focus_items(card)
    # The branch's handbook work done in the quarter is evidence for the line of its article.
    done = done_work_by_article(
        card.branch, first=quarter_start(card.year, card.quarter), last=quarter_end(card.year, card.quarter)
    )
    for line in lines:
        line.focus = focus.get(line.article.code, [])  # type: ignore[attr-defined]
        line.done_tasks = done.get(line.article.code, [])  # type: ignore[attr-defined]
    label_rules(lines)
    return {
        "labels": line_labels(),
        "evidence_accept": EVIDENCE_ACCEPT,
        "card": card,
        "lines": lines,
        "groups": grouped_by_part(lines),
        "self_grade": grade_label(grade_for(card.self_total)),
        "can_edit": card.self_editable and may_edit_self(user, card),
        "can_review": card.review_editable and may_review(user, card),
        "is_reviewer": may_review(user, card),
        "is_secretary": may_edit_self(user, card),
    }
