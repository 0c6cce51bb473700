"""Page input of the meeting records: one form for the whole record (attendees as a checklist
from the roster, everyone present by default; absentees with their reason beside their name),
the make-up study of an absentee, closing a resolution, the list's filters."""

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.forms import DateInput
from config.request_values import parse_quarter
from members.models import Member
from tasks.forms import MultipleFileField

from .kinds import MeetingKind
from .services import Absence, ResolutionInput

RESOLUTION_ROWS = 3


class RosterChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Member) -> str:
        return obj.name


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs: object) -> None:
        super().__init__(format="%H:%M", **kwargs)


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of meeting"), choices=MeetingKind.choices)
    date = forms.DateField(label=_("Date"), widget=DateInput())
    time = forms.TimeField(label=_("Time"), widget=TimeInput())
    place = forms.CharField(label=_("Place"), max_length=100)
    host = RosterChoiceField(queryset=Member.objects.none(), label=_("Host"), required=False)
    recorder = RosterChoiceField(queryset=Member.objects.none(), label=_("Recorder"), required=False)
    topics = forms.CharField(label=_("Topics"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    speeches = forms.CharField(
        label=_("Speakers' points"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    files = MultipleFileField(
        label=_("Photos and files"), required=False, help_text=_("Sign-in sheet, photos, materials.")
    )

    def __init__(self, *args: Any, roster: list[Member], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.roster = roster
        ids = [member.pk for member in roster]
        for name in ("host", "recorder"):
            self.fields[name].queryset = Member.objects.filter(pk__in=ids).order_by("name")
        for member in roster:
            self.fields[f"present_{member.pk}"] = forms.BooleanField(required=False, initial=True, label=member.name)
            self.fields[f"reason_{member.pk}"] = forms.CharField(
                required=False, max_length=200, label=_("Reason for absence")
            )
        for i in range(RESOLUTION_ROWS):
            self.fields[f"res_text_{i}"] = forms.CharField(required=False, max_length=300, label=_("Resolution"))
            self.fields[f"res_owner_{i}"] = RosterChoiceField(
                queryset=Member.objects.filter(pk__in=ids).order_by("name"), required=False, label=_("Owner")
            )
            self.fields[f"res_due_{i}"] = forms.DateField(required=False, label=_("Due on"), widget=DateInput())
        if not self.is_bound:
            now = timezone.localtime()
            self.initial.setdefault("date", now.date())
            self.initial.setdefault("time", now.replace(second=0, microsecond=0).time())

    # --- for the template -------------------------------------------------------------------

    def attendee_rows(self) -> list[tuple[Member, forms.BoundField, forms.BoundField]]:
        return [(m, self[f"present_{m.pk}"], self[f"reason_{m.pk}"]) for m in self.roster]

    def resolution_rows(self) -> list[tuple[forms.BoundField, forms.BoundField, forms.BoundField]]:
        return [(self[f"res_text_{i}"], self[f"res_owner_{i}"], self[f"res_due_{i}"]) for i in range(RESOLUTION_ROWS)]

    def main_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("kind", "date", "time", "place", "host", "recorder", "topics", "speeches")]

    # --- checks -----------------------------------------------------------------------------

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("date") and data.get("time"):
            held_at = timezone.make_aware(dt.datetime.combine(data["date"], data["time"]))
            if held_at > timezone.now():
                self.add_error("date", _("Record a meeting after it was held."))
            data["held_at"] = held_at
        for member in self.roster:
            present = data.get(f"present_{member.pk}")
            reason = (data.get(f"reason_{member.pk}") or "").strip()
            if not present and not reason:
                self.add_error(f"reason_{member.pk}", _("Say why %(name)s was absent.") % {"name": member.name})
            if present and reason:
                self.add_error(
                    f"reason_{member.pk}", _("Untick %(name)s to record an absence.") % {"name": member.name}
                )
        if self.roster and not any(data.get(f"present_{m.pk}") for m in self.roster):
            raise ValidationError(_("Nobody came? Tick who was present."))
        for i in range(RESOLUTION_ROWS):
            text = (data.get(f"res_text_{i}") or "").strip()
            if not text and (data.get(f"res_owner_{i}") or data.get(f"res_due_{i}")):
                self.add_error(f"res_text_{i}", _("Write the resolution, or leave its owner and date empty."))
        return data

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        absences = [
            Absence(member=m, reason=data[f"reason_{m.pk}"]) for m in self.roster if not data.get(f"present_{m.pk}")
        ]
        resolutions = [
            ResolutionInput(
                text=data[f"res_text_{i}"], owner_member=data.get(f"res_owner_{i}"), due_on=data.get(f"res_due_{i}")
            )
            for i in range(RESOLUTION_ROWS)
            if (data.get(f"res_text_{i}") or "").strip()
        ]
        return {
            "kind": data["kind"],
            "held_at": data["held_at"],
            "place": data["place"],
            "topics": data["topics"],
            "speeches": data.get("speeches", ""),
            "host": data.get("host"),
            "recorder": data.get("recorder"),
            "expected": self.roster,
            "absences": absences,
            "resolutions": resolutions,
            "files": data.get("files") or [],
        }


class MakeupForm(forms.Form):
    on = forms.DateField(label=_("Make-up study on"), widget=DateInput())
    led_by = RosterChoiceField(queryset=Member.objects.none(), label=_("Led by"), required=False)
    note = forms.CharField(
        label=_("How the study was made up"),
        max_length=200,
        required=False,
        help_text=_("E.g. the secretary went through the meeting's documents with them."),
    )

    def __init__(self, *args: Any, roster: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["led_by"].queryset = roster


class CloseForm(forms.Form):
    note = forms.CharField(label=_("How it was carried out"), max_length=300, required=False)


class ListFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of meeting"), required=False, choices=[("", _("All")), *MeetingKind.choices])
    quarter = forms.CharField(label=_("Quarter"), required=False, max_length=8, help_text=_("E.g. 2026Q3"))

    def clean_quarter(self) -> tuple[int, int] | None:
        raw = self.cleaned_data.get("quarter", "").strip()
        return parse_quarter(raw) if raw else None


class MeetingEditForm(MeetingForm):
    """The recording form for correcting a record, pre-filled: the attendees are those the
    record expected; ``version`` is the record's version the form was read at."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, meeting: Any, roster: list[Member], **kwargs: Any) -> None:
        rows = list(meeting.attendance.select_related("member").order_by("member__name", "pk"))
        expected = [row.member for row in rows]
        initial = {
            "kind": meeting.kind,
            "date": timezone.localtime(meeting.held_at).date(),
            "time": timezone.localtime(meeting.held_at).time().replace(second=0, microsecond=0),
            "place": meeting.place,
            "host": meeting.host_id,
            "recorder": meeting.recorder_id,
            "topics": meeting.topics,
            "speeches": meeting.speeches,
            "version": meeting.version,
        }
        for row in rows:
            initial[f"present_{row.member_id}"] = row.present
            initial[f"reason_{row.member_id}"] = row.absence_reason
        kwargs["initial"] = initial
        super().__init__(*args, roster=expected, **kwargs)
        # The host and recorder: anyone the record expected, or on the roster now.
        ids = {member.pk for member in [*expected, *roster]}
        for name in ("host", "recorder"):
            self.fields[name].queryset = Member.objects.filter(pk__in=ids).order_by("name")
        self.fields["files"].label = _("Add photos and files")

    def service_arguments(self) -> dict[str, Any]:
        arguments = super().service_arguments()
        arguments.pop("expected")
        arguments["version"] = self.cleaned_data["version"]
        return arguments


class MeetingFilesForm(forms.Form):
    """Photos or files added to a record later."""

    files = MultipleFileField(
        label=_("Add photos and files"), required=False, help_text=_("Sign-in sheet, photos, materials.")
    )


class ResolutionEditForm(forms.Form):
    """Correcting an open resolution: its text, its owner from the branch's roster (the one
    recorded stays a choice) and its due date; ``version`` is the record's as read."""

    text = forms.CharField(label=_("Resolution"), max_length=300)
    owner_member = RosterChoiceField(queryset=Member.objects.none(), label=_("Owner"), required=False)
    due_on = forms.DateField(label=_("Due on"), required=False, widget=DateInput())
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, resolution: Any, roster: Any, **kwargs: Any) -> None:
        kwargs["initial"] = {
            "text": resolution.text,
            "owner_member": resolution.owner_member_id,
            "due_on": resolution.due_on,
            "version": resolution.meeting.version,
        }
        super().__init__(*args, **kwargs)
        ids = {*roster.values_list("pk", flat=True), resolution.owner_member_id} - {None}
        self.fields["owner_member"].queryset = Member.objects.filter(pk__in=ids).order_by("name")
        if resolution.owner_user_id and not resolution.owner_member_id:
            self.fields["owner_member"].help_text = _(
                "Now %(name)s: choose someone of the roster to replace them, or leave it empty to keep them."
            ) % {"name": resolution.owner_name}

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {k: data.get(k) for k in ("text", "owner_member", "due_on", "version")}
