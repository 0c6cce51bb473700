"""The dues ledger over the REST API: ``/api/v1/dues/``.

List: the entries of the branches whose ledger the user reads, and the user's own (a plain
member sees only theirs). Detail: one entry (404 outside the scope, 403 for another member's).
Write: ``POST`` records a member's month (or corrects it), ``PATCH`` corrects an entry; the
branch's keepers only, in an open month (a closed month is a 409).

Months: ``/api/v1/dues-months/`` lists the closed (and reopened) months of the ledgers the user
reads; ``close/`` closes a branch's month (its keepers; an already closed one is a 409) and
``reopen/`` opens it again with a reason (an administrator; an open one is a 409), as the pages.
"""

from dataclasses import asdict
from typing import Any

from django.db.models import QuerySet
from django_filters import rest_framework as django_filters
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import filters, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from branches import abilities
from config.api.filters import UnitFilter
from config.api.schema import ID_LOOKUP_REGEX, error_responses
from members.selectors import get_member_for

from . import selectors, services
from .models import DuesEntry, DuesMonth
from .serializers import (
    DuesCreateSerializer,
    DuesEntrySerializer,
    DuesMonthActionSerializer,
    DuesMonthReopenSerializer,
    DuesMonthSerializer,
    DuesWriteSerializer,
    MonthField,
)


def _valid(serializer_class: type[serializers.Serializer], request: Request, **kwargs: Any) -> dict[str, Any]:
    serializer = serializer_class(data=request.data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class DuesFilter(django_filters.FilterSet):
    branch = UnitFilter(
        units=lambda request: abilities.units_for(request.user, "dues.view"),
        help_text="A unit whose dues ledger you read: the entries of its whole subtree.",
    )
    month = django_filters.CharFilter(method="filter_month", help_text="A month, YYYY-MM.")
    member = django_filters.NumberFilter(field_name="member_id")
    unpaid = django_filters.BooleanFilter(method="filter_unpaid")

    class Meta:
        model = DuesEntry
        fields = ["branch", "month", "member", "unpaid"]

    def filter_month(self, queryset: QuerySet[DuesEntry], name: str, value: str) -> QuerySet[DuesEntry]:
        try:
            day = MonthField().to_internal_value(value)
        except serializers.ValidationError as exc:
            raise _bad_month() from exc
        return queryset.filter(month=day)

    def filter_unpaid(self, queryset: QuerySet[DuesEntry], name: str, value: bool | None) -> QuerySet[DuesEntry]:
        if value is None:
            return queryset
        return queryset.filter(selectors.unpaid()) if value else queryset.exclude(selectors.unpaid())


def _bad_month() -> Exception:
    return serializers.ValidationError({"month": [str(MonthField.default_error_messages["invalid"])]})


@extend_schema_view(
    list=extend_schema(summary="Dues entries: your branches' ledgers, and your own dues"),
    retrieve=extend_schema(summary="One member's dues of one month"),
    create=extend_schema(
        summary="Record a member's month (the branch's secretary or organising member)",
        request=DuesCreateSerializer,
        responses={201: DuesEntrySerializer, **error_responses(409)},
    ),
    partial_update=extend_schema(
        summary="Correct an entry in an open month", request=DuesWriteSerializer, responses={200: DuesEntrySerializer}
    ),
)
class DuesEntryViewSet(viewsets.GenericViewSet):
    """党费台账: a member's dues month by month."""

    serializer_class = DuesEntrySerializer
    filter_backends = [DjangoFilterBackend, filters.OrderingFilter]
    filterset_class = DuesFilter
    ordering_fields = ["month", "amount_due", "amount_paid"]
    lookup_value_regex = ID_LOOKUP_REGEX
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[DuesEntry]:
        return selectors.entries_visible(self.request.user)

    def _entry(self, request: Request, pk: str) -> DuesEntry:
        entry = abilities.get_scoped(request.user, DuesEntry.objects.select_related("member", "branch"), pk)
        abilities.require(request.user, "dues.member_view", entry.member)
        return entry

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(self.get_serializer(self._entry(request, pk)).data)

    def create(self, request: Request) -> Response:
        fields = _valid(DuesCreateSerializer, request)
        member = get_member_for(request.user, fields.pop("member"), ability="dues.member_view")
        month = fields.pop("month")
        entry = services.dues_record(
            by=request.user, branch=member.branch, member=member, month=month, values=services.Values(**fields)
        )
        return Response(self.get_serializer(entry).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, pk: str) -> Response:
        entry = self._entry(request, pk)
        current = services.Values(
            base=entry.base,
            payer_kind=entry.payer_kind,
            amount_paid=entry.amount_paid,
            paid_on=entry.paid_on,
            override_amount=entry.override_amount,
            override_reason=entry.override_reason,
        )
        serializer = DuesWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        values = services.Values(**{**asdict(current), **serializer.validated_data})
        entry = services.dues_record(
            by=request.user, branch=entry.branch, member=entry.member, month=entry.month, values=values
        )
        return Response(self.get_serializer(entry).data)


class DuesMonthFilter(django_filters.FilterSet):
    branch = UnitFilter(
        units=lambda request: abilities.units_for(request.user, "dues.view"),
        help_text="A unit whose dues ledger you read: the months of its whole subtree.",
    )
    closed = django_filters.BooleanFilter(field_name="closed_at", lookup_expr="isnull", exclude=True)

    class Meta:
        model = DuesMonth
        fields = ["branch", "closed"]


@extend_schema_view(
    list=extend_schema(summary="Months of the ledgers you read that were closed (or reopened)"),
)
class DuesMonthViewSet(viewsets.GenericViewSet):
    """A branch's month of the 党费台账, closed once settled and reopened by an administrator."""

    serializer_class = DuesMonthSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = DuesMonthFilter
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self) -> QuerySet[DuesMonth]:
        scope = abilities.visible(self.request.user, "dues.view", field="branch__path")
        if scope is None:
            return DuesMonth.objects.none()
        return DuesMonth.objects.filter(scope).select_related("branch").order_by("-month", "branch__path")

    def list(self, request: Request) -> Response:
        abilities.require(request.user, "dues.view")
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        summary="Close a branch's month: no more entries (the branch's secretary or organising member)",
        request=DuesMonthActionSerializer,
        description="A branch that is not there or outside your scope is a 404.",
        responses={200: DuesMonthSerializer, **error_responses(404, 409)},
    )
    @action(detail=False, methods=["post"])
    def close(self, request: Request) -> Response:
        fields = _valid(DuesMonthActionSerializer, request)
        branch = abilities.unit_for(request.user, fields["branch"], "dues.keep")
        ledger = services.dues_month_close(by=request.user, branch=branch, month=fields["month"])
        return Response(self.get_serializer(ledger).data)

    @extend_schema(
        summary="Reopen a closed month, saying why (an administrator)",
        request=DuesMonthReopenSerializer,
        description="A branch that is not there or outside your scope is a 404.",
        responses={200: DuesMonthSerializer, **error_responses(404, 409)},
    )
    @action(detail=False, methods=["post"])
    def reopen(self, request: Request) -> Response:
        fields = _valid(DuesMonthReopenSerializer, request)
        branch = abilities.unit_for(request.user, fields["branch"], "dues.reopen")
        ledger = selectors.month_of(branch, fields["month"])
        ledger = services.dues_month_reopen(by=request.user, ledger=ledger, reason=fields["reason"])
        return Response(self.get_serializer(ledger).data)
