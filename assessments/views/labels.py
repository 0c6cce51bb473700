"""The words and figures a scorecard repeats on each of its 52 lines, made once per page.

A ``{% translate %}`` or ``floatformat`` inside the line templates runs once per line or per
rule (some 800 times on a full card); these are computed once and read as plain values.
"""

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _


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
