"""整改 over the REST API: ``/api/v1/rectification-items/``.

Each finding of a final review is an item with an owner and a deadline. The branch reports
what it did, with evidence (``report``); the reviewer closes it or sends it back with a reason
(``verify``); the reviewer or the branch secretary names the owner (``assign``) from the people
of the branch. Reads go through ``assessments.selectors``, writes through
``assessments.services.rectification`` — the HTML pages' own. An action the item's status
forbids is a 409.
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
from config.api.schema import ID_LOOKUP_REGEX, error_responses

from .. import selectors
from ..models import RectificationItem
from ..services.rectification import rectification_assign, rectification_report, rectification_verify
from .filters import RectificationFilter

MAX_ID = 10**18 - 1


class RectificationItemSerializer(serializers.ModelSerializer):
    branch_name = serializers.CharField(source="branch.name", read_only=True)
    year = serializers.IntegerField(source="finding.scorecard.year", read_only=True)
    quarter = serializers.IntegerField(source="finding.scorecard.quarter", read_only=True)
    problem = serializers.CharField(source="finding.problem", read_only=True)
    suggestion = serializers.CharField(source="finding.suggestion", read_only=True)
    owner_name = serializers.CharField(
        source="owner_display", read_only=True, help_text="The owner's name (kept when the owner is not a user)."
    )
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = RectificationItem
        fields = [
            "id",
            "branch",
            "branch_name",
            "finding",
            "year",
            "quarter",
            "article_code",
            "problem",
            "suggestion",
            "owner",
            "owner_name",
            "deadline",
            "is_overdue",
            "status",
            "status_label",
            "action_taken",
            "evidence",
            "done_at",
            "sent_back_reason",
            "closed_by",
            "closed_at",
            "created_at",
        ]


class ReportSerializer(serializers.Serializer):
    action_taken = serializers.CharField(max_length=2000, help_text="What the branch did.")
    evidence = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    owner = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, allow_null=True, default=None, help_text="Another owner."
    )


class VerifySerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[("close", "close"), ("send_back", "send back")])
    reason = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, default="", help_text="Required when sending back."
    )


class AssignSerializer(serializers.Serializer):
    owner = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        allow_null=True,
        help_text="A user holding a secretary or member role in the item's branch; null for no one.",
    )


def _body(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _write(summary: str, request: type[serializers.Serializer], conflict: str, who: str) -> Any:
    return extend_schema(
        summary=summary,
        description=f"{who} 409 conflict: {conflict}.",
        request=request,
        responses={200: RectificationItemSerializer, **error_responses(409)},
    )


@extend_schema_view(
    list=extend_schema(
        summary="The rectification items the user may see (administrators, reviewers, secretaries)",
    ),
    retrieve=extend_schema(summary="One rectification item"),
)
class RectificationItemViewSet(viewsets.GenericViewSet):
    """整改事项: each finding of a final review, worked off item by item (逐件销号)."""

    serializer_class = RectificationItemSerializer
    filter_backends = [DjangoFilterBackend, filters.OrderingFilter]
    filterset_class = RectificationFilter
    ordering_fields = ["deadline", "created_at", "article_code", "status", "done_at", "closed_at"]
    ordering = ["deadline", "pk"]
    lookup_value_regex = ID_LOOKUP_REGEX

    def get_queryset(self) -> QuerySet[RectificationItem]:
        return selectors.rectification_items_visible_to(self.request.user).select_related(
            "branch", "owner", "finding__scorecard"
        )

    def _out(self, pk: int) -> Response:
        return Response(self.get_serializer(selectors.get_rectification_for(self.request.user, pk)).data)

    def list(self, request: Request) -> Response:
        abilities.require(request.user, "scorecard.view")
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        return self._out(int(pk))

    @_write(
        "Report what was done, with evidence (the branch's secretary)",
        ReportSerializer,
        "the item is not open (already reported, or closed)",
        "The secretary of the item's branch. An `owner` who holds no role in the branch is a 400.",
    )
    @action(detail=True, methods=["post"])
    def report(self, request: Request, pk: str) -> Response:
        item = selectors.get_rectification_for(request.user, int(pk), ability="rectification.report")
        fields = _body(ReportSerializer, request)
        rectification_report(
            item=item,
            by=request.user,
            action_taken=fields["action_taken"],
            evidence=fields["evidence"],
            owner_id=fields["owner"],
        )
        return self._out(item.pk)

    @_write(
        "Verify a reported item: close it (销号), or send it back with a reason (reviewer)",
        VerifySerializer,
        "the item has not been reported as done",
        "Reviewers of the item's branch. Sending back without a reason is a 400.",
    )
    @action(detail=True, methods=["post"])
    def verify(self, request: Request, pk: str) -> Response:
        item = selectors.get_rectification_for(request.user, int(pk), ability="rectification.verify")
        fields = _body(VerifySerializer, request)
        rectification_verify(item=item, by=request.user, accept=fields["decision"] == "close", reason=fields["reason"])
        return self._out(item.pk)

    @_write(
        "Name the item's owner (reviewer, or the branch's secretary)",
        AssignSerializer,
        "the item is closed",
        "Reviewers and the secretary of the item's branch. An owner who holds no secretary or "
        "member role in the branch is a 400 on `owner`.",
    )
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk: str) -> Response:
        item = selectors.get_rectification_for(request.user, int(pk), ability="rectification.assign")
        rectification_assign(item=item, by=request.user, owner_id=_body(AssignSerializer, request)["owner"])
        return self._out(item.pk)
