"""明标: the quarterly study focus, 解标 training sessions and demonstration branches."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from branches import abilities
from branches.models import OrgKind
from branches.selectors import in_subtree
from config.request_values import parse_decimal, parse_id

from .. import selectors, study
from ..forms import DemonstrationForm, StudyFocusForm, TrainingForm
from ..models import DemonstrationBranch, TrainingSession


def _require_organiser(request: HttpRequest) -> None:
    selectors.require_reader(request.user)
    if not study.organiser_units(request.user).exists():
        raise PermissionDenied


@login_required
def study_list(request: HttpRequest) -> HttpResponse:
    selectors.require_reader(request.user)
    focuses = study.focuses_visible_to(request.user).prefetch_related("articles")[:40]
    can_publish = study.organiser_units(request.user).exists()
    return render(request, "handbook/study_list.html", {"focuses": focuses, "can_publish": can_publish})


@login_required
def study_create(request: HttpRequest) -> HttpResponse:
    _require_organiser(request)
    today = timezone.localdate()
    units = study.organiser_units(request.user)
    # Publishing usually happens early in a quarter, for that quarter.
    year, quarter = today.year, (today.month - 1) // 3 + 1
    unit = units.first()
    suggested = study.suggested_focus(organisation=unit, year=year, quarter=quarter) if unit else []
    form = StudyFocusForm(
        request.POST or None,
        units=units,
        articles=selectors.articles_in_force(),
        initial={"year": year, "quarter": quarter, "organisation": unit, "articles": suggested},
    )
    if request.method == "POST" and form.is_valid():
        try:
            focus = study.study_focus_publish(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(
                request, _("Study focus published to every branch below %(org)s.") % {"org": focus.organisation}
            )
            return redirect("handbook:study", pk=focus.pk)
    return render(
        request,
        "handbook/learning_form.html",
        {"form": form, "title": _("Publish a study focus"), "suggested": suggested},
    )


@login_required
def study_detail(request: HttpRequest, pk: int) -> HttpResponse:
    selectors.require_reader(request.user)
    focus = study.focuses_visible_to(request.user).filter(pk=pk).first()
    if focus is None:
        raise Http404
    return render(
        request, "handbook/study_detail.html", {"focus": focus, "articles": focus.articles.select_related("part")}
    )


@login_required
def training_list(request: HttpRequest) -> HttpResponse:
    selectors.require_reader(request.user)
    sessions = study.sessions_visible_to(request.user)[:100]
    can_create = study.organiser_units(request.user).exists()
    return render(request, "handbook/training_list.html", {"sessions": sessions, "can_create": can_create})


@login_required
def training_create(request: HttpRequest) -> HttpResponse:
    _require_organiser(request)
    units = study.organiser_units(request.user)
    form = TrainingForm(
        request.POST or None,
        units=units,
        articles=selectors.articles_in_force(),
        initial={"organisation": units.first(), "held_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            session = study.training_create(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("Training session saved; now record who attended."))
            return redirect("handbook:training_attendance", pk=session.pk)
    return render(request, "handbook/learning_form.html", {"form": form, "title": _("New training session")})


def _get_session_for(request: HttpRequest, pk: int) -> TrainingSession:
    selectors.require_reader(request.user)
    session = study.sessions_visible_to(request.user).filter(pk=pk).first()
    if session is None:
        raise Http404
    return session


@login_required
def training_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = _get_session_for(request, pk)
    attendances = session.attendances.select_related("member__branch")
    scores = [a.test_score for a in attendances if a.test_score is not None]
    return render(
        request,
        "handbook/training_detail.html",
        {
            "session": session,
            "attendances": attendances,
            "average": (sum(scores) / len(scores)).quantize(Decimal("0.1")) if scores else None,
            "can_edit": study.organiser_units(request.user).filter(pk=session.organisation_id).exists(),
        },
    )


# Above this many members the roster is shown one branch at a time.
ROSTER_PAGE_LIMIT = 300


@login_required
def training_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    """Attendees ticked from the roster, each with an optional test score (0–100)."""
    session = _get_session_for(request, pk)
    if not study.organiser_units(request.user).filter(pk=session.organisation_id).exists():
        raise PermissionDenied
    branches = list(study.roster_branches(session, request.user))
    raw_branch = request.GET.get("branch", "")
    within = next((b for b in branches if str(b.pk) == raw_branch), None)
    roster_qs = study.roster_for(session, request.user)
    if within is not None:
        roster_qs = roster_qs.filter(in_subtree(within, via="branch__path"))
    too_long = within is None and roster_qs.count() > ROSTER_PAGE_LIMIT
    roster = [] if too_long else list(roster_qs)
    current = {a.member_id: a.test_score for a in session.attendances.all()}
    errors: list[str] = []
    if request.method == "POST" and not too_long:
        attendance: dict[int, Decimal | None] = {}
        for raw in request.POST.getlist("attended"):
            member_id = parse_id(raw)
            if member_id is None:
                continue
            text = request.POST.get(f"score_{raw}", "").strip()
            score = None
            if text:
                try:
                    # The column holds 0.0–100.0 with one place: NaN, Infinity and 1e30 are not scores.
                    score = parse_decimal(text, max_digits=5, decimal_places=1, min_value=0, max_value=100)
                except ValidationError:
                    errors.append(_("A test score is a number from 0 to 100: “%(value)s”.") % {"value": text[:20]})
            attendance[member_id] = score
        if not errors:
            try:
                study.training_set_attendance(session=session, attendance=attendance, by=request.user, within=within)
            except ValidationError as exc:
                errors.extend(exc.messages)
            else:
                messages.success(request, _("Attendance saved."))
                return redirect("handbook:training", pk=session.pk)
    rows = [(m, m.pk in current, current.get(m.pk)) for m in roster]
    return render(
        request,
        "handbook/training_attendance.html",
        {
            "session": session,
            "rows": rows,
            "errors": errors,
            "branches": branches,
            "within": within,
            "too_long": too_long,
        },
    )


@login_required
def demonstration_list(request: HttpRequest) -> HttpResponse:
    selectors.require_reader(request.user)
    return render(request, "handbook/demonstrations.html", {"rows": study.demonstrations_visible_to(request.user)})


@login_required
def demonstration_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Marks a branch as a demonstration branch (示范点), or unmarks it."""
    organisation = abilities.unit_for(request.user, pk, "study.organise")
    if organisation.kind != OrgKind.BRANCH:
        raise Http404
    current = DemonstrationBranch.objects.filter(organisation=organisation).first()
    initial = {"since": current.since, "note": current.note} if current else {"since": timezone.localdate()}
    form = DemonstrationForm(request.POST or None, initial=initial)
    if request.method == "POST" and request.POST.get("action") == "clear":
        study.demonstration_clear(organisation=organisation)
        messages.success(request, _("%(org)s is no longer a demonstration branch.") % {"org": organisation})
        return redirect("handbook:demonstrations")
    if request.method == "POST" and form.is_valid():
        try:
            study.demonstration_set(organisation=organisation, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("%(org)s is a demonstration branch.") % {"org": organisation})
            return redirect("handbook:demonstrations")
    return render(request, "handbook/demonstration_form.html", {"form": form, "org": organisation, "current": current})
