"""Correcting a meeting record over the REST API: ``PATCH /api/v1/meetings/{id}/``, and an open
resolution of it: ``PATCH /api/v1/meeting-resolutions/{id}/``.

The same service as the page (``meetings.corrections.meeting_update``): the branch's
secretary and organising member, the record's ``version`` as read (a stale one is a 409 that
changes nothing), the same rules as recording, and a 409 once the quarter's scorecard is
submitted. Fields left out keep their value; ``absences``, when given, is the whole list."""

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from branches import abilities

from . import selectors
from .api_rows import row_and_body
from .corrections import meeting_update, resolution_update
from .kinds import MeetingKind
from .models import Meeting, Resolution
from .services import Absence

MAX_ID = 10**18 - 1


class CorrectionAbsenceSerializer(serializers.Serializer):
    member = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    reason = serializers.CharField(max_length=200)


class MeetingPatchSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1, help_text="The record's version as read (its detail's `version`).")
    kind = serializers.ChoiceField(choices=MeetingKind.choices, required=False)
    held_at = serializers.DateTimeField(required=False)
    place = serializers.CharField(max_length=100, required=False)
    topics = serializers.CharField(max_length=5000, required=False)
    speeches = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    host = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False, allow_null=True)
    recorder = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False, allow_null=True)
    absences = CorrectionAbsenceSerializer(
        many=True, required=False, max_length=1000, help_text="Who was absent and why: the whole list."
    )


def _people(meeting: Meeting, ids: list[int], field: str) -> dict[int, Any]:
    """Members the record expected, or on the branch's roster now."""
    expected = {row.member_id: row.member for row in meeting.attendance.select_related("member")}
    found = {**{m.pk: m for m in selectors.roster_of(meeting.branch).filter(pk__in=set(ids))}, **expected}
    if set(ids) - set(found):
        raise serializers.ValidationError({field: [_("Choose people from the branch's roster.")]})
    return found


class MeetingCorrectionMixin:
    """``partial_update`` for ``MeetingViewSet`` (which gives ``_detail``)."""

    @extend_schema(
        summary="Correct a meeting record (the branch's secretary or organising member)",
        description="Send the record's `version`; a stale one, or a record whose quarter's scorecard is "
        "submitted, is a 409 that changes nothing. A new kind or date re-links the period's task.",
        request=MeetingPatchSerializer,
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        meeting = abilities.get_for(request.user, "meeting.edit", Meeting.objects.select_related("branch"), int(pk))
        body = MeetingPatchSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        fields = dict(body.validated_data)
        people = _people(meeting, [fields[k] for k in ("host", "recorder") if fields.get(k)], "host")
        if "absences" in fields:
            absent = _people(meeting, [a["member"] for a in fields["absences"]], "absences")
            absences = [Absence(member=absent[a["member"]], reason=a["reason"]) for a in fields["absences"]]
        else:
            absences = [
                Absence(member=row.member, reason=row.absence_reason)
                for row in meeting.attendance.filter(present=False).select_related("member")
            ]
        values = {name: fields.get(name, getattr(meeting, name)) for name in ("kind", "held_at", "place", "topics")}
        meeting_update(
            meeting=meeting,
            by=request.user,
            version=fields["version"],
            speeches=fields.get("speeches", meeting.speeches),
            host=people.get(fields["host"]) if "host" in fields else meeting.host,
            recorder=people.get(fields["recorder"]) if "recorder" in fields else meeting.recorder,
            absences=absences,
            **values,
        )
        return self._detail(meeting.pk)  # type: ignore[attr-defined]


class ResolutionPatchSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        min_value=1, help_text="The record's version as read (the resolution's `version`)."
    )
    text = serializers.CharField(max_length=300, required=False)
    owner_member = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        required=False,
        allow_null=True,
        help_text="From the branch's roster; null: nobody.",
    )
    due_on = serializers.DateField(required=False, allow_null=True)


class ResolutionCorrectionMixin:
    """``partial_update`` for ``ResolutionViewSet`` (which gives ``get_serializer``)."""

    @extend_schema(
        summary="Correct an open resolution: its text, owner or due date (the branch's secretary or organising member)",
        description="Send the record's `version`; a stale one, a closed resolution, or one whose record's quarter's "
        "scorecard is submitted, is a 409 that changes nothing. Fields left out keep their value.",
        request=ResolutionPatchSerializer,
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        resolution, fields = row_and_body(
            request,
            "resolution.edit",
            Resolution.objects.select_related("meeting__branch", "owner_member", "owner_user"),
            pk,
            ResolutionPatchSerializer,
        )
        owner = resolution.owner_member
        if "owner_member" in fields:
            owner = None
            if fields["owner_member"]:
                owner = _people(resolution.meeting, [fields["owner_member"]], "owner_member")[fields["owner_member"]]
        resolution = resolution_update(
            resolution=resolution,
            by=request.user,
            version=fields["version"],
            text=fields.get("text", resolution.text),
            owner_member=owner,
            due_on=fields.get("due_on", resolution.due_on),
        )
        resolution = Resolution.objects.select_related("meeting__branch", "owner_member", "owner_user").get(
            pk=resolution.pk
        )
        return Response(self.get_serializer(resolution).data)  # type: ignore[attr-defined]
