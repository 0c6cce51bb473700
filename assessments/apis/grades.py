"""分类定级 over the REST API, read-only: ``/api/v1/grades/`` and ``/api/v1/grades/years/``.

A quarter's grade is the final review's (``Scorecard.grade``); a year's score and grade come
from ``assessments.dashboard.year_scores`` — the function behind the dashboard's yearly export
for performance pay (考核兑现) — so they follow ``assessments.services.years``: the final
quarters, with the year-end check counted once more. Branches see their own grades once final.
"""

from typing import Any

from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import filters, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from branches import abilities
from config.api.filters import validated_query

from .. import selectors
from ..dashboard import default_quarter, year_scores
from ..models import Scorecard, ScorecardStatus, grade_label
from .filters import GradeFilter, YearGradeFilter


class QuarterGradeSerializer(serializers.ModelSerializer):
    scorecard = serializers.IntegerField(source="pk", read_only=True)
    branch_code = serializers.CharField(source="branch.code", read_only=True)
    branch_name = serializers.CharField(source="branch.name", read_only=True)
    score = serializers.DecimalField(source="review_total", max_digits=6, decimal_places=2, read_only=True)
    gap = serializers.DecimalField(
        max_digits=6, decimal_places=2, read_only=True, allow_null=True, help_text="Self score minus the final score."
    )
    grade_label = serializers.SerializerMethodField()

    class Meta:
        model = Scorecard
        fields = [
            "scorecard",
            "branch",
            "branch_code",
            "branch_name",
            "year",
            "quarter",
            "self_total",
            "score",
            "gap",
            "grade",
            "grade_label",
            "is_late",
            "finalised_at",
        ]

    def get_grade_label(self, card: Scorecard) -> str:
        return grade_label(card.grade)


class QuarterCellSerializer(serializers.Serializer):
    quarter = serializers.IntegerField()
    score = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    grade = serializers.CharField()
    is_late = serializers.BooleanField()


class YearGradeSerializer(serializers.Serializer):
    branch = serializers.IntegerField()
    branch_code = serializers.CharField()
    branch_name = serializers.CharField()
    is_key = serializers.BooleanField()
    year = serializers.IntegerField()
    quarters = QuarterCellSerializer(many=True, help_text="The year's final quarters (those not final are left out).")
    year_end_score = serializers.DecimalField(
        max_digits=6,
        decimal_places=2,
        allow_null=True,
        help_text=(
            "The year-end check's own score (its check record's, once the review it is recorded on is "
            "final), counted as one more term of the mean."
        ),
    )
    year_score = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    year_grade = serializers.CharField(help_text="Empty when the branch has no final quarter in the year.")
    year_grade_label = serializers.CharField()
    late_submissions = serializers.IntegerField()


def _year_row(row: dict[str, Any], year: int) -> dict[str, Any]:
    return {
        "branch": row["pk"],
        "branch_code": row["code"],
        "branch_name": row["name"],
        "is_key": row["is_key"],
        "year": year,
        "quarters": [
            {"quarter": q, "score": cell[0], "grade": cell[1], "is_late": cell[2]}
            for q, cell in enumerate(row["quarters"], start=1)
            if cell is not None
        ],
        "year_end_score": row["year_end_score"],
        "year_score": row["year_score"],
        "year_grade": row["year_grade"],
        "year_grade_label": grade_label(row["year_grade"]),
        "late_submissions": row["late"],
    }


@extend_schema_view(
    list=extend_schema(
        summary="Quarter grades: each final review's score and grade (administrators, reviewers, secretaries)",
    ),
)
class GradeViewSet(viewsets.GenericViewSet):
    """分类定级: 好 / 较好 / 一般 / 较差 per branch, by quarter and by year."""

    serializer_class = QuarterGradeSerializer
    filter_backends = [DjangoFilterBackend, filters.OrderingFilter]
    filterset_class = GradeFilter
    ordering_fields = ["year", "quarter", "review_total", "self_total", "branch__code", "finalised_at"]
    ordering = ["-year", "-quarter", "branch__code"]

    def get_queryset(self) -> QuerySet[Scorecard]:
        return (
            selectors.scorecards_visible_to(self.request.user)
            .filter(status=ScorecardStatus.FINAL)
            .select_related("branch")
        )

    def list(self, request: Request) -> Response:
        abilities.require(request.user, "scorecard.view")
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        operation_id="grades_years",
        summary="Year grades per branch: the final quarters with the year-end check (as the xlsx export)",
        responses=YearGradeSerializer(many=True),
    )
    @action(
        detail=False,
        methods=["get"],
        filter_backends=[DjangoFilterBackend],
        filterset_class=YearGradeFilter,
        serializer_class=YearGradeSerializer,
    )
    def years(self, request: Request) -> Response:
        abilities.require(request.user, "scorecard.view")
        wanted = validated_query(YearGradeFilter, request, Scorecard.objects.none())
        year = wanted.get("year") or default_quarter()[0]
        roots = [wanted["branch"]] if wanted.get("branch") is not None else selectors.top_units(request.user)
        rows = [_year_row(row, year) for root in roots for row in year_scores(root, year)]
        if wanted.get("grade"):
            rows = [r for r in rows if r["year_grade"] == wanted["grade"]]
        page = self.paginate_queryset(_ordered(rows, wanted.get("ordering") or "code"))
        return self.get_paginated_response(YearGradeSerializer(page, many=True).data)


def _ordered(rows: list[dict[str, Any]], ordering: str) -> list[dict[str, Any]]:
    rows = sorted(rows, key=lambda r: r["branch_code"], reverse=ordering == "-code")
    if ordering.endswith("year_score"):
        scored = sorted(
            (r for r in rows if r["year_score"] is not None),
            key=lambda r: r["year_score"],
            reverse=ordering.startswith("-"),
        )
        rows = scored + [r for r in rows if r["year_score"] is None]
    return rows
