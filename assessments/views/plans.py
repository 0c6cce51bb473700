"""核标 assessment plans (who is checked this quarter) and 优标 upgrade plans."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from branches import abilities
from config.forms import add_service_errors

from ..forms.plans import PlanForm, UpgradeTargetForm
from ..models import AssessmentPlan, PlanKind, UpgradePlan, UpgradeTarget
from ..selectors import checked_outside, plan_rows
from ..services.plans import assessment_plan_create, plan_reproduces, upgrade_target_update
from .dashboard import _subtrees


def _plans_page(request: HttpRequest, form: PlanForm, status: int = 200) -> HttpResponse:
    units = abilities.units_for(request.user, "dashboard.view").values("pk")
    plans = AssessmentPlan.objects.filter(organisation__in=units).select_related("organisation")[:200]
    return render(
        request,
        "assessments/plans.html",
        {"plans": plans, "subtrees": _subtrees(request.user), "form": form},
        status=status,
    )


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    abilities.require(request.user, "dashboard.view")
    return _plans_page(request, PlanForm())


@login_required
@require_POST
def plan_create(request: HttpRequest) -> HttpResponse:
    form = PlanForm(request.POST)
    form.is_valid()
    org_id = form.cleaned_data.get("org")
    if org_id is None:
        raise Http404
    organisation = abilities.unit_for(request.user, org_id, "plan.create")
    if form.is_valid():
        data = form.cleaned_data
        year, quarter = data["quarter"]
        try:
            assessment_plan_create(
                organisation=organisation,
                year=year,
                quarter=quarter,
                kind=data["kind"],
                sample_percent=data["sample_percent"],
                seed=data["seed"],
                by=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Plan drawn."))
            return redirect("assessments:plans")
    return _plans_page(request, form, status=400)


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan as the list of checks to do: each entry with where its check stands, the
    progress (done / planned), and the branches checked outside it (计划外)."""
    plan = get_object_or_404(AssessmentPlan.objects.select_related("organisation"), pk=pk)
    abilities.unit_for(request.user, plan.organisation_id, "dashboard.view")
    rows = plan_rows(plan)
    done = sum(1 for row in rows if row["done"])
    return render(
        request,
        "assessments/plan.html",
        {
            "plan": plan,
            "rows": rows,
            "done": done,
            "reproduces": plan_reproduces(plan),
            "outside": checked_outside(plan),
            "record_url": "assessments:year_end_check"
            if plan.kind == PlanKind.YEAR_END
            else "assessments:check_record",
        },
    )


def _upgrade_plan_for(request: HttpRequest, pk: int, ability: str = "upgrade.view") -> UpgradePlan:
    plans = UpgradePlan.objects.select_related("branch", "scorecard")
    return abilities.get_for(request.user, ability, plans, pk)


def _upgrade_page(
    request: HttpRequest, plan: UpgradePlan, *, refused: UpgradeTargetForm | None = None, refused_pk: int = 0
) -> HttpResponse:
    """The plan with a form per target; ``refused`` is the one just refused, with what was typed."""
    targets = list(plan.targets.all())
    for target in targets:
        target.form = (  # type: ignore[attr-defined]
            refused
            if refused is not None and target.pk == refused_pk
            else UpgradeTargetForm(
                target_pk=target.pk,
                initial={
                    "action": target.action,
                    "progress": target.progress,
                    "target_score": target.target_score,
                    "done": target.done,
                },
            )
        )
    return render(
        request,
        "assessments/upgrade.html",
        {
            "plan": plan,
            "targets": targets,
            "gradings": plan.gradings.select_related("scorecard"),
            "can_edit": abilities.can(request.user, "upgrade.edit", plan),
        },
        status=400 if refused is not None else 200,
    )


@login_required
def upgrade_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _upgrade_page(request, _upgrade_plan_for(request, pk))


@login_required
@require_POST
def upgrade_target(request: HttpRequest, pk: int, target_pk: int) -> HttpResponse:
    plan = _upgrade_plan_for(request, pk, "upgrade.edit")
    target = get_object_or_404(UpgradeTarget, pk=target_pk, plan=plan)
    form = UpgradeTargetForm(request.POST, target_pk=target.pk)
    if form.is_valid():
        data = form.cleaned_data
        try:
            upgrade_target_update(
                target=target,
                by=request.user,
                action=data["action"],
                progress=data["progress"],
                done=data["done"],
                target_score=data["target_score"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("assessments:upgrade", pk=plan.pk)
    return _upgrade_page(request, plan, refused=form, refused_pk=target.pk)
