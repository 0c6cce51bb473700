"""核标 检查记录 over the REST API: ``/api/v1/check-records/`` and ``/api/v1/difficulties/``.

The same selectors, services and abilities as the check record pages
(``assessments.views.checks``): a reviewer over the branch writes the record until the review
is final (409 after); the committee reads it as it goes, the branch once final; outside the
scope 404, inside it without the role 403. Written-test scores are refused (400 on
``written_scores``) unless 笔试 is among the methods. A good practice is sent to the handbook
once (409 again); a difficulty is answered once (409 again).
"""

from typing import Any

from django.db import transaction
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
from config.api.filters import BooleanFilter, IntegerFilter
from config.api.schema import ID_LOOKUP_REGEX, error_responses

from .. import selectors
from ..models import CheckRecord, Difficulty, GoodPractice, Method, PlanKind
from ..services import checks as services

MAX_ID = 10**18 - 1
VERSION_MAX = 2**31 - 1


class WrittenScoreSerializer(serializers.Serializer):
    person_name = serializers.CharField(max_length=50)
    score = serializers.DecimalField(max_digits=4, decimal_places=1, min_value=0, max_value=100)


class GoodPracticeSerializer(serializers.ModelSerializer):
    proposal = serializers.PrimaryKeyRelatedField(read_only=True, help_text="The handbook proposal, once sent.")

    class Meta:
        model = GoodPractice
        fields = ["id", "title", "description", "proposal", "sent_at"]
        read_only_fields = fields


class DifficultySerializer(serializers.ModelSerializer):
    record = serializers.IntegerField(source="record_id", read_only=True)
    scorecard = serializers.IntegerField(source="record.scorecard_id", read_only=True)
    branch = serializers.IntegerField(source="record.scorecard.branch_id", read_only=True)
    branch_name = serializers.CharField(source="record.scorecard.branch.name", read_only=True)
    answered_by = serializers.CharField(source="answered_by.__str__", read_only=True, allow_null=True, default=None)
    is_open = serializers.BooleanField(read_only=True)

    class Meta:
        model = Difficulty
        fields = [
            "id",
            "record",
            "scorecard",
            "branch",
            "branch_name",
            "text",
            "is_open",
            "answer",
            "answered_by",
            "answered_at",
            "created_at",
        ]
        read_only_fields = fields


class CheckRecordSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    in_plan = serializers.BooleanField(read_only=True, help_text="False: a check outside the plan (计划外).")
    plan = serializers.IntegerField(source="plan_entry.plan_id", read_only=True, allow_null=True, default=None)
    team = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    written_scores = WrittenScoreSerializer(many=True, read_only=True)
    good_practices = GoodPracticeSerializer(many=True, read_only=True)
    difficulties = DifficultySerializer(many=True, read_only=True)

    class Meta:
        model = CheckRecord
        fields = [
            "id",
            "scorecard",
            "kind",
            "kind_label",
            "in_plan",
            "plan",
            "leader",
            "team",
            "started_on",
            "ended_on",
            "methods",
            *services.NOTE_FIELDS,
            "year_end_score",
            "written_scores",
            "good_practices",
            "difficulties",
            "version",
            "updated_at",
        ]
        read_only_fields = fields


class CheckRecordWriteSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        required=False, min_value=0, max_value=VERSION_MAX, help_text="The record's version you read (on a change)."
    )
    leader = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="A user who may review the branch.")
    team = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), max_length=50, required=False, default=list
    )
    started_on = serializers.DateField()
    ended_on = serializers.DateField()
    methods = serializers.ListField(
        child=serializers.ChoiceField(choices=Method.choices), max_length=len(Method.choices), default=list
    )
    documents_notes = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    site_visit_notes = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    report_notes = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    interview_notes = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    next_focus = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    year_end_score = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=0, max_value=100, required=False, allow_null=True, default=None
    )
    written_scores = WrittenScoreSerializer(
        many=True,
        required=False,
        max_length=200,
        help_text="Replaces the written-test scores; only when `methods` holds written_test.",
    )


class CheckRecordCreateSerializer(CheckRecordWriteSerializer):
    scorecard = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="A scorecard you review.")
    kind = serializers.ChoiceField(choices=PlanKind.choices, default=PlanKind.QUARTERLY)


class PracticeSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=100)
    description = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class SendSerializer(serializers.Serializer):
    practice = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="A good practice of this record.")


class DifficultyAddSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=2000)


class AnswerSerializer(serializers.Serializer):
    answer = serializers.CharField(max_length=2000)


class CheckRecordFilter(filters.FilterSet):
    scorecard = IntegerFilter(field_name="scorecard_id", min_value=1, max_value=MAX_ID)
    year = IntegerFilter(field_name="scorecard__year", min_value=2000, max_value=2100)
    quarter = IntegerFilter(field_name="scorecard__quarter", min_value=1, max_value=4)
    kind = filters.ChoiceFilter(choices=PlanKind.choices)

    class Meta:
        model = CheckRecord
        fields = ["scorecard", "year", "quarter", "kind"]


class DifficultyFilter(filters.FilterSet):
    open = BooleanFilter(field_name="answered_at", lookup_expr="isnull", help_text="true: not answered yet.")
    scorecard = IntegerFilter(field_name="record__scorecard_id", min_value=1, max_value=MAX_ID)

    class Meta:
        model = Difficulty
        fields = ["open", "scorecard"]


def _valid(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    body = serializer_class(data=request.data)
    body.is_valid(raise_exception=True)
    return dict(body.validated_data)


@transaction.atomic
def _save(card: Any, kind: str, fields: dict[str, Any], request: Request, version: int | None) -> CheckRecord:
    record = services.check_record_save(
        scorecard=card,
        kind=kind,
        by=request.user,
        leader_id=fields["leader"],
        team_ids=fields["team"],
        started_on=fields["started_on"],
        ended_on=fields["ended_on"],
        methods=fields["methods"],
        notes={f: fields[f] for f in services.NOTE_FIELDS},
        year_end_score=fields["year_end_score"],
        version=version,
    )
    if "written_scores" in fields:
        rows = [services.WrittenRow(person_name=r["person_name"], score=r["score"]) for r in fields["written_scores"]]
        services.written_scores_save(record=record, by=request.user, rows=rows)
    return record


WRITE_ERRORS = error_responses(404, 409)


@extend_schema_view(
    list=extend_schema(summary="Check records (检查记录) you may see: the committee's, the branch's once final"),
    retrieve=extend_schema(summary="One check record with its scores, good practice and difficulties"),
    create=extend_schema(
        summary="Record the check of a scorecard you review (a reviewer); one per card and kind",
        description="The plan entry is found, not chosen (none: 计划外). The card's record of that kind, when it "
        "exists, is updated. A final review is a 409; `written_scores` without written_test in `methods` a 400.",
        request=CheckRecordCreateSerializer,
        responses={201: CheckRecordSerializer, **WRITE_ERRORS},
    ),
    partial_update=extend_schema(
        summary="Change the check record (a reviewer) while the review is not final",
        description="Give every field as it should be; `version` as read (another one is a 409).",
        request=CheckRecordWriteSerializer,
        responses={200: CheckRecordSerializer, **WRITE_ERRORS},
    ),
)
class CheckRecordViewSet(viewsets.GenericViewSet):
    serializer_class = CheckRecordSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = CheckRecordFilter
    lookup_value_regex = ID_LOOKUP_REGEX
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[CheckRecord]:
        return (
            selectors.check_records_visible_to(self.request.user)
            .select_related("scorecard__branch", "plan_entry")
            .prefetch_related("team", "written_scores", "good_practices", "difficulties__answered_by")
            .order_by("-scorecard__year", "-scorecard__quarter", "pk")
        )

    def _detail(self, pk: int, code: int = status.HTTP_200_OK) -> Response:
        record = self.get_queryset().get(pk=pk)
        return Response(self.get_serializer(record).data, status=code)

    def list(self, request: Request) -> Response:
        abilities.require(request.user, "scorecard.view")
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        record = selectors.get_check_record_for(request.user, int(pk))
        return self._detail(record.pk)

    def create(self, request: Request) -> Response:
        fields = _valid(CheckRecordCreateSerializer, request)
        card = selectors.get_scorecard_for(request.user, fields["scorecard"], ability="scorecard.review")
        record = _save(card, fields["kind"], fields, request, fields.get("version"))
        response = self._detail(record.pk, status.HTTP_201_CREATED)
        response["Location"] = reverse("api:check-record-detail", kwargs={"pk": record.pk})
        return response

    def partial_update(self, request: Request, pk: str) -> Response:
        record = selectors.get_check_record_for(request.user, int(pk), ability="check.record")
        fields = _valid(CheckRecordWriteSerializer, request)
        _save(record.scorecard, record.kind, fields, request, fields.get("version"))
        return self._detail(record.pk)

    @extend_schema(
        summary="Add a good practice (好的做法) found in the check (a reviewer)",
        request=PracticeSerializer,
        responses={200: CheckRecordSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="good-practices", url_name="good-practices")
    def good_practices(self, request: Request, pk: str) -> Response:
        record = selectors.get_check_record_for(request.user, int(pk), ability="check.record")
        services.good_practice_add(record=record, by=request.user, **_valid(PracticeSerializer, request))
        return self._detail(record.pk)

    @extend_schema(
        summary="Send a good practice to the handbook as a proposal of a new article (优标, a reviewer)",
        description="Once: a good practice already sent is a 409.",
        request=SendSerializer,
        responses={200: CheckRecordSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="send-practice", url_name="send-practice")
    def send_practice(self, request: Request, pk: str) -> Response:
        record = selectors.get_check_record_for(request.user, int(pk), ability="check.send_practice")
        fields = _valid(SendSerializer, request)
        practice = GoodPractice.objects.filter(pk=fields["practice"], record=record).first()
        if practice is None:
            raise serializers.ValidationError({"practice": [_("Choose a good practice of this check record.")]})
        services.good_practice_send(practice=practice, by=request.user)
        return self._detail(record.pk)

    @extend_schema(
        summary="Record a difficulty (困难和问题) the branch raised (a reviewer)",
        request=DifficultyAddSerializer,
        responses={200: CheckRecordSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def difficulties(self, request: Request, pk: str) -> Response:
        record = selectors.get_check_record_for(request.user, int(pk), ability="check.record")
        services.difficulty_add(record=record, by=request.user, text=_valid(DifficultyAddSerializer, request)["text"])
        return self._detail(record.pk)


@extend_schema_view(
    list=extend_schema(summary="Difficulties raised by branches (`?open=true`: still to answer)"),
    retrieve=extend_schema(summary="One difficulty and the committee's answer"),
)
class DifficultyViewSet(viewsets.GenericViewSet):
    serializer_class = DifficultySerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = DifficultyFilter
    lookup_value_regex = ID_LOOKUP_REGEX

    def get_queryset(self) -> QuerySet[Difficulty]:
        return (
            selectors.difficulties_visible_to(self.request.user)
            .select_related("record__scorecard__branch", "answered_by")
            .order_by("created_at", "pk")
        )

    def _get(self, pk: str, ability: str) -> Difficulty:
        queryset = Difficulty.objects.select_related("record__scorecard__branch", "answered_by")
        return abilities.get_for(self.request.user, ability, queryset, int(pk), via="record__scorecard__branch__path")

    def list(self, request: Request) -> Response:
        abilities.require(request.user, "difficulty.view")
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(self.get_serializer(self._get(pk, "difficulty.view")).data)

    @extend_schema(
        summary="Answer a difficulty (the committee); the branch reads the answer on its card",
        description="Once: an answered difficulty is a 409.",
        request=AnswerSerializer,
        responses={200: DifficultySerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def answer(self, request: Request, pk: str) -> Response:
        difficulty = self._get(pk, "difficulty.answer")
        fields = _valid(AnswerSerializer, request)
        services.difficulty_answer(difficulty=difficulty, by=request.user, answer=fields["answer"])
        return Response(self.get_serializer(self._get(pk, "difficulty.view")).data)
