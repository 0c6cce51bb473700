"""Helpers shared by the assessments views."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from config.request_values import MAX_ID, parse_id, parse_int
from tasks.evidence import ACCEPT as EVIDENCE_ACCEPT
from tasks.selectors import done_work_by_article

from ..models import Scorecard, grade_label
from ..selectors import focus_items, grouped_by_part, lines_of, may_edit_self, may_review
from ..services.scorecards import quarter_end, quarter_start
from ..services.scoring import grade_for
from .labels import label_rules, line_labels


def posted_version(request: HttpRequest) -> int:
    try:
        return parse_int(request.POST.get("version", ""), min_value=0, max_value=MAX_ID)
    except ValidationError:
        raise ValidationError(_("The form is missing the scorecard's version: reload the page.")) from None


def posted_counts(request: HttpRequest) -> dict[int, str]:
    """``count-<rule id>`` fields → {rule id: raw count}; the service checks each count. A
    field whose id is not one (``count-²``) names no rule of the article: refused, as the
    service refuses a rule of another article."""
    counts: dict[int, str] = {}
    for key, value in request.POST.items():
        if not key.startswith("count-"):
            continue
        rule_id = parse_id(key[6:])
        if rule_id is None:
            raise ValidationError(_("That deduction rule does not belong to this article."))
        counts[rule_id] = value
    return counts


def run_and_redirect(
    request: HttpRequest, action: Callable[[], Any], success: str, to: str, **kwargs: Any
) -> HttpResponse:
    """Runs a service; its refusal becomes an error message, its success a success message."""
    try:
        action()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, success)
    return redirect(to, **kwargs)


def card_context(request: HttpRequest, card: Scorecard, *, line_ids: list[int] | None = None) -> dict[str, Any]:
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
        "can_edit": card.self_editable and may_edit_self(request.user, card),
        "can_review": card.review_editable and may_review(request.user, card),
        "is_reviewer": may_review(request.user, card),
        "is_secretary": may_edit_self(request.user, card),
    }
