"""Tasks over the REST API: ``/api/v1/tasks/`` and ``/api/v1/task-evidence/{id}/``.

As the HTML pages (``tasks.views.work``): every task is read through ``tasks.selectors``
(outside the user's scope 404, inside it without the role 403; the assignee may complete
their own task and answer supervision) and every step is a call to ``tasks.services``, which
refuses a step the task's state forbids (409) and bad input (400). Who may do what:

- read a branch's tasks: administrators, reviewers and the branch's secretaries; anyone
  their own assigned tasks;
- complete (with evidence), assign, cancel, answer supervision: the branch's secretaries and
  administrators (complete and answer: also the assignee);
- check (优/良/中/差) and supervise (督办, comment, release): reviewers.
"""

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import filters, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from branches import abilities
from config.api.parsers import DepthLimitedJSONParser
from config.api.schema import ID_LOOKUP_REGEX, error_responses

from .. import selectors, services
from ..evidence import ALLOWED
from ..models import Task, TaskEvent
from ..periods import local_today
from .filters import TaskFilter
from .serializers import (
    PersonSerializer,
    TaskAssignSerializer,
    TaskCancelSerializer,
    TaskCheckSerializer,
    TaskCompleteNoteSerializer,
    TaskCompleteSerializer,
    TaskDetailSerializer,
    TasksCompleteManyNoteSerializer,
    TasksCompleteManySerializer,
    TaskSerializer,
    TaskSuperviseSerializer,
    TaskTextSerializer,
)

_EVENTS = Prefetch("events", queryset=TaskEvent.objects.select_related("by").order_by("at", "pk"))


def _valid(serializer_class: type[serializers.Serializer], request: Request, **kwargs: Any) -> dict[str, Any]:
    serializer = serializer_class(data=request.data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _step(summary: str, request: Any, roles: str, conflict: str) -> Any:
    return extend_schema(
        summary=summary,
        description=f"{roles} 409 conflict: {conflict}.",
        request=request,
        responses={200: TaskDetailSerializer, **error_responses(409)},
    )


@extend_schema_view(
    list=extend_schema(
        summary="The tasks the user may see, filtered, ordered and paged",
        description=(
            "Administrators, reviewers and secretaries see every task of the branches in their "
            "scope; anyone also sees the tasks assigned to them. `status=overdue` means open and "
            "past its due date."
        ),
    ),
    retrieve=extend_schema(
        summary="One task, with its evidence and its trail of events", responses=TaskDetailSerializer
    ),
)
class TaskViewSet(viewsets.GenericViewSet):
    """对标: the work of each branch, tracked to the person and the day."""

    serializer_class = TaskSerializer
    filter_backends = [DjangoFilterBackend, filters.SearchFilter, filters.OrderingFilter]
    filterset_class = TaskFilter
    search_fields = ["title"]
    ordering_fields = ["due_on", "period_start", "status", "created_at", "completed_at", "title"]
    ordering = ["due_on", "pk"]
    lookup_value_regex = ID_LOOKUP_REGEX

    def get_queryset(self) -> QuerySet[Task]:
        if getattr(self, "swagger_fake_view", False):  # the schema reads the model and the filters
            return Task.objects.none()
        return selectors.tasks_listed_for(self.request.user).select_related("branch", "article", "assignee")

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "today": local_today()}

    def _task(self, pk: str, ability: str = "task.view") -> Task:
        return selectors.get_task_for(self.request.user, int(pk), ability=ability)

    def _out(self, task: Task) -> Response:
        task = (
            Task.objects.select_related("branch", "article", "assignee", "request")
            .prefetch_related("evidence", _EVENTS)
            .get(pk=task.pk)
        )
        user = self.request.user
        # The may_* fields say who the user is for the task (role or assignee), whatever its
        # state; allowed_actions says what they can do now.
        may = {
            "work": abilities.holds(user, "task.assign", task),
            "complete": abilities.holds(user, "task.complete", task),
            "check": abilities.holds(user, "task.check", task),
            "actions": sorted(name.split(".", 1)[1] for name in abilities.allowed_actions(user, task)),
        }
        return Response(TaskDetailSerializer(task, context={**self.get_serializer_context(), "may": may}).data)

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        return self._out(self._task(pk))

    @extend_schema(
        summary="Mark a task done, with a note and evidence files, in one step",
        description=(
            "The branch's secretaries and administrators, or the task's assignee. Send "
            "multipart/form-data with `note` and any number of `files` (or JSON with a `note` only). "
            "A file that is not PDF, JPG, PNG, DOCX, XLSX or PPTX (by name and first bytes), is "
            "empty or too large refuses the whole step (400), and nothing is stored; so does a "
            "step with neither note nor file. A task that is not open is a 409."
        ),
        request={"multipart/form-data": TaskCompleteSerializer, "application/json": TaskCompleteNoteSerializer},
        responses={200: TaskDetailSerializer, **error_responses(409)},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, DepthLimitedJSONParser])
    def complete(self, request: Request, pk: str) -> Response:
        task = self._task(pk, "task.complete")
        fields = _valid(TaskCompleteSerializer, request)
        return self._out(services.task_complete(task=task, by=request.user, note=fields["note"], files=fields["files"]))

    @extend_schema(
        operation_id="tasks_complete_many",
        summary="Mark several open tasks of one branch done in one step: one note, one set of files",
        description=(
            "A fortnight of the same daily article done at once. Who may: the branch's secretaries and "
            "administrators (a line's officer for their own line's tasks), and anyone for the open tasks "
            "assigned to them. Send multipart/form-data with `branch`, each id as a `tasks` field, `note` "
            "and any number of `files` (or JSON with `branch`, `tasks` and `note`). The files pass the "
            "same evidence rule as one task's (a copy of each is stored per task). All or none: a task "
            "not of the branch (404), one the user may not complete (403), one no longer open (409, "
            "naming it), a refused file or neither note nor file (400) change nothing."
        ),
        request={
            "multipart/form-data": TasksCompleteManySerializer,
            "application/json": TasksCompleteManyNoteSerializer,
        },
        responses={200: TaskSerializer(many=True), **error_responses(404, 409)},
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="complete-many",
        parser_classes=[MultiPartParser, DepthLimitedJSONParser],
        pagination_class=None,
        filter_backends=[],
    )
    def complete_many(self, request: Request) -> Response:
        fields = _valid(TasksCompleteManySerializer, request)
        # The same ability and the same ticks as the board's page (tasks.views.boards).
        branch = abilities.unit_for(request.user, fields["branch"], "work.complete_many")
        chosen = selectors.chosen_tasks(branch, set(fields["tasks"]))
        done = services.tasks_complete_many(tasks=chosen, by=request.user, note=fields["note"], files=fields["files"])
        tasks = (
            Task.objects.filter(pk__in=[task.pk for task in done])
            .select_related("branch", "article", "assignee")
            .order_by("due_on", "pk")
        )
        return Response(TaskSerializer(tasks, many=True, context=self.get_serializer_context()).data)

    @_step(
        "Check the work done: quality 优/良/中/差 and a comment",
        TaskCheckSerializer,
        "Reviewers over the task's branch.",
        "a task that is not done",
    )
    @action(detail=True, methods=["post"])
    def check(self, request: Request, pk: str) -> Response:
        task = self._task(pk, "task.check")
        fields = _valid(TaskCheckSerializer, request)
        return self._out(services.task_check(task=task, by=request.user, **fields))

    @_step(
        "Put a task under supervision (督办), saying what the branch must do",
        TaskSuperviseSerializer,
        "Reviewers over the task's branch; the branch is notified.",
        "a cancelled task, or one already under supervision",
    )
    @action(detail=True, methods=["post"])
    def supervise(self, request: Request, pk: str) -> Response:
        task = self._task(pk, "task.supervise")
        fields = _valid(TaskSuperviseSerializer, request)
        return self._out(services.task_supervise(task=task, by=request.user, comment=fields["comment"]))

    @_step(
        "A further supervision comment",
        TaskTextSerializer,
        "Reviewers over the task's branch; the branch is notified.",
        "a task not under supervision",
    )
    @action(detail=True, methods=["post"])
    def comment(self, request: Request, pk: str) -> Response:
        task = self._task(pk, "task.comment")
        services.task_comment(task=task, by=request.user, text=_valid(TaskTextSerializer, request)["text"])
        return self._out(task)

    @_step(
        "The branch answers the supervision",
        TaskTextSerializer,
        "The branch's secretaries and administrators, or the task's assignee.",
        "a task not under supervision",
    )
    @action(detail=True, methods=["post"])
    def reply(self, request: Request, pk: str) -> Response:
        task = self._task(pk, "task.reply")
        services.task_reply(task=task, by=request.user, text=_valid(TaskTextSerializer, request)["text"])
        return self._out(task)

    @_step("End the supervision", None, "Reviewers over the task's branch.", "a task not under supervision")
    @action(detail=True, methods=["post"])
    def release(self, request: Request, pk: str) -> Response:
        task = self._task(pk, "task.release")
        return self._out(services.task_release(task=task, by=request.user))

    @_step(
        "Cancel a task, with the reason",
        TaskCancelSerializer,
        "The branch's secretaries and administrators.",
        "a task that is not open",
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        task = self._task(pk, "task.cancel")
        fields = _valid(TaskCancelSerializer, request)
        return self._out(services.task_cancel(task=task, by=request.user, reason=fields["reason"]))

    @_step(
        "Assign a task to a person of its branch, or un-assign it (null)",
        TaskAssignSerializer,
        "The branch's secretaries and administrators; `assignees` lists who may take it.",
        "a checked or cancelled task",
    )
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk: str) -> Response:
        task = self._task(pk, "task.assign")
        fields = _valid(TaskAssignSerializer, request, people=selectors.assignable_users(task.branch))
        return self._out(services.task_assign(task=task, assignee=fields["assignee"], by=request.user))

    @extend_schema(
        operation_id="tasks_assignees",
        summary="The people a task may be assigned to (一人一岗)",
        description="The branch's secretaries and administrators.",
        responses={200: PersonSerializer(many=True)},
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def assignees(self, request: Request, pk: str) -> Response:
        task = self._task(pk, "task.assign")
        return Response(PersonSerializer(selectors.assignable_users(task.branch), many=True).data)


EVIDENCE_TYPES = sorted({content_type for content_type, _signatures in ALLOWED.values()})


class EvidenceViewSet(viewsets.GenericViewSet):
    """A task's evidence file, served as an attachment after the same check as its task."""

    lookup_value_regex = ID_LOOKUP_REGEX
    pagination_class = None
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet:
        return Task.objects.none()  # each file is read through selectors.get_evidence_for

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        # The file answers with its own type whatever Accept asks for; errors are JSON.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        operation_id="task_evidence_download",
        summary="Download an evidence file (as an attachment, with its stored content type)",
        description="Whoever may read the task: its branch's secretaries, administrators, reviewers, its assignee.",
        responses={(200, content_type): OpenApiResponse(OpenApiTypes.BINARY) for content_type in EVIDENCE_TYPES},
    )
    def retrieve(self, request: Request, pk: str) -> HttpResponse:
        evidence = selectors.get_evidence_for(request.user, int(pk))
        # Read whole (at most UPLOAD_MAX_BYTES): the answer is an ordinary, non-streaming one.
        with evidence.file.open("rb") as stored:
            content = stored.read()
        response = HttpResponse(content, content_type=evidence.content_type)
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=evidence.original_name
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response
