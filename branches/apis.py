"""The organisation tree over the REST API: ``/api/v1/organisations/`` and ``/api/v1/me/``.

The pattern for every app's ``apis.py``: a view reads through the app's selectors (which
decide what the user may see: outside the scope 404, without the role 403) and writes
through its services (which hold every rule); it only turns JSON into arguments and results
into JSON. Views catch no errors: ``config.api.errors`` turns ``Http404``,
``PermissionDenied``, ``ValidationError`` (400) and ``config.exceptions.Conflict`` (409) into
the API's one error format. Lists get filtering, search, ordering and pagination from the
defaults in ``REST_FRAMEWORK``.
"""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.urls import reverse
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api.schema import ID_LOOKUP_REGEX, error_responses

from . import abilities, selectors, services
from .models import Organisation, OrgStatus
from .serializers import (
    MeSerializer,
    OrganisationCreateSerializer,
    OrganisationDissolveSerializer,
    OrganisationMoveSerializer,
    OrganisationSerializer,
    OrganisationTreeNodeSerializer,
    OrganisationTreeRowSerializer,
    OrganisationUpdateSerializer,
    TreeQuerySerializer,
)


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(filters.NumberFilter):
    field_class = forms.IntegerField  # a whole number; NumberFilter would accept 1.5


class OrganisationFilter(filters.FilterSet):
    parent = IdFilter(field_name="parent_id", help_text="Only the units directly below this one.")

    class Meta:
        model = Organisation
        fields = ["kind", "status", "is_key", "parent"]


def _valid(serializer_class: type[serializers.Serializer], request: Request, **kwargs: Any) -> dict[str, Any]:
    serializer = serializer_class(data=request.data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


TREE_ITEM = PolymorphicProxySerializer(
    component_name="OrganisationTreeItem",
    serializers=[OrganisationTreeNodeSerializer, OrganisationTreeRowSerializer],
    resource_type_field_name=None,
    many=True,
)


@extend_schema_view(
    list=extend_schema(summary="The units the user may see"),
    retrieve=extend_schema(summary="One unit"),
    partial_update=extend_schema(
        summary="Edit a unit's code, name, work unit, key-unit flag or founding date (administrator)",
        request=OrganisationUpdateSerializer,
        responses={200: OrganisationSerializer},
    ),
)
class OrganisationViewSet(viewsets.GenericViewSet):
    """党委 → 党总支 → 党支部 → 党小组: the units of the tree within the user's scope."""

    serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilter
    search_fields = ["code", "name"]
    ordering_fields = ["code", "name", "kind", "depth", "established_on"]
    ordering = ["code"]
    lookup_value_regex = ID_LOOKUP_REGEX

    def get_queryset(self) -> QuerySet[Organisation]:
        return selectors.organisations_visible_to(self.request.user)

    def _out(self, organisation: Organisation, code: int = status.HTTP_200_OK) -> Response:
        return Response(self.get_serializer(organisation).data, status=code)

    def _page(self, queryset: QuerySet[Organisation]) -> Response:
        page = self.paginate_queryset(self.filter_queryset(queryset))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def list(self, request: Request) -> Response:
        return self._page(self.get_queryset())

    def retrieve(self, request: Request, pk: str) -> Response:
        return self._out(selectors.get_organisation_for(request.user, int(pk)))

    def partial_update(self, request: Request, pk: str) -> Response:
        organisation = abilities.unit_for(request.user, int(pk), "organisation.administer")
        fields = _valid(OrganisationUpdateSerializer, request, partial=True)
        return self._out(services.organisation_update(by=request.user, organisation=organisation, **fields))

    @extend_schema(
        operation_id="organisations_subtree",
        summary="A unit and everything below it, as a list",
        responses={200: OrganisationSerializer(many=True)},
    )
    @action(detail=True, methods=["get"])
    def subtree(self, request: Request, pk: str) -> Response:
        root = selectors.get_organisation_for(request.user, int(pk))
        # Scopes are whole subtrees, so everything below a visible unit is visible too.
        return self._page(selectors.subtree_of(root))

    @extend_schema(
        operation_id="organisations_tree",
        summary="The whole tree the user may see, nested or flat",
        parameters=[TreeQuerySerializer],
        responses={200: TREE_ITEM, **error_responses(400)},
    )
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def tree(self, request: Request) -> Response:
        query = TreeQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        organisations = self.get_queryset()
        if not query.validated_data["include_dissolved"]:
            organisations = organisations.filter(status=OrgStatus.ACTIVE)
        rows = selectors.tree_rows(organisations)
        if query.validated_data["shape"] == "flat":
            return Response(OrganisationTreeRowSerializer(rows, many=True).data)
        shown = {org.pk for org in rows}
        children: dict[int, list[Organisation]] = {}
        for org in rows:
            if org.parent_id in shown:
                children.setdefault(org.parent_id, []).append(org)
        roots = [org for org in rows if org.parent_id not in shown]
        return Response(OrganisationTreeNodeSerializer(roots, many=True, context={"children": children}).data)

    @extend_schema(
        operation_id="organisations_create_child",
        summary="Open a new unit below this one (administrator)",
        request=OrganisationCreateSerializer,
        responses={201: OrganisationSerializer, **error_responses(409)},
    )
    @action(detail=True, methods=["post"])
    def children(self, request: Request, pk: str) -> Response:
        parent = abilities.unit_for(request.user, int(pk), "organisation.administer")
        fields = _valid(OrganisationCreateSerializer, request)
        child = services.organisation_create(by=request.user, parent=parent, **fields)
        response = self._out(child, status.HTTP_201_CREATED)
        response["Location"] = reverse("api:organisation-detail", kwargs={"pk": child.pk})
        return response

    @extend_schema(
        operation_id="organisations_move",
        summary="Move a unit, with everything below it, below another (administrator)",
        request=OrganisationMoveSerializer,
        responses={200: OrganisationSerializer},
    )
    @action(detail=True, methods=["post"])
    def move(self, request: Request, pk: str) -> Response:
        organisation = abilities.unit_for(request.user, int(pk), "organisation.administer")
        targets = selectors.move_targets_for(request.user, organisation)
        fields = _valid(OrganisationMoveSerializer, request, targets=targets)
        return self._out(services.organisation_move(by=request.user, organisation=organisation, **fields))

    @extend_schema(
        operation_id="organisations_dissolve",
        summary="Dissolve (撤销) an empty unit (administrator)",
        description=(
            "A unit that still has active units below it or members on its roll, or that is "
            "already dissolved, cannot be dissolved: 409 conflict (move or transfer them first). "
            "A date before the unit was established is a 400."
        ),
        request=OrganisationDissolveSerializer,
        responses={200: OrganisationSerializer, **error_responses(409)},
    )
    @action(detail=True, methods=["post"])
    def dissolve(self, request: Request, pk: str) -> Response:
        organisation = abilities.unit_for(request.user, int(pk), "organisation.administer")
        fields = _valid(OrganisationDissolveSerializer, request)
        return self._out(services.organisation_dissolve(by=request.user, organisation=organisation, **fields))


class MeView(APIView):
    @extend_schema(summary="The signed-in user and the roles they hold", responses={200: MeSerializer}, tags=["auth"])
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(request.user).data)
