"""The scorecard as a page or the API shows it: its lines annotated for display, by part.

A selector module (reads only): the HTML views and the API both build the card from here, so
the API does not import the page layer.

The words and figures a scorecard repeats on each of its 52 lines are made once per card: a
``{% translate %}`` or ``floatformat`` inside the line templates runs once per line or per rule
(some 800 times on a full card); these are computed once and read as plain values.
"""

from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, Sum
from django.utils.translation import gettext as _

from branches.models import User
from tasks.evidence import ACCEPT as EVIDENCE_ACCEPT
from tasks.models import TaskStatus
from tasks.selectors import handbook_tasks_due

from .measures import measure_card
from .measures.ledgers import as_of_day, tasks_late_of
from .models import LineDeduction, Scorecard, ScorecardLine, Side, grade_label
from .selectors import focus_items, grouped_by_part, lines_of, may_edit_self, may_review
from .services.claims import Unanswered
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
        "attached_files": _("Attached files"),
        "looked_at": _("Looked at"),
        "not_looked_at": _("Not yet looked at"),
        "not_assessed": _("Not assessed this quarter"),
        "assessed_in": _("Assessed in"),
        "suggested": _("The records suggest"),
        "times": _("times"),
        "accept": _("Accept"),
        "reason": _("Reason for another count"),
        "reason_hint": _("Needed when your count differs from the suggestion"),
        "records": _("Records"),
        "branch_reason": _("Branch's reason"),
        "when_saved": _("when saved"),
        "claimed_below": _("Claimed below the records"),
    }


def points(value: Decimal) -> str:
    """Like ``floatformat:"-2"``: whole numbers bare, others with two decimals."""
    return str(int(value)) if value == value.to_integral_value() else f"{value:.2f}"


def label_rules(lines: list[Any]) -> None:
    """Sets ``rule.penalty`` ("−1", "−0.50, at most −2" or "−1.50, once") on every rule of the lines."""
    capped, once = _("%(points)s, at most %(cap)s"), _("%(points)s, once")
    for line in lines:
        for rule, _self, _review in line.rules:
            penalty = f"−{points(rule.points)}"
            if rule.is_once:
                penalty = once % {"points": penalty}
            elif rule.cap is not None:
                penalty = capped % {"points": penalty, "cap": f"−{points(rule.cap)}"}
            rule.penalty = penalty


def card_context(user: User, card: Scorecard, *, line_ids: list[int] | None = None) -> dict[str, Any]:
    """The card, its lines annotated (focus items, the quarter's done work, rule labels) and
    grouped by part, and what ``user`` may do with it."""
    lines = lines_of(card, line_ids=line_ids)
    focus = focus_items(card)
    first, last = quarter_start(card.year, card.quarter), quarter_end(card.year, card.quarter)
    # One read of the quarter's handbook tasks: the work done is evidence for the line of its
    # article, the work not done by its due date is what the ``tasks_late`` measure counts.
    tasks = handbook_tasks_due(card.branch, first=first, last=last)
    done: dict[str, list[Any]] = {}
    for task in tasks:
        if task.status in (TaskStatus.DONE, TaskStatus.CHECKED):
            done.setdefault(task.article_code, []).append(task)  # type: ignore[attr-defined]
    attach_measures(card, lines, tasks_late=tasks_late_of(tasks, first, as_of_day(last)))
    for line in lines:
        line.focus = focus.get(line.article.code, [])  # type: ignore[attr-defined]
        line.done_tasks = done.get(line.article.code, [])  # type: ignore[attr-defined]
        # A yearly or half-yearly article outside its quarters: full score, no deduction.
        line.assessed = line.article.is_assessed_in(card.quarter)  # type: ignore[attr-defined]
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


def attach_measures(card: Scorecard, lines: list[Any], *, tasks_late: dict[tuple[int, int], int] | None = None) -> None:
    """Sets on every rule of the lines ``measured`` (what the records show and suggest, None
    for a rule no ledger measures) and ``reason`` (the branch's, for another count), and on
    every line ``measured`` (whether any of its rules is)."""
    rules = []
    for line in lines:
        for rule, _self, _review in line.rules:
            rule.article = line.article  # read with the line: no query
            rules.append(rule)
    measures = measure_card(card, rules=rules, tasks_late=tasks_late)
    for line in lines:
        line.measured = False
        for rule, _self, _review in line.rules:
            rule.measured = measures.get(rule.pk)
            rule.claim = line.claims.get(str(rule.pk)) or {}
            rule.reason = rule.claim.get("reason", "")
            # The records changed since the branch last saved or submitted the line.
            rule.was_suggested = rule.claim.get("suggested")
            if rule.measured is None or rule.was_suggested == rule.measured.count:
                rule.was_suggested = None
            line.measured = line.measured or rule.measured is not None


def unanswered(card: Scorecard) -> dict[str, list[Any]]:
    """The measured rules whose count differs from what the records suggest, with no reason
    (the check before submitting lists them): ``below`` (``claims.Unanswered``, one per rule)
    stops the submission; ``above`` (the lines) does not — the branch deducts itself more."""
    lines = lines_of(card)
    attach_measures(card, lines)
    below, above = [], []
    for line in lines:
        is_above = False
        for rule, count, _review in line.rules:
            if rule.measured is None or rule.reason or count == rule.measured.count:
                continue
            if count < rule.measured.count:
                below.append(Unanswered.of(line, rule, rule.measured.count, count))
            else:
                is_above = True
        if is_above:
            above.append(line)
    return {"below": below, "above": above}


def parts_of(groups: list[tuple[Any, list[Any]]]) -> list[dict[str, Any]]:
    """Per part of the card: its lines, how many were looked at, its subtotal and maximum; a
    part is shown unfolded while it holds a line not yet looked at."""
    parts = []
    for part, lines in groups:
        seen = sum(1 for line in lines if line.looked_at is not None)
        parts.append(
            {
                "part": part,
                "number": part.number,
                "lines": lines,
                "seen": seen,
                "count": len(lines),
                "score": sum((line.self_score for line in lines), Decimal(0)),
                "max": sum((line.max_score for line in lines), Decimal(0)),
                "open": seen < len(lines),
            }
        )
    return parts


def part_score(card: Scorecard, part_id: int) -> Decimal:
    return card.lines.filter(article__part_id=part_id).aggregate(t=Sum("self_score"))["t"] or Decimal(0)


def unfinished(card: Scorecard) -> dict[str, list[ScorecardLine]]:
    """What looks unfinished before submitting: lines with a deduction but no note (the
    committee asks why), and lines the secretary never opened or saved."""
    deducted = LineDeduction.objects.filter(line=OuterRef("pk"), side=Side.SELF)
    lines = list(
        card.lines.select_related("article")
        .annotate(deducted=Exists(deducted))
        .order_by("article__part__number", "article__code")
    )
    return {
        "no_note": [line for line in lines if line.deducted and not line.note.strip()],  # type: ignore[attr-defined]
        "unseen": [line for line in lines if line.looked_at is None],
    }
