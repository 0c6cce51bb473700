"""Work requirements (阶段性工作要求) over the REST API: ``/api/v1/requirements/``.

A committee or general branch sends a task with a deadline to all or chosen active
branches below it (``tasks.services.request_send``); administrators and reviewers over the
sending unit send and read them (``tasks.selectors``: a unit outside the scope 404, inside
it without the role 403). Each branch's task is then an ordinary task of ``/api/v1/tasks/``.
"""

from django.db.models import Count, Prefetch, Q, QuerySet
from django.urls import reverse
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import filters, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from branches import abilities
from branches.models import Organisation
from config.api.schema import ID_LOOKUP_REGEX, error_responses

from .. import selectors, services
from ..models import AdHocRequest, Task, TaskStatus
from .filters import RequirementFilter
from .serializers import (
    RequirementCreateSerializer,
    RequirementDetailSerializer,
    RequirementSerializer,
)

_COUNTS = {
    "task_count": Count("tasks"),
    "done_count": Count("tasks", filter=Q(tasks__status__in=[TaskStatus.DONE, TaskStatus.CHECKED])),
}
_TASKS = Prefetch(
    "tasks", queryset=Task.objects.select_related("branch", "article", "assignee").order_by("branch__code")
)


@extend_schema_view(
    list=extend_schema(
        summary="The work requirements sent from the units the user may send from (administrators, reviewers)",
    ),
    retrieve=extend_schema(summary="One work requirement, with its task at each branch"),
    create=extend_schema(
        summary="Send a work requirement to all or chosen active branches below a committee or general branch",
        description=(
            "Administrators and reviewers over the sending unit. A unit that is not an active "
            "committee or general branch, a deadline in the past, or a branch that is not an "
            "active branch below the unit is a 400; a unit with no active branch below it a 409."
        ),
        request=RequirementCreateSerializer,
        responses={201: RequirementDetailSerializer, **error_responses(404, 409)},
    ),
)
class RequirementViewSet(viewsets.GenericViewSet):
    """阶段性工作要求: work a committee sends, with a deadline, to branches below it."""

    serializer_class = RequirementSerializer
    filter_backends = [DjangoFilterBackend, filters.SearchFilter, filters.OrderingFilter]
    filterset_class = RequirementFilter
    search_fields = ["title"]
    ordering_fields = ["created_at", "due_on", "title"]
    ordering = ["-created_at", "-pk"]
    lookup_value_regex = ID_LOOKUP_REGEX

    def get_queryset(self) -> QuerySet[AdHocRequest]:
        return selectors.requests_visible_to(self.request.user).select_related("organisation").annotate(**_COUNTS)

    def _out(self, pk: int, code: int = status.HTTP_200_OK) -> Response:
        requirement = AdHocRequest.objects.select_related("organisation").annotate(**_COUNTS).prefetch_related(_TASKS)
        return Response(RequirementDetailSerializer(requirement.get(pk=pk)).data, status=code)

    def list(self, request: Request) -> Response:
        abilities.require(request.user, "requirement.view")
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        return self._out(selectors.get_request_for(request.user, int(pk)).pk)

    def create(self, request: Request) -> Response:
        abilities.require(request.user, "requirement.send")
        serializer = RequirementCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        # The same answers as the page: 404 outside the scope, 403 without the role, 409 from a
        # unit that sends no requirement (a branch, a group, a dissolved unit).
        organisation = abilities.unit_for(request.user, fields.pop("organisation"), "requirement.send")
        abilities.require(request.user, "requirement.send", organisation)
        wanted = fields.pop("branches", None)
        branches = None
        if wanted is not None:
            # Unknown ids and branches elsewhere are all refused by the service, alike.
            found = {org.pk: org for org in Organisation.objects.filter(pk__in=wanted)}
            branches = [found.get(pk) or Organisation(pk=pk) for pk in dict.fromkeys(wanted)]
        requirement = services.request_send(organisation=organisation, by=request.user, branches=branches, **fields)
        response = self._out(requirement.pk, status.HTTP_201_CREATED)
        response["Location"] = reverse("api:requirement-detail", kwargs={"pk": requirement.pk})
        return response
