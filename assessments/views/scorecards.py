"""对标: the quarter's list, the branch's cards, and the secretary's scorecard page."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from branches import abilities
from branches.models import OrgKind, OrgStatus
from config.exceptions import Conflict

from .. import selectors
from ..cards import card_context, part_score, parts_of, unanswered, unfinished
from ..desk import quarter_axis_label, quarter_choices
from ..forms.cards import COUNT_PREFIX, REASON_PREFIX, LineForm, add_service_errors
from ..line_subtotals import card_line_subtotals
from ..models import Finding, Scorecard, ScorecardLine, ScorecardStatus, grade_label
from ..selectors import get_scorecard_for
from ..services.claims import BelowRecordsUnanswered, claims_accept_all
from ..services.scorecards import (
    StaleLine,
    current_quarter,
    parse_period,
    scorecard_line_save,
    scorecard_line_seen,
    scorecard_open,
    scorecard_submit,
)
from ..services.scoring import grade_for
from ..services.years import year_end_scores, year_result
from .common import posted_version


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
    # ?late=1: only the branches late with the quarter's card (the workbench links here).
    late = request.GET.get("late") == "1"
    if late:
        branches = list(selectors.late_branches(request.user, year=year, quarter=quarter, today=timezone.localdate()))
    else:
        branches = list(
            selectors.branches_for_scorecards(request.user).filter(status=OrgStatus.ACTIVE).order_by("path")
        )
    cards = {
        c.branch_id: c
        for c in selectors.scorecards_visible_to(request.user).filter(year=year, quarter=quarter, branch__in=branches)
    }
    rows = [(branch, cards.get(branch.pk)) for branch in branches]
    # The quarter picker: every quarter the user has a card in, the current one and the one shown.
    with_cards = set(selectors.scorecards_visible_to(request.user).values_list("year", "quarter").order_by().distinct())
    return render(
        request,
        "assessments/index.html",
        {
            "rows": rows,
            "year": year,
            "quarter": quarter,
            "period": f"{year}Q{quarter}",
            "quarters": quarter_choices(with_cards, set(), (year, quarter)),
            "late": late,
        },
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
    checks = {y: s for (pk, y), s in year_end_scores(path=branch.path, years=years).items() if pk == branch.pk}
    year_grades = [
        (y, *year_result(scores, checks.get(y)), len(scores), checks.get(y))
        for y, scores in sorted(years.items(), reverse=True)
    ]
    chart = {
        "periods": [quarter_axis_label(c.period) for c in reversed(finals)],
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


def page_labels() -> dict[str, str]:
    """The words the page's script shows (it has no catalogue of its own): read from data-
    attributes of the sheet."""
    return {
        "pending": _("Not saved yet"),
        "saving": _("Saving…"),
        "saved": _("Saved"),
        "retry": _("Not saved: no connection. Trying again in %(s)s s…") % {"s": "{s}"},
        "failed": _("Not saved:"),
        "restored": _("Your unsaved text was restored; saving it…"),
        "leave": _("Some lines are not saved yet. Leave the page anyway?"),
        "unsaved": _("Lines not saved yet:"),
        "marked": _("see the reasons marked below."),
    }


def scorecard_page(
    request: HttpRequest, card: Scorecard, *, refused: ScorecardLine | None = None, status: int = 200
) -> HttpResponse:
    """The card page. ``refused``: a line whose post was refused, carrying what was typed
    (``typed``: the bound LineForm) or the evidence file's refusal (``evidence_error``): it is
    shown with the typed text and each message beside its field, its part unfolded."""
    context = card_context(request.user, card)
    if refused is not None:
        _show_refused(context["lines"], refused)
    context["show_review"] = selectors.shows_review(request.user, card)
    context["lines_done"] = selectors.lines_done_of(context["lines"])
    context["parts"] = parts_of(context["groups"])
    context["seen"] = sum(part["seen"] for part in context["parts"])
    context["fold_read"] = True
    if refused is not None:
        context["refused_line"] = refused
        for part in context["parts"]:
            part["open"] = part["open"] or any(line.pk == refused.pk for line in part["lines"])
    if context["can_edit"]:
        context["page_labels"] = page_labels()
    if card.is_final:
        context["findings"] = card.findings.select_related("article", "rectification").order_by("article__code")
    if card.status != ScorecardStatus.DRAFT:
        # 困难和问题 raised during the committee's check, and the committee's answers.
        context["difficulties"] = list(
            selectors.difficulties_visible_to(request.user)
            .filter(record__scorecard=card)
            .select_related("answered_by")
            .order_by("pk")
        )
    return render(request, "assessments/scorecard.html", context, status=status)


def _show_refused(lines: list[ScorecardLine], refused: ScorecardLine) -> None:
    for line in lines:
        if line.pk != refused.pk:
            continue
        line.evidence_error = getattr(refused, "evidence_error", "")  # type: ignore[attr-defined]
        form: LineForm | None = getattr(refused, "typed", None)
        if form is None:
            return
        line.errors = form.errors  # type: ignore[attr-defined]
        line.top_errors = [*form.non_field_errors(), *form.errors.get("line_version", [])]  # type: ignore[attr-defined]
        if form.data.get("note") is not None:
            line.note = form.data["note"]
        if form.data.get("evidence") is not None:
            line.evidence = form.data["evidence"]
        count_errors = form.count_errors()
        typed_rules = []
        for rule, self_count, review_count in line.rules:  # type: ignore[attr-defined]
            name = f"{COUNT_PREFIX}{rule.pk}"
            rule.error = count_errors.get(rule.pk, "")
            reason = f"{REASON_PREFIX}{rule.pk}"
            rule.reason_error = " ".join(form.errors.get(reason, []))
            if form.data.get(reason) is not None:
                rule.reason = form.data[reason]
            typed_rules.append((rule, form.data.get(name, self_count), review_count))
        line.rules = typed_rules  # type: ignore[attr-defined]


@login_required
def scorecard(request: HttpRequest, pk: int) -> HttpResponse:
    return scorecard_page(request, get_scorecard_for(request.user, pk))


def _figure(value: Decimal) -> str:
    """As the page shows a score read from the database: two decimals (SQLite's sums have none)."""
    return f"{Decimal(value):.2f}"


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@login_required
@require_POST
def line_save(request: HttpRequest, pk: int, line_pk: int) -> HttpResponse:
    """One line, saved on its own by the page's script (JSON answer) or by a plain form post
    (redirect with a message; refused: the page again with the typed text and each message
    beside its field). A save of the same line since the page read it is refused with the
    other version, so the page can show both and keep the secretary's text."""
    card = get_scorecard_for(request.user, pk, ability="scorecard.fill")
    line = get_object_or_404(ScorecardLine.objects.select_related("article"), pk=line_pk, scorecard=card)
    line.scorecard = card
    form = LineForm(request.POST, line=line)
    conflict = False
    if form.is_valid():
        try:
            saved = scorecard_line_save(
                line=line,
                by=request.user,
                line_version=form.cleaned_data["line_version"],
                counts=form.counts(),
                # A field not posted (None) keeps what the line has.
                note=form.cleaned_data["note"],
                evidence=form.cleaned_data["evidence"],
                reasons=form.reasons(),
            )
        except StaleLine as exc:
            if _wants_json(request):
                return _conflict(request, card, exc)
            add_service_errors(form, exc)
        except ValidationError as exc:
            conflict = isinstance(exc, Conflict)
            add_service_errors(form, exc)
        else:
            if not _wants_json(request):
                messages.success(request, _("Saved."))
                return redirect(f"{card.get_absolute_url()}#line-{line.pk}")
            return _saved(saved, line)
    if _wants_json(request):
        answer: dict[str, object] = {"error": form.all_messages()}
        if form.reason_messages():
            answer["fields"] = form.reason_messages()
        return JsonResponse(answer, status=409 if conflict else 400)
    line.typed = form  # type: ignore[attr-defined]
    return scorecard_page(request, card, refused=line, status=409 if conflict else 400)


def _saved(saved: ScorecardLine, line: ScorecardLine) -> JsonResponse:
    card = saved.scorecard
    return JsonResponse(
        {
            "version": saved.version,
            "score": _figure(saved.self_score),
            "part": line.article.part_id,
            "part_score": _figure(part_score(card, line.article.part_id)),
            "self_total": _figure(card.self_total),
            "self_grade": grade_label(grade_for(card.self_total)),
            "line_scores": {row.line: _figure(row.self_score) for row in card_line_subtotals(card)},
            "card_version": card.version,
        }
    )


def _conflict(request: HttpRequest, card: Scorecard, exc: StaleLine) -> HttpResponse:
    """409 with the line as it now stands, rendered beside the secretary's own text."""
    context = card_context(request.user, card, line_ids=[exc.line.pk])
    theirs = context["lines"][0]
    card.refresh_from_db(fields=["self_total", "version"])
    html = render_to_string(
        "assessments/_conflict.html",
        {"theirs": theirs, "message": " ".join(exc.messages), "labels": context["labels"]},
        request=request,
    )
    return JsonResponse(
        {
            "conflict": html,
            "error": " ".join(exc.messages),
            "version": theirs.version,
            "self_total": _figure(card.self_total),
            "self_grade": grade_label(grade_for(card.self_total)),
            "card_version": card.version,
        },
        status=409,
    )


@login_required
@require_POST
def line_seen(request: HttpRequest, pk: int, line_pk: int) -> HttpResponse:
    """The secretary opened the line: recorded once, on the server, for the progress bar."""
    card = get_scorecard_for(request.user, pk, ability="scorecard.fill")
    line = get_object_or_404(ScorecardLine, pk=line_pk, scorecard=card)
    line.scorecard = card
    scorecard_line_seen(line=line, by=request.user)
    return HttpResponse(status=204)


def _submit_check_context(request: HttpRequest, card: Scorecard) -> dict[str, object]:
    return {
        "card": card,
        "can_edit": card.self_editable and selectors.may_edit_self(request.user, card),
        "self_grade": grade_label(grade_for(card.self_total)),
        **unfinished(card),
        "unanswered": unanswered(card),
    }


@login_required
def submit_check(request: HttpRequest, pk: int) -> HttpResponse:
    """Before submitting: what looks unfinished, to go back to or to submit anyway, and the
    measured rules below the records without a reason, which stop the submission (each linked
    to its line; one button accepts every suggestion). The page's script shows it in a dialog
    (``?fragment=1``); without the script it is a page of its own."""
    card = get_scorecard_for(request.user, pk, ability="scorecard.fill")
    template = "assessments/_submit_check.html" if request.GET.get("fragment") else "assessments/submit_check.html"
    return render(request, template, _submit_check_context(request, card))


@login_required
@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    """Submits; refused for measured rules below the records without a reason, the check is
    shown again with the message and a link to each of those lines (409, nothing changed)."""
    card = get_scorecard_for(request.user, pk, ability="scorecard.fill")
    try:
        scorecard_submit(scorecard=card, by=request.user, version=posted_version(request))
    except BelowRecordsUnanswered as exc:
        card.refresh_from_db()
        context = _submit_check_context(request, card) | {"refusal": exc}
        return render(request, "assessments/submit_check.html", context, status=409)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Submitted. The scorecard is locked until the committee has reviewed it."))
    return redirect("assessments:scorecard", pk=card.pk)


@login_required
@require_POST
def accept_suggestions(request: HttpRequest, pk: int) -> HttpResponse:
    """采纳全部台账建议, then back to the check before submitting."""
    card = get_scorecard_for(request.user, pk, ability="scorecard.fill")
    try:
        _card, accepted = claims_accept_all(scorecard=card, by=request.user, version=posted_version(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if accepted:
            messages.success(
                request,
                ngettext(
                    "%(n)d suggestion from the records accepted: you can submit now.",
                    "%(n)d suggestions from the records accepted: you can submit now.",
                    accepted,
                )
                % {"n": accepted},
            )
        else:
            messages.info(request, _("No line was below the records without a reason: nothing to accept."))
    return redirect("assessments:submit_check", pk=card.pk)


@login_required
def history(request: HttpRequest, pk: int) -> HttpResponse:
    card = get_scorecard_for(request.user, pk)
    changes = card.changes.select_related("changed_by", "line__article").order_by("-changed_at", "-pk")
    if not selectors.shows_review(request.user, card):
        # Before the review is final the branch sees its own changes only (as on the card).
        changes = changes.exclude(side="review")
    return render(request, "assessments/history.html", {"card": card, "changes": changes})
