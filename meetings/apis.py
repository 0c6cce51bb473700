"""会议记录 over the REST API: ``/api/v1/meetings/`` (list, detail, create), and the writes of
the record's page: ``/api/v1/meeting-resolutions/`` (the open ones the user answers for; ``close``)
and ``/api/v1/meeting-attendance/<id>/makeup/`` (an absentee's make-up study).

The same selectors, services and abilities as the pages (``meetings.views``): the readers of
a unit see its subtree's records, a member the meetings they were expected at; the branch's
secretary and organising member record a meeting (outside the scope 404, inside it without
the role 403). Recording completes or links the period's task as on the page. Files are added
on the page (the one evidence rule); the API records the meeting itself."""

from typing import Any

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
from branches.models import User
from config.api.filters import UnitFilter
from config.api.schema import ID_LOOKUP_REGEX, error_responses

from . import selectors, services
from .api_rows import row_and_body
from .apis_corrections import MeetingCorrectionMixin, ResolutionCorrectionMixin
from .kinds import MeetingKind
from .models import Attendance, Meeting, Resolution, rate

MAX_ID = 10**18 - 1


class AttendanceSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.name", read_only=True)
    makeup_by_name = serializers.CharField(source="makeup_by.name", read_only=True, default=None)

    class Meta:
        model = Attendance
        fields = [
            "id",
            "member",
            "member_name",
            "present",
            "absence_reason",
            "makeup_on",
            "makeup_by",
            "makeup_by_name",
        ]
        read_only_fields = fields


class ResolutionSerializer(serializers.ModelSerializer):
    owner_name = serializers.CharField(read_only=True)
    is_open = serializers.BooleanField(read_only=True)

    class Meta:
        model = Resolution
        fields = [
            "id",
            "text",
            "owner_member",
            "owner_user",
            "owner_name",
            "due_on",
            "is_open",
            "closed_at",
            "close_note",
        ]
        read_only_fields = fields


class MeetingSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    branch_name = serializers.CharField(source="branch.name", read_only=True)
    expected = serializers.IntegerField(source="expected_n", read_only=True)
    present = serializers.IntegerField(source="present_n", read_only=True)
    attendance_rate = serializers.SerializerMethodField(help_text="Present / expected, in per cent.")

    class Meta:
        model = Meeting
        fields = [
            "id",
            "branch",
            "branch_name",
            "kind",
            "kind_label",
            "held_at",
            "place",
            "expected",
            "present",
            "attendance_rate",
            "task",
        ]
        read_only_fields = fields

    def get_attendance_rate(self, meeting: Meeting) -> str | None:
        value = rate(meeting.present_n, meeting.expected_n)
        return None if value is None else str(value)


class MeetingDetailSerializer(MeetingSerializer):
    attendance = AttendanceSerializer(many=True, read_only=True)
    resolutions = ResolutionSerializer(many=True, read_only=True)
    files = serializers.SerializerMethodField()

    class Meta(MeetingSerializer.Meta):
        fields = [
            *MeetingSerializer.Meta.fields,
            "host",
            "recorder",
            "topics",
            "speeches",
            "attendance",
            "resolutions",
            "files",
            "version",
        ]
        read_only_fields = fields

    def get_files(self, meeting: Meeting) -> list[dict[str, Any]]:
        return [{"id": f.pk, "name": f.name, "size": f.size} for f in meeting.files.all()]


class AbsenceSerializer(serializers.Serializer):
    member = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    reason = serializers.CharField(max_length=200)


class ResolutionInputSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=300)
    owner_member = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False, allow_null=True)
    owner_user = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False, allow_null=True)
    due_on = serializers.DateField(required=False, allow_null=True)


class MeetingCreateSerializer(serializers.Serializer):
    branch = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="A branch whose records you keep.")
    kind = serializers.ChoiceField(choices=MeetingKind.choices)
    held_at = serializers.DateTimeField()
    place = serializers.CharField(max_length=100)
    topics = serializers.CharField(max_length=5000)
    speeches = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    host = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False, allow_null=True)
    recorder = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False, allow_null=True)
    expected = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        max_length=1000,
        required=False,
        help_text="Members expected (default: the branch's active members).",
    )
    absences = AbsenceSerializer(many=True, required=False, default=list, max_length=1000)
    resolutions = ResolutionInputSerializer(many=True, required=False, default=list, max_length=50)


class MeetingFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=MeetingKind.choices)
    branch = UnitFilter(
        units=lambda request: abilities.units_for(request.user, "meeting.list"),
        help_text="A unit whose records you may read: the meetings of its whole subtree.",
    )

    class Meta:
        model = Meeting
        fields = ["kind", "branch"]


def _members(branch: Any, ids: list[int], field: str) -> dict[int, Any]:
    found = {m.pk: m for m in selectors.roster_of(branch).filter(pk__in=set(ids))}
    if set(ids) - set(found):
        raise serializers.ValidationError({field: [_("Choose people from the branch's roster.")]})
    return found


@extend_schema_view(
    list=extend_schema(summary="Meeting records you may read (`?branch=` a unit and its subtree, `?kind=`)"),
    retrieve=extend_schema(summary="One meeting record with its attendance and resolutions"),
    create=extend_schema(
        summary="Record a meeting held (the branch's secretary or organising member)",
        description="Completes the matching task of the period (or links it when already done).",
        request=MeetingCreateSerializer,
        responses={201: MeetingDetailSerializer, **error_responses(404)},
    ),
    partial_update=extend_schema(responses={200: MeetingDetailSerializer, **error_responses(404, 409)}),
)
class MeetingViewSet(MeetingCorrectionMixin, viewsets.GenericViewSet):
    serializer_class = MeetingSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = MeetingFilter
    lookup_value_regex = ID_LOOKUP_REGEX
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Meeting]:
        return selectors.with_counts(
            selectors.meetings_visible_to(self.request.user).select_related("branch")
        ).order_by("-held_at", "-pk")

    def _detail(self, pk: int, code: int = status.HTTP_200_OK) -> Response:
        meeting = (
            self.get_queryset()
            .prefetch_related("attendance__member", "attendance__makeup_by", "resolutions__owner_member", "files")
            .get(pk=pk)
        )
        return Response(MeetingDetailSerializer(meeting).data, status=code)

    def list(self, request: Request) -> Response:
        abilities.require(request.user, "meeting.list")
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        meeting = selectors.get_meeting_for(request.user, int(pk))
        return self._detail(meeting.pk)

    def create(self, request: Request) -> Response:
        body = MeetingCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        fields = dict(body.validated_data)
        branch = abilities.unit_for(request.user, fields["branch"], "meeting.record")
        people = [fields.get("host"), fields.get("recorder")]
        found = _members(branch, [pk for pk in people if pk], "host")
        expected = None
        if "expected" in fields:
            expected = list(_members(branch, fields["expected"], "expected").values())
        absent = _members(branch, [a["member"] for a in fields["absences"]], "absences")
        owners = _members(
            branch, [r["owner_member"] for r in fields["resolutions"] if r.get("owner_member")], "resolutions"
        )
        users = {
            u.pk: u
            for u in User.objects.filter(pk__in=[r["owner_user"] for r in fields["resolutions"] if r.get("owner_user")])
        }
        meeting = services.meeting_record(
            branch=branch,
            by=request.user,
            kind=fields["kind"],
            held_at=fields["held_at"],
            place=fields["place"],
            topics=fields["topics"],
            speeches=fields["speeches"],
            host=found.get(fields.get("host")),
            recorder=found.get(fields.get("recorder")),
            expected=expected,
            absences=[services.Absence(member=absent[a["member"]], reason=a["reason"]) for a in fields["absences"]],
            resolutions=[
                services.ResolutionInput(
                    text=r["text"],
                    owner_member=owners.get(r.get("owner_member")),
                    owner_user=users.get(r.get("owner_user")),
                    due_on=r.get("due_on"),
                )
                for r in fields["resolutions"]
            ],
        )
        response = self._detail(meeting.pk, status.HTTP_201_CREATED)
        response["Location"] = reverse("api:meeting-detail", kwargs={"pk": meeting.pk})
        return response


class ResolutionCloseSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class MakeupSerializer(serializers.Serializer):
    on = serializers.DateField()
    led_by = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False, allow_null=True)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class OpenResolutionSerializer(ResolutionSerializer):
    meeting = serializers.IntegerField(source="meeting_id", read_only=True)
    branch_name = serializers.CharField(source="meeting.branch.name", read_only=True)
    version = serializers.IntegerField(
        source="meeting.version", read_only=True, help_text="The record's version, to send with a correction."
    )

    class Meta(ResolutionSerializer.Meta):
        fields = ["meeting", "branch_name", "version", *ResolutionSerializer.Meta.fields]
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(summary="The open resolutions you answer for (your branches' and your own)"),
)
class ResolutionViewSet(ResolutionCorrectionMixin, viewsets.GenericViewSet):
    """决议 of the meeting records, closed one by one (逐件销号) and corrected while open, as on
    the record's page."""

    serializer_class = OpenResolutionSerializer
    lookup_value_regex = ID_LOOKUP_REGEX
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Resolution]:
        return selectors.open_resolutions_for(self.request.user)

    def list(self, request: Request) -> Response:
        abilities.require(request.user, "meeting.list")
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        summary="Close a resolution carried out (the branch's keepers, or its owner)",
        request=ResolutionCloseSerializer,
        responses={200: OpenResolutionSerializer, **error_responses(409)},
    )
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str) -> Response:
        resolution, fields = row_and_body(
            request,
            "resolution.close",
            Resolution.objects.select_related("meeting__branch", "owner_member"),
            pk,
            ResolutionCloseSerializer,
        )
        resolution = services.resolution_close(resolution=resolution, by=request.user, note=fields["note"])
        return Response(self.get_serializer(resolution).data)


class AttendanceViewSet(viewsets.GenericViewSet):
    """签到: one member's row of a meeting record; an absentee's make-up study (补学)."""

    serializer_class = AttendanceSerializer
    lookup_value_regex = ID_LOOKUP_REGEX
    http_method_names = ["post", "options"]

    def get_queryset(self) -> QuerySet[Attendance]:
        return Attendance.objects.none()

    @extend_schema(
        summary="Record an absentee's make-up study (the branch's secretary or organising member)",
        request=MakeupSerializer,
        responses={200: AttendanceSerializer, **error_responses(409)},
    )
    @action(detail=True, methods=["post"])
    def makeup(self, request: Request, pk: str) -> Response:
        row, fields = row_and_body(
            request,
            "meeting.makeup",
            Attendance.objects.select_related("member", "meeting__branch"),
            pk,
            MakeupSerializer,
        )
        led_by = None
        if fields.get("led_by"):
            led_by = _members(row.meeting.branch, [fields["led_by"]], "led_by")[fields["led_by"]]
        row = services.attendance_makeup(row=row, by=request.user, on=fields["on"], led_by=led_by, note=fields["note"])
        row = Attendance.objects.select_related("member", "makeup_by").get(pk=row.pk)
        return Response(self.get_serializer(row).data)
