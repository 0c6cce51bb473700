"""发展党员 over the REST API: ``/api/v1/development-candidates/`` (list, detail, open a file)
and ``POST …/{id}/steps/`` (record a step).

The same selectors, services and abilities as the pages: the readers of a unit see its
subtree's files; the branch's secretary and organising member open files and record steps
(outside the scope 404, inside it without the role 403, a closed file 409)."""

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from branches import abilities
from config.api.filters import BooleanFilter, UnitFilter
from config.api.schema import ID_LOOKUP_REGEX, error_responses

from . import selectors, services
from .models import Candidate
from .serializers import CandidateCreateSerializer, CandidateDetailSerializer, CandidateSerializer, StepCreateSerializer
from .stages import Stage


class CandidateFilter(filters.FilterSet):
    branch = UnitFilter(
        units=lambda request: abilities.units_for(request.user, "development.list"),
        help_text="A unit whose development files you may read: the files of its whole subtree.",
    )
    stage = filters.ChoiceFilter(choices=Stage.choices)
    closed = BooleanFilter(method="filter_closed", help_text="Closed files (true) or open ones (false).")

    class Meta:
        model = Candidate
        fields = ["branch", "stage", "closed"]

    def filter_closed(self, queryset: QuerySet[Candidate], name: str, value: bool | None) -> QuerySet[Candidate]:
        if value is None:
            return queryset
        return queryset.filter(closed_on__isnull=not value)


@extend_schema_view(
    list=extend_schema(summary="Development files you may read (`?branch=`, `?stage=`, `?closed=`)"),
    retrieve=extend_schema(summary="One development file with its steps"),
    create=extend_schema(
        summary="Open a development file (the branch's secretary or organising member)",
        request=CandidateCreateSerializer,
        responses={201: CandidateDetailSerializer, **error_responses(404)},
    ),
    steps=extend_schema(
        summary="Record a step of the file: the next one in order, or a half-yearly assessment",
        request=StepCreateSerializer,
        responses={201: CandidateDetailSerializer, **error_responses(409)},
    ),
)
class CandidateViewSet(viewsets.GenericViewSet):
    serializer_class = CandidateSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = CandidateFilter
    lookup_value_regex = ID_LOOKUP_REGEX
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self) -> QuerySet[Candidate]:
        return selectors.with_steps(selectors.candidates_visible_to(self.request.user)).order_by("applied_on", "pk")

    def _detail(self, pk: int, code: int = status.HTTP_200_OK) -> Response:
        candidate = selectors.with_steps(Candidate.objects.filter(pk=pk)).prefetch_related("contacts", "sponsors").get()
        return Response(CandidateDetailSerializer(candidate).data, status=code)

    def list(self, request: Request) -> Response:
        abilities.require(request.user, "development.list")
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        candidate = selectors.get_candidate_for(request.user, int(pk))
        return self._detail(candidate.pk)

    def create(self, request: Request) -> Response:
        body = CandidateCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        fields = dict(body.validated_data)
        branch = abilities.unit_for(request.user, fields.pop("branch"), "development.open")
        candidate = services.candidate_open(branch=branch, by=request.user, **fields)
        response = self._detail(candidate.pk, status.HTTP_201_CREATED)
        response["Location"] = reverse("api:development-candidate-detail", kwargs={"pk": candidate.pk})
        return response

    @action(detail=True, methods=["post"])
    def steps(self, request: Request, pk: str) -> Response:
        candidate = abilities.get_for(request.user, "development.keep", Candidate.objects.select_related("branch"), pk)
        body = StepCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        fields = dict(body.validated_data)
        ids = set(fields.pop("people"))
        people = list(selectors.roster_of(candidate.branch).filter(pk__in=ids))
        if len(people) != len(ids):
            raise serializers.ValidationError({"people": [_("Choose people from the branch's roster.")]})
        services.step_record(candidate=candidate, by=request.user, people=people, **fields)
        return self._detail(candidate.pk, status.HTTP_201_CREATED)
