"""对标: the quarter's list, the branch's cards, and the secretary's scorecard page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from branches import abilities
from branches.models import OrgKind, OrgStatus

from .. import selectors
from ..cards import card_context
from ..models import Finding, ScorecardLine, ScorecardStatus, grade_label
from ..selectors import get_scorecard_for
from ..services.scorecards import current_quarter, parse_period, scorecard_line_save, scorecard_open, scorecard_submit
from ..services.years import year_end_quarters, year_result
from .common import posted_counts, posted_version, run_and_redirect


def _period(request: HttpRequest) -> tuple[int, int]:
    try:
        return parse_period(request.GET.get("quarter", ""))
    except ValidationError:
        return current_quarter()


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """Every branch the user may see, with its card for one quarter."""
    abilities.require(request.user, "scorecard.view")
    year, quarter = _period(request)
    branches = list(selectors.branches_for_scorecards(request.user).filter(status=OrgStatus.ACTIVE).order_by("path"))
    cards = {
        c.branch_id: c
        for c in selectors.scorecards_visible_to(request.user).filter(year=year, quarter=quarter, branch__in=branches)
    }
    rows = [(branch, cards.get(branch.pk)) for branch in branches]
    return render(
        request,
        "assessments/index.html",
        {"rows": rows, "year": year, "quarter": quarter, "period": f"{year}Q{quarter}"},
    )


@login_required
def branch_cards(request: HttpRequest, pk: int) -> HttpResponse:
    """The branch's whole story: every quarter's scores, grades by year, findings, rectification."""
    branch = abilities.unit_for(request.user, pk, "scorecard.view")
    cards = list(branch.scorecards.order_by("-year", "-quarter"))
    year, quarter = current_quarter()
    is_secretary = abilities.holds(request.user, "scorecard.fill", branch)
    # Before a review is final the branch sees only its own score.
    finals = [c for c in cards if c.is_final]
    years: dict[int, dict[int, object]] = {}
    for card in finals:
        years.setdefault(card.year, {})[card.quarter] = card.review_total
    checks = {y: q for (pk, y), q in year_end_quarters(path=branch.path, years=years).items() if pk == branch.pk}
    year_grades = [
        (y, *year_result(scores, checks.get(y)), len(scores), scores.get(checks.get(y)))
        for y, scores in sorted(years.items(), reverse=True)
    ]
    chart = {
        "periods": [c.period for c in reversed(finals)],
        "scores": [float(c.review_total) for c in reversed(finals)],
        "self": [float(c.self_total) for c in reversed(finals)],
    }
    return render(
        request,
        "assessments/branch.html",
        {
            "branch": branch,
            "cards": cards,
            "can_open": branch.kind == OrgKind.BRANCH
            and branch.is_active
            and is_secretary
            and not any(c.year == year and c.quarter == quarter for c in cards),
            "period": f"{year}Q{quarter}",
            "year_grades": [(y, s, grade_label(g), n, end) for y, s, g, n, end in year_grades],
            "findings": Finding.objects.filter(scorecard__branch=branch, scorecard__status=ScorecardStatus.FINAL)
            .select_related("article", "scorecard", "rectification")
            .order_by("-scorecard__year", "-scorecard__quarter", "article__code")[:200],
            "chart": chart,
            "upgrade_plans": branch.upgrade_plans.select_related("scorecard"),
        },
    )


@login_required
@require_POST
def open_card(request: HttpRequest, pk: int) -> HttpResponse:
    branch = abilities.unit_for(request.user, pk, "scorecard.fill")
    year, quarter = current_quarter()
    try:
        card = scorecard_open(branch=branch, year=year, quarter=quarter, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("assessments:branch", pk=branch.pk)
    return redirect("assessments:scorecard", pk=card.pk)


@login_required
def scorecard(request: HttpRequest, pk: int) -> HttpResponse:
    card = get_scorecard_for(request.user, pk)
    context = card_context(request.user, card)
    context["show_review"] = selectors.shows_review(request.user, card)
    if card.is_final:
        context["findings"] = card.findings.select_related("article", "rectification").order_by("article__code")
    return render(request, "assessments/scorecard.html", context)


@login_required
@require_POST
def line_save(request: HttpRequest, pk: int, line_pk: int) -> HttpResponse:
    """One line, saved on its own (htmx); answers with the line and the totals."""
    card = get_scorecard_for(request.user, pk, ability="scorecard.fill")
    line = get_object_or_404(ScorecardLine.objects.select_related("article"), pk=line_pk, scorecard=card)
    error, saved = "", False
    try:
        scorecard_line_save(
            line=line,
            by=request.user,
            version=posted_version(request),
            counts=posted_counts(request),
            note=request.POST.get("note", ""),
            evidence=request.POST.get("evidence", ""),
        )
        saved = True
    except ValidationError as exc:
        error = " ".join(exc.messages)
    if not request.htmx:
        if error:
            messages.error(request, error)
        else:
            messages.success(request, _("Saved."))
        return redirect(f"{card.get_absolute_url()}#line-{line.pk}")
    card.refresh_from_db()
    context = card_context(request.user, card, line_ids=[line.pk])
    context.update({"line": context["lines"][0], "error": error, "saved": saved})
    context["show_review"] = selectors.shows_review(request.user, card)
    return render(request, "assessments/_line_saved.html", context)


@login_required
@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    card = get_scorecard_for(request.user, pk, ability="scorecard.fill")
    return run_and_redirect(
        request,
        lambda: scorecard_submit(scorecard=card, by=request.user, version=posted_version(request)),
        _("Submitted. The scorecard is locked until the committee has reviewed it."),
        "assessments:scorecard",
        pk=card.pk,
    )


@login_required
def history(request: HttpRequest, pk: int) -> HttpResponse:
    card = get_scorecard_for(request.user, pk)
    changes = card.changes.select_related("changed_by", "line__article").order_by("-changed_at", "-pk")
    if not selectors.shows_review(request.user, card):
        # Before the review is final the branch sees its own changes only (as on the card).
        changes = changes.exclude(side="review")
    return render(request, "assessments/history.html", {"card": card, "changes": changes})
