"""发展党员 pages: a unit's files grouped by stage with each one's next step, opening a file,
a file's timeline, recording its next step (or a half-yearly assessment), closing it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from branches import abilities
from branches.models import OrgKind
from config.exceptions import Conflict
from config.forms import add_service_errors

from . import selectors, services
from .forms import CandidateForm, CloseForm, StepForm
from .models import Candidate, probation_ends_on
from .stages import StepKind


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The files of the highest unit the user reads them for."""
    abilities.require(request.user, "development.list")
    unit = abilities.units_for(request.user, "development.list").order_by("path").first()
    if unit is None:
        raise Http404
    return redirect("development:unit", pk=unit.pk)


@login_required
def unit_files(request: HttpRequest, pk: int) -> HttpResponse:
    unit = abilities.unit_for(request.user, pk, "development.list")
    candidates = list(selectors.candidates_of(request.user, unit))
    open_files = [c for c in candidates if c.closed_on is None]
    return render(
        request,
        "development/list.html",
        {
            "unit": unit,
            "groups": selectors.by_stage(open_files),
            "closed": [c for c in candidates if c.closed_on is not None],
            "count": len(open_files),
            "today": timezone.localdate(),
            "can_open": unit.kind == OrgKind.BRANCH and abilities.can(request.user, "development.open", unit),
        },
    )


@login_required
def candidate_new(request: HttpRequest, pk: int) -> HttpResponse:
    branch = abilities.unit_for(request.user, pk, "development.open")
    if branch.kind != OrgKind.BRANCH:
        raise Http404
    form = CandidateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            candidate = services.candidate_open(branch=branch, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Development file opened."))
            return redirect("development:detail", pk=candidate.pk)
    return render(request, "development/create.html", {"branch": branch, "form": form})


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = selectors.get_candidate_for(request.user, pk)
    done = selectors.steps_by_kind(candidate)
    can_keep = abilities.can(request.user, "development.keep", candidate)
    admitted = done.get(StepKind.ADMITTED)
    return render(
        request,
        "development/detail.html",
        {
            "candidate": candidate,
            "timeline": selectors.timeline(candidate),
            "next": selectors.next_step(candidate),
            "assessment": selectors.next_assessment(candidate),
            "recordable": [(kind, StepKind(kind).label) for kind in selectors.recordable(candidate)]
            if can_keep
            else [],
            "contacts": list(candidate.contacts.order_by("name")),
            "sponsors": list(candidate.sponsors.order_by("name")),
            "probation_ends_on": probation_ends_on(admitted.on) if admitted else None,
            "can_keep": can_keep,
            "can_see_member": candidate.member_id is not None
            and abilities.can(request.user, "member.view", candidate.member),
            "close_form": CloseForm(),
            "today": timezone.localdate(),
        },
    )


def _people_for(candidate: Candidate, kind: str):
    if kind == StepKind.SPONSORS:
        return selectors.full_members_of(candidate.branch)
    if kind == StepKind.ACTIVIST:
        return selectors.roster_of(candidate.branch)
    return None


@login_required
def record_step(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    candidate = abilities.get_for(request.user, "development.keep", selectors.with_steps(Candidate.objects.all()), pk)
    if kind not in StepKind.values or kind == StepKind.APPLICATION:
        raise Http404
    if not candidate.is_open:
        messages.error(request, abilities.refusal("development.keep", candidate))
        return redirect("development:detail", pk=candidate.pk)
    if kind not in selectors.recordable(candidate):
        upcoming = selectors.next_step(candidate)
        messages.error(
            request,
            _("Record %(next)s first: the steps are taken in order, none skipped.")
            % {"next": upcoming.label if upcoming else "—"},
        )
        return redirect("development:detail", pk=candidate.pk)
    form = StepForm(request.POST or None, kind=kind, people=_people_for(candidate, kind))
    if request.method == "POST" and form.is_valid():
        try:
            services.step_record(candidate=candidate, by=request.user, kind=kind, **form.service_arguments())
        except Conflict as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("development:detail", pk=candidate.pk)
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "people" in exc.error_dict:
                exc = ValidationError(
                    {"person_1" if "person_1" in form.fields else "__all__": exc.error_dict["people"]}
                )
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Step recorded."))
            return redirect("development:detail", pk=candidate.pk)
    return render(
        request,
        "development/record.html",
        {
            "candidate": candidate,
            "form": form,
            "kind_label": StepKind(kind).label,
            "next": selectors.next_step(candidate),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def close(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = abilities.get_for(request.user, "development.keep", Candidate.objects.select_related("branch"), pk)
    form = CloseForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(m for errors in form.errors.values() for m in errors))
        return redirect("development:detail", pk=candidate.pk)
    try:
        services.candidate_close(candidate=candidate, by=request.user, **form.cleaned_data)
    except (Conflict, ValidationError) as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Development file closed."))
    return redirect("development:detail", pk=candidate.pk)
