"""核标 findings over the REST API: ``/api/v1/findings/``.

Reads go through ``assessments.selectors`` (reviewers and administrators see the findings of
their subtree as the review goes, a branch its own once the review is final; outside the
scope 404, inside without the role 403); a reviewer records and removes findings through
``finding_add`` / ``finding_delete``, the services of the HTML review page. Both writes carry
the scorecard's ``version``: a card saved by someone else since is a 409, as is a card that
is not under review.
"""

from django.db.models import QuerySet
from django.urls import reverse
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import filters, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from branches import abilities
from config.api.schema import ID_LOOKUP_REGEX, error_responses

from .. import selectors
from ..models import Finding, Severity
from ..services.review import finding_add, finding_delete
from .filters import FindingFilter

MAX_ID = 10**18 - 1
PERIOD_FILTERS = (("scorecard", "scorecard_id"), ("year", "scorecard__year"), ("quarter", "scorecard__quarter"))


class FindingSerializer(serializers.ModelSerializer):
    branch = serializers.IntegerField(source="scorecard.branch_id", read_only=True)
    branch_name = serializers.CharField(source="scorecard.branch.name", read_only=True)
    year = serializers.IntegerField(source="scorecard.year", read_only=True)
    quarter = serializers.IntegerField(source="scorecard.quarter", read_only=True)
    article_code = serializers.CharField(source="article.code", read_only=True)
    article_title = serializers.CharField(source="article.title", read_only=True)
    severity_label = serializers.CharField(source="get_severity_display", read_only=True)
    rectification = serializers.SerializerMethodField(help_text="The rectification item made of it when final.")

    class Meta:
        model = Finding
        fields = [
            "id",
            "scorecard",
            "branch",
            "branch_name",
            "year",
            "quarter",
            "article",
            "article_code",
            "article_title",
            "problem",
            "severity",
            "severity_label",
            "suggestion",
            "rectify_by",
            "rectification",
            "created_at",
        ]

    def get_rectification(self, finding: Finding) -> int | None:
        item = getattr(finding, "rectification", None)
        return item.pk if item is not None else None


class FindingCreateSerializer(serializers.Serializer):
    scorecard = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="A scorecard under your review.")
    version = serializers.IntegerField(
        min_value=0, max_value=2**31 - 1, help_text="The scorecard's version you read; another one is a 409."
    )
    article = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="An article of the scorecard.")
    problem = serializers.CharField(max_length=2000)
    severity = serializers.ChoiceField(choices=Severity.choices, default=Severity.MINOR)
    suggestion = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    rectify_by = serializers.DateField(required=False, allow_null=True, default=None)


class VersionQuerySerializer(serializers.Serializer):
    version = serializers.IntegerField(
        required=False, min_value=0, max_value=2**31 - 1, help_text="The scorecard's version you read."
    )


@extend_schema_view(
    list=extend_schema(
        summary="The findings the user may see, filtered (reviewers, administrators; a branch once final)",
    ),
    retrieve=extend_schema(summary="One finding"),
    create=extend_schema(
        summary="Record a finding on a scorecard under review (reviewer)",
        description=(
            "The scorecard must be submitted and not yet marked reviewed (409 otherwise), and "
            "`version` the card's current version (409 otherwise). An article that is not on "
            "the card is a 400 on `article`. When the review is final, each finding becomes a "
            "rectification item."
        ),
        request=FindingCreateSerializer,
        responses={201: FindingSerializer, **error_responses(404, 409)},
    ),
    destroy=extend_schema(
        summary="Remove a finding while the scorecard is under review (reviewer)",
        parameters=[
            OpenApiParameter(
                "version", OpenApiTypes.INT, description="The scorecard's version you read; another one is a 409."
            )
        ],
        responses={204: None, **error_responses(400, 409)},
    ),
)
class FindingViewSet(viewsets.GenericViewSet):
    """核标发现的问题: what the assessment team found, each against an article."""

    serializer_class = FindingSerializer
    filter_backends = [DjangoFilterBackend, filters.OrderingFilter]
    filterset_class = FindingFilter
    ordering_fields = ["created_at", "rectify_by", "severity", "article__code", "scorecard__year"]
    ordering = ["-scorecard__year", "-scorecard__quarter", "article__code", "pk"]
    lookup_value_regex = ID_LOOKUP_REGEX

    def get_queryset(self) -> QuerySet[Finding]:
        return selectors.findings_visible_to(self.request.user).select_related(
            "scorecard__branch", "article", "rectification"
        )

    def list(self, request: Request) -> Response:
        abilities.require(request.user, "scorecard.view")
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(self.get_serializer(selectors.get_finding_for(request.user, int(pk))).data)

    def create(self, request: Request) -> Response:
        body = FindingCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        fields = dict(body.validated_data)
        card = selectors.get_scorecard_for(request.user, fields.pop("scorecard"), ability="scorecard.review")
        finding = finding_add(scorecard=card, by=request.user, article_id=fields.pop("article"), **fields)
        response = Response(
            self.get_serializer(selectors.get_finding_for(request.user, finding.pk)).data,
            status=status.HTTP_201_CREATED,
        )
        response["Location"] = reverse("api:finding-detail", kwargs={"pk": finding.pk})
        return response

    def destroy(self, request: Request, pk: str) -> Response:
        finding = selectors.get_finding_for(request.user, int(pk), ability="finding.write")
        query = VersionQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        finding_delete(finding=finding, by=request.user, version=query.validated_data.get("version"))
        return Response(status=status.HTTP_204_NO_CONTENT)
