"""核标 assessment plans (who is checked this quarter) and 优标 upgrade plans."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from branches import abilities
from config.request_values import MAX_ID, parse_decimal, parse_id, parse_int

from ..dashboard import default_quarter
from ..models import AssessmentPlan, PlanKind, UpgradePlan, UpgradeTarget
from ..selectors import checked_outside, plan_rows
from ..services.plans import assessment_plan_create, plan_reproduces, upgrade_target_update
from ..services.scorecards import parse_period
from .common import run_and_redirect
from .dashboard import _subtrees


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    abilities.require(request.user, "dashboard.view")
    units = abilities.units_for(request.user, "dashboard.view").values("pk")
    plans = AssessmentPlan.objects.filter(organisation__in=units).select_related("organisation")[:200]
    year, quarter = default_quarter()
    return render(
        request,
        "assessments/plans.html",
        {"plans": plans, "subtrees": _subtrees(request.user), "period": f"{year}Q{quarter}", "kinds": PlanKind.choices},
    )


def _int(raw: str, default: int, *, min_value: int, max_value: int) -> int:
    if not raw.strip():
        return default
    return parse_int(raw, min_value=min_value, max_value=max_value)


@login_required
@require_POST
def plan_create(request: HttpRequest) -> HttpResponse:
    org_id = parse_id(request.POST.get("org", ""))
    if org_id is None:
        raise Http404
    organisation = abilities.unit_for(request.user, org_id, "plan.create")

    def create() -> None:
        year, quarter = parse_period(request.POST.get("quarter", ""))
        seed_raw = request.POST.get("seed", "").strip()
        assessment_plan_create(
            organisation=organisation,
            year=year,
            quarter=quarter,
            kind=request.POST.get("kind", PlanKind.QUARTERLY),
            sample_percent=_int(request.POST.get("sample_percent", ""), 30, min_value=0, max_value=100),
            seed=_int(seed_raw, 0, min_value=-MAX_ID - 1, max_value=MAX_ID) if seed_raw else None,
            by=request.user,
        )

    return run_and_redirect(request, create, _("Plan drawn."), "assessments:plans")


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


@login_required
def upgrade_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _upgrade_plan_for(request, pk)
    return render(
        request,
        "assessments/upgrade.html",
        {
            "plan": plan,
            "targets": plan.targets.all(),
            "gradings": plan.gradings.select_related("scorecard"),
            "can_edit": abilities.can(request.user, "upgrade.edit", plan),
        },
    )


@login_required
@require_POST
def upgrade_target(request: HttpRequest, pk: int, target_pk: int) -> HttpResponse:
    plan = _upgrade_plan_for(request, pk, "upgrade.edit")
    target = get_object_or_404(UpgradeTarget, pk=target_pk, plan=plan)

    def update() -> None:
        raw = request.POST.get("target_score", "").strip()
        score = (
            parse_decimal(
                raw,
                max_digits=5,
                decimal_places=2,
                min_value=0,
                max_value=100,
                message=_("The target score must be a number from 0 to 100."),
            )
            if raw
            else None
        )
        upgrade_target_update(
            target=target,
            by=request.user,
            action=request.POST.get("action", ""),
            progress=request.POST.get("progress", ""),
            done=request.POST.get("done") == "on",
            target_score=score,
        )

    return run_and_redirect(request, update, _("Saved."), "assessments:upgrade", pk=plan.pk)
