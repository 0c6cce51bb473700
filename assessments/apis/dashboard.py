"""The reviewer's dashboard over the REST API: ``GET /api/v1/dashboard/summary/``.

Every figure comes from ``assessments.dashboard.dashboard_for``, the code of the HTML
dashboard (``/assessments/dashboard/``), for the same roles (reviewers and administrators)
and the same choice of subtree; nothing is computed here but the JSON.
"""

from dataclasses import asdict
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from branches import abilities
from branches.models import Organisation
from config.api.schema import error_responses
from config.request_values import parse_quarter

from ..dashboard import SORTS, Dashboard, default_quarter
from ..dashboard_cache import cached_dashboard
from ..models import Grade, RectificationStatus

MAX_ID = 10**18 - 1
RECTIFICATION_STATUSES = "One of: " + ", ".join(RectificationStatus.values) + "."


class DashboardQuerySerializer(serializers.Serializer):
    organisation = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        required=False,
        help_text="The unit whose subtree to sum up; by default the highest one you review or administer.",
    )
    period = serializers.CharField(required=False, help_text="A quarter, like 2026Q3; by default this one.")
    sort = serializers.ChoiceField(choices=sorted(SORTS), default="score", help_text="The ranking's order.")

    def validate_period(self, value: str) -> tuple[int, int]:
        # Never another quarter than the one asked: anything but YYYYQn (1-4) is refused.
        try:
            return parse_quarter(value)
        except DjangoValidationError:
            raise serializers.ValidationError(_("Not a quarter: a quarter is written like 2026Q3.")) from None


class UnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "code", "name", "kind"]
        read_only_fields = fields


class CountsSerializer(serializers.Serializer):
    """Every active branch is in exactly one of not_submitted, returned, submitted, reviewed
    and final, so these five add up to ``branches``; ``late`` cuts across them. Each figure is
    the length of the page list it names (``/assessments/dashboard/branches/?state=…``)."""

    branches = serializers.IntegerField(help_text="Active branches in the subtree.")
    started = serializers.IntegerField(help_text="Branches with a card this quarter.")
    not_started = serializers.IntegerField(help_text="Branches without a card this quarter.")
    not_submitted = serializers.IntegerField(help_text="No card, or a draft.")
    returned = serializers.IntegerField(help_text="Returned to the branch and not submitted again.")
    submitted = serializers.IntegerField(help_text="Waiting for review (submitted, again after a return included).")
    reviewed = serializers.IntegerField(help_text="Reviewed, not finalised.")
    final = serializers.IntegerField()
    late = serializers.IntegerField(
        help_text="Submitted after the deadline, or not in (no card, a draft, returned) after it."
    )


class PlanProgressSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk", help_text="The assessment plan.")
    unit = serializers.CharField(help_text="The unit the plan was made for.")
    kind_label = serializers.CharField()
    planned = serializers.IntegerField(help_text="Branches of the subtree the plan lists.")
    done = serializers.IntegerField(help_text="Of those, the ones whose card of the quarter is reviewed or final.")


class RankRowSerializer(serializers.Serializer):
    branch = serializers.IntegerField(source="branch_id")
    code = serializers.CharField()
    name = serializers.CharField()
    is_key = serializers.BooleanField(help_text="A key unit (重点单位).")
    rank = serializers.IntegerField(help_text="By final score, best first.")
    score = serializers.DecimalField(max_digits=6, decimal_places=2, help_text="The final (review) score.")
    self_score = serializers.DecimalField(max_digits=6, decimal_places=2)
    gap = serializers.DecimalField(max_digits=6, decimal_places=2, help_text="Self score minus final score.")
    grade = serializers.ChoiceField(choices=Grade.choices, allow_blank=True)
    grade_label = serializers.CharField()
    previous = serializers.DecimalField(
        max_digits=6, decimal_places=2, allow_null=True, help_text="Last quarter's final score."
    )
    trend = serializers.ChoiceField(choices=["up", "down", "same", ""], help_text="Against last quarter.")


class GapSerializer(serializers.Serializer):
    branch = serializers.IntegerField(source="branch_id")
    name = serializers.CharField()
    gap = serializers.DecimalField(max_digits=6, decimal_places=2)


class GradeCountSerializer(serializers.Serializer):
    grade = serializers.ChoiceField(choices=Grade.choices)
    label = serializers.CharField()
    count = serializers.IntegerField()


class TrendPointSerializer(serializers.Serializer):
    period = serializers.CharField()
    average = serializers.FloatField(allow_null=True, help_text="Mean final score; null without final cards.")
    count = serializers.IntegerField(help_text="Final cards.")


class DeductedArticleSerializer(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()
    points = serializers.DecimalField(max_digits=10, decimal_places=2, help_text="Points deducted by final reviews.")
    lines = serializers.IntegerField(help_text="Lines with a deduction.")


class BranchTasksSerializer(serializers.Serializer):
    branch = serializers.IntegerField(source="branch_id")
    name = serializers.CharField()
    due = serializers.IntegerField()
    due_so_far = serializers.IntegerField()
    done = serializers.IntegerField()
    on_time = serializers.IntegerField()
    on_time_rate = serializers.FloatField(allow_null=True, help_text="Percent of the work due so far done on time.")
    overdue = serializers.IntegerField()
    average_delay_days = serializers.FloatField(allow_null=True)
    checked = serializers.IntegerField()
    average_quality = serializers.FloatField(allow_null=True, help_text="优 4 … 差 1.")


class TasksSerializer(serializers.Serializer):
    on_time_rate = serializers.FloatField(allow_null=True)
    overdue = serializers.IntegerField()
    branches = BranchTasksSerializer(many=True, help_text="Worst on-time rate first.")


class OpenItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    branch = serializers.IntegerField(source="branch_id")
    branch_name = serializers.CharField(source="branch.name")
    article_code = serializers.CharField()
    problem = serializers.CharField(source="finding.problem")
    owner = serializers.IntegerField(source="owner_id", allow_null=True, help_text="The owner's user id.")
    owner_name = serializers.CharField(source="owner_display")
    deadline = serializers.DateField()
    # Not an enum in the schema: its values would collide with the scorecard's "status" enum.
    status = serializers.CharField(help_text=RECTIFICATION_STATUSES)
    is_overdue = serializers.BooleanField()


class RectificationSerializer(serializers.Serializer):
    open = serializers.IntegerField()
    overdue = serializers.IntegerField()
    oldest = OpenItemSerializer(many=True, help_text="The open items with the earliest deadlines (at most 20).")


class DashboardSerializer(serializers.Serializer):
    organisation = UnitSerializer(source="root")
    period = serializers.CharField()
    sort = serializers.CharField()
    counts = CountsSerializer()
    late_branches = serializers.ListField(child=serializers.CharField(), help_text="Names of the late branches.")
    plans = PlanProgressSerializer(many=True, help_text="The quarter's assessment plans covering the subtree.")
    quarters = serializers.ListField(
        child=serializers.CharField(), help_text="Quarters with scorecards or plans, and the current one, newest first."
    )
    ranking = RankRowSerializer(many=True, help_text="The branches with a final card, in the order asked.")
    gaps = GapSerializer(many=True, help_text="Self-vs-review gap by branch, the widest first.")
    grades = GradeCountSerializer(many=True, help_text="Grade distribution of the final cards.")
    trend = TrendPointSerializer(many=True, help_text="The last eight quarters, oldest first.")
    top_deducted = DeductedArticleSerializer(many=True, help_text="The ten most-deducted articles.")
    tasks = TasksSerializer(help_text="The handbook tasks due in the quarter.")
    rectification = RectificationSerializer(help_text="Open rectification items in the subtree.")


def _as_data(board: Dashboard, sort: str) -> dict[str, Any]:
    return {
        "root": board.root,
        "period": board.period,
        "sort": sort,
        "counts": board.counts,
        "late_branches": board.late_branches,
        "plans": board.plans,
        "quarters": [value for value, _label in board.quarters],
        "ranking": board.ranking,
        "gaps": sorted(board.ranking, key=lambda row: (-abs(row.gap), row.code)),
        "grades": [{"grade": g, "label": label, "count": n} for g, label, n in board.grades],
        "trend": [{"period": p, "average": avg, "count": n} for p, avg, n in board.trend],
        "top_deducted": board.top_deducted,
        "tasks": {
            "on_time_rate": board.tasks.on_time_rate,
            "overdue": board.tasks.overdue,
            "branches": [
                {"name": name, **asdict(row), "on_time_rate": row.on_time_rate} for name, row in board.tasks.rows
            ],
        },
        "rectification": {"open": board.open_items, "overdue": board.overdue_items, "oldest": board.items},
    }


class DashboardViewSet(viewsets.GenericViewSet):
    """优标: the reviewer's dashboard for a subtree and a quarter."""

    serializer_class = DashboardSerializer
    pagination_class = None
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        return Organisation.objects.none()  # read through dashboard_for

    @extend_schema(
        operation_id="dashboard_summary",
        summary="A quarter over a subtree: submissions, ranking, grades, deductions, gaps, tasks, rectification",
        description="Reviewers and administrators, as the dashboard page. A unit outside your scope is a 404.",
        parameters=[DashboardQuerySerializer],
        responses={200: DashboardSerializer, **error_responses(400, 404)},
    )
    @action(detail=False, methods=["get"])
    def summary(self, request: Request) -> Response:
        abilities.require(request.user, "dashboard.view")
        query = DashboardQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        wanted = query.validated_data
        if "organisation" in wanted:
            root = abilities.unit_for(request.user, wanted["organisation"], "dashboard.view")
        else:
            root = abilities.units_for(request.user, "dashboard.view").order_by("depth", "code").first()
        year, quarter = wanted.get("period") or default_quarter()
        board = cached_dashboard(root, year=year, quarter=quarter, sort=wanted["sort"])
        return Response(DashboardSerializer(_as_data(board, wanted["sort"])).data)
