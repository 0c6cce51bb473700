"""核标: the reviewer's page, line by line, with findings, methods, return and finalise."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from config.forms import add_service_errors

from ..cards import card_context
from ..forms.cards import COUNT_PREFIX
from ..forms.review import FindingForm, ReturnForm, ReviewDetailsForm, ReviewLineForm
from ..models import CheckRecord, Finding, PlanEntry, PlanKind, Scorecard, ScorecardLine, grade_label
from ..selectors import get_scorecard_for
from ..services import review as services
from ..services.scoring import grade_for
from .common import posted_version, run_and_redirect

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
    request: HttpRequest,
    card: Scorecard,
    *,
    status: int = 200,
    refused: ReviewLineForm | None = None,
    refused_line: int | None = None,
    **bound: forms.Form,
) -> HttpResponse:
    """The review page; a form in ``bound`` (``details_form``, ``finding_form``, ``return_form``)
    is one just refused, shown with what was typed and each message beside its field; a line
    form in ``refused`` likewise on the line ``refused_line``."""
    context = card_context(request.user, card)
    if refused is not None:
        for line in context["lines"]:
            if line.pk == refused_line:
                show_typed(line, refused)
    plan_entry, check_links = _check_links(card)
    context.update(
        {
            "findings": card.findings.select_related("article").order_by("article__code", "pk"),
            "review_grade": grade_label(grade_for(card.review_total)) if card.review_total is not None else "",
            "show_review": True,
            "plan_entry": plan_entry,
            "check_links": check_links,
            "details_form": ReviewDetailsForm(
                initial={"methods": card.methods, "written_test_score": card.written_test_score}
            ),
            "finding_form": FindingForm(),
            "return_form": ReturnForm(),
        }
    )
    context.update(bound)
    return render(request, "assessments/review.html", context, status=status)


def show_typed(line: ScorecardLine, form: ReviewLineForm) -> None:
    """The line as the reviewer typed it, each refusal beside its count or the note."""
    line.errors = form.errors  # type: ignore[attr-defined]
    line.top_errors = form.top_errors()  # type: ignore[attr-defined]
    if form.data.get("review_note") is not None:
        line.review_note = form.data["review_note"]
    count_errors = form.count_errors()
    typed = []
    for rule, self_count, review_count in line.rules:  # type: ignore[attr-defined]
        rule.error = count_errors.get(rule.pk, "")
        typed.append((rule, self_count, form.data.get(f"{COUNT_PREFIX}{rule.pk}", review_count)))
    line.rules = typed  # type: ignore[attr-defined]


@login_required
def review(request: HttpRequest, pk: int) -> HttpResponse:
    card = get_scorecard_for(request.user, pk, ability="scorecard.read_review")
    return _review_page(request, card)


def _save(form: forms.Form, action: Callable[[dict[str, Any]], object]) -> bool:
    """Runs ``action`` on a valid form; a refusal lands on the form. True when saved."""
    if not form.is_valid():
        return False
    try:
        action(form.cleaned_data)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return False
    return True


@login_required
@require_POST
def review_line_save(request: HttpRequest, pk: int, line_pk: int) -> HttpResponse:
    """One line; from the page's htmx the line comes back on its own (200, refused or not: htmx
    swaps only a 2xx), from a plain post the page again (refused: 400, the typed counts kept)."""
    card = get_scorecard_for(request.user, pk, ability="scorecard.review")
    line = get_object_or_404(ScorecardLine.objects.select_related("article"), pk=line_pk, scorecard=card)
    form = ReviewLineForm(request.POST, line=line)
    saved = _save(
        form,
        lambda data: services.review_line_save(
            line=line, by=request.user, version=data["version"], counts=form.counts(), review_note=data["review_note"]
        ),
    )
    if not request.htmx:
        if not saved:
            card.refresh_from_db()
            return _review_page(request, card, status=400, refused=form, refused_line=line.pk)
        messages.success(request, _("Saved."))
        return redirect("assessments:review", pk=card.pk)
    card.refresh_from_db()
    context = card_context(request.user, card, line_ids=[line.pk])
    shown = context["lines"][0]
    if not saved:
        show_typed(shown, form)
    context.update(
        {
            "line": shown,
            "saved": saved,
            "show_review": True,
            "review_grade": grade_label(grade_for(card.review_total)) if card.review_total is not None else "",
        }
    )
    return render(request, "assessments/_review_line_saved.html", context)


def _refused(request: HttpRequest, card: Scorecard, name: str, form: forms.Form) -> HttpResponse:
    card.refresh_from_db()
    return _review_page(request, card, status=400, **{name: form})


@login_required
@require_POST
def details(request: HttpRequest, pk: int) -> HttpResponse:
    """The methods and the written-test score; a refusal is shown beside its field, nothing saved."""
    card = get_scorecard_for(request.user, pk, ability="scorecard.review")
    form = ReviewDetailsForm(request.POST)
    if not _save(
        form,
        lambda data: services.review_details_save(
            scorecard=card,
            by=request.user,
            version=data["version"],
            methods=data["methods"],
            written_test_score=data["written_test_score"],
        ),
    ):
        return _refused(request, card, "details_form", form)
    messages.success(request, _("Saved."))
    return redirect("assessments:review", pk=card.pk)


@login_required
@require_POST
def finding_add(request: HttpRequest, pk: int) -> HttpResponse:
    card = get_scorecard_for(request.user, pk, ability="scorecard.review")
    form = FindingForm(request.POST)
    if not _save(
        form,
        lambda data: services.finding_add(
            scorecard=card,
            by=request.user,
            article_id=data["article"],
            problem=data["problem"],
            severity=data["severity"],
            suggestion=data["suggestion"],
            rectify_by=data["rectify_by"],
        ),
    ):
        return _refused(request, card, "finding_form", form)
    messages.success(request, _("Finding recorded."))
    return redirect("assessments:review", pk=card.pk)


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
    form = ReturnForm(request.POST)
    if not _save(
        form,
        lambda data: services.scorecard_return(
            scorecard=card, by=request.user, version=data["version"], reason=data["reason"]
        ),
    ):
        return _refused(request, card, "return_form", form)
    messages.success(request, _("Returned to the branch."))
    return redirect("assessments:review", pk=card.pk)


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
