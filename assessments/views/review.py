"""核标: the reviewer's page, line by line, with findings, methods, return and finalise."""

import datetime as dt
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from config.request_values import parse_date_or_none, parse_decimal, parse_id

from ..cards import card_context
from ..models import CheckRecord, Finding, Method, PlanEntry, PlanKind, Scorecard, ScorecardLine, Severity, grade_label
from ..selectors import get_scorecard_for
from ..services import review as services
from ..services.scoring import grade_for
from .common import posted_counts, posted_version, run_and_redirect

# Administrators may read the review; only reviewers write it.


def _check_links(card: Scorecard) -> tuple[PlanEntry | None, list[dict]]:
    """The quarterly plan entry the review carries out (None: 计划外) and the links to the card's
    check records: the quarter's, and the year-end check's where a year-end plan names the card's
    branch in its quarter, a year-end record exists, or the card is a fourth quarter's."""
    entries = {
        e.plan.kind: e
        for e in PlanEntry.objects.filter(branch_id=card.branch_id, plan__year=card.year, plan__quarter=card.quarter)
        .select_related("plan")
        .order_by("-pk")
    }
    records = {r.kind: r for r in CheckRecord.objects.filter(scorecard=card).annotate(team_size=Count("team"))}
    links = []
    for kind, name in (
        (PlanKind.QUARTERLY, "assessments:check_record"),
        (PlanKind.YEAR_END, "assessments:year_end_check"),
    ):
        record = records.get(kind)
        if kind == PlanKind.YEAR_END and record is None and kind not in entries and card.quarter != 4:
            continue
        links.append(
            {
                "kind": kind,
                "label": PlanKind(kind).label,
                "url": reverse(name, kwargs={"pk": card.pk}),
                "record": record,
                "team_size": record.team_size if record is not None else 0,
            }
        )
    return entries.get(PlanKind.QUARTERLY), links


def _review_page(
    request: HttpRequest, card: Scorecard, *, details: dict | None = None, status: int = 200
) -> HttpResponse:
    context = card_context(request.user, card)
    plan_entry, check_links = _check_links(card)
    details = details or {}
    score = details.get("score", card.written_test_score)
    context.update(
        {
            "findings": card.findings.select_related("article").order_by("article__code", "pk"),
            "methods": Method.choices,
            "severities": Severity.choices,
            "review_grade": grade_label(grade_for(card.review_total)) if card.review_total is not None else "",
            "show_review": True,
            "plan_entry": plan_entry,
            "check_links": check_links,
            "details_methods": details.get("methods", card.methods),
            "details_score": "" if score is None else score,
            "details_errors": details.get("errors", {}),
        }
    )
    return render(request, "assessments/review.html", context, status=status)


@login_required
def review(request: HttpRequest, pk: int) -> HttpResponse:
    card = get_scorecard_for(request.user, pk, ability="scorecard.read_review")
    return _review_page(request, card)


@login_required
@require_POST
def review_line_save(request: HttpRequest, pk: int, line_pk: int) -> HttpResponse:
    card = get_scorecard_for(request.user, pk, ability="scorecard.review")
    line = get_object_or_404(ScorecardLine.objects.select_related("article"), pk=line_pk, scorecard=card)
    error, saved = "", False
    try:
        services.review_line_save(
            line=line,
            by=request.user,
            version=posted_version(request),
            counts=posted_counts(request),
            review_note=request.POST.get("review_note", ""),
        )
        saved = True
    except ValidationError as exc:
        error = " ".join(exc.messages)
    if not request.htmx:
        return run_and_redirect(request, lambda: _raise(error), _("Saved."), "assessments:review", pk=card.pk)
    card.refresh_from_db()
    context = card_context(request.user, card, line_ids=[line.pk])
    context.update(
        {
            "line": context["lines"][0],
            "error": error,
            "saved": saved,
            "show_review": True,
            "review_grade": grade_label(grade_for(card.review_total)) if card.review_total is not None else "",
        }
    )
    return render(request, "assessments/_review_line_saved.html", context)


def _raise(error: str) -> None:
    if error:
        raise ValidationError(error)


def _score(raw: str) -> Decimal | None:
    if not raw.strip():
        return None
    # The column holds 0.0–100.0: NaN, Infinity and 1e30 are not scores.
    return parse_decimal(
        raw,
        max_digits=5,
        decimal_places=1,
        min_value=0,
        max_value=100,
        message=_("The written test score must be a number from 0 to 100, with at most one decimal place."),
    )


def _date(raw: str) -> dt.date | None:
    if not raw.strip():
        return None
    found = parse_date_or_none(raw)
    if found is None:
        raise ValidationError(_("Enter a date like 2026-10-31."))
    return found


def _article_id(raw: str) -> int:
    found = parse_id(raw)
    if found is None:
        raise ValidationError(_("Choose an article of this scorecard."))
    return found


@login_required
@require_POST
def details(request: HttpRequest, pk: int) -> HttpResponse:
    """The methods and the written-test score; a refusal is shown beside its field, nothing saved."""
    card = get_scorecard_for(request.user, pk, ability="scorecard.review")
    methods = request.POST.getlist("methods")
    raw_score = request.POST.get("written_test_score", "")
    errors: dict[str, list[str]] = {}
    try:
        score = _score(raw_score)
    except ValidationError as exc:
        errors["written_test_score"] = exc.messages
    if not errors:
        try:
            services.review_details_save(
                scorecard=card,
                by=request.user,
                version=posted_version(request),
                methods=methods,
                written_test_score=score,
            )
        except ValidationError as exc:
            found = exc.message_dict if hasattr(exc, "error_dict") else {"other": exc.messages}
            for field, messages_ in found.items():
                key = field if field in ("methods", "written_test_score") else "other"
                errors.setdefault(key, []).extend(messages_)
    if errors:
        card.refresh_from_db()
        return _review_page(
            request, card, details={"methods": methods, "score": raw_score, "errors": errors}, status=400
        )
    messages.success(request, _("Saved."))
    return redirect("assessments:review", pk=card.pk)


@login_required
@require_POST
def finding_add(request: HttpRequest, pk: int) -> HttpResponse:
    card = get_scorecard_for(request.user, pk, ability="scorecard.review")
    return run_and_redirect(
        request,
        lambda: services.finding_add(
            scorecard=card,
            by=request.user,
            article_id=_article_id(request.POST.get("article", "")),
            problem=request.POST.get("problem", ""),
            severity=request.POST.get("severity", ""),
            suggestion=request.POST.get("suggestion", ""),
            rectify_by=_date(request.POST.get("rectify_by", "")),
        ),
        _("Finding recorded."),
        "assessments:review",
        pk=card.pk,
    )


@login_required
@require_POST
def finding_delete(request: HttpRequest, pk: int, finding_pk: int) -> HttpResponse:
    card = get_scorecard_for(request.user, pk, ability="scorecard.review")
    finding = get_object_or_404(Finding, pk=finding_pk, scorecard=card)
    return run_and_redirect(
        request,
        lambda: services.finding_delete(finding=finding, by=request.user),
        _("Finding removed."),
        "assessments:review",
        pk=card.pk,
    )


@login_required
@require_POST
def return_card(request: HttpRequest, pk: int) -> HttpResponse:
    card = get_scorecard_for(request.user, pk, ability="scorecard.review")
    return run_and_redirect(
        request,
        lambda: services.scorecard_return(
            scorecard=card, by=request.user, version=posted_version(request), reason=request.POST.get("reason", "")
        ),
        _("Returned to the branch."),
        "assessments:review",
        pk=card.pk,
    )


@login_required
@require_POST
def mark_reviewed(request: HttpRequest, pk: int) -> HttpResponse:
    card = get_scorecard_for(request.user, pk, ability="scorecard.review")
    return run_and_redirect(
        request,
        lambda: services.scorecard_mark_reviewed(scorecard=card, by=request.user, version=posted_version(request)),
        _("The review is complete. Check it once more, then finalise."),
        "assessments:review",
        pk=card.pk,
    )


@login_required
@require_POST
def finalise(request: HttpRequest, pk: int) -> HttpResponse:
    card = get_scorecard_for(request.user, pk, ability="scorecard.review")
    return run_and_redirect(
        request,
        lambda: services.scorecard_finalise(scorecard=card, by=request.user, version=posted_version(request)),
        _("Finalised. The feedback sheet is being made."),
        "assessments:review",
        pk=card.pk,
    )
