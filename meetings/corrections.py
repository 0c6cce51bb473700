"""Corrections of a recorded meeting (the minutes are often typed up after the meeting and the
photos arrive later): the record itself, and its photos and files added or removed.

The same rules as recording (attendees of the record, an absentee with a reason, people from
the roster, files by the one evidence rule); optimistic locking on ``Meeting.version`` (a form
read before someone else's correction is refused, ``StaleMeeting``); every change is written
to the audit log with what it was before; a changed kind or date re-links the period's task.
An open resolution's text, owner and due date are corrected one by one the same way (the
record's ``version``, the audit log). Nothing changes once the quarter's scorecard is
submitted (``locks``)."""

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from branches import abilities, audit
from branches.models import User
from config.exceptions import Conflict
from members.models import Member

from . import selectors
from .locks import frozen_message, is_frozen, locking_card
from .models import Meeting, MeetingFile, Resolution
from .services import (
    Absence,
    ResolutionInput,
    _checked,
    _link_task,
    _require,
    _resolutions_add,
    _roster_check,
    _store_files,
)

EDITED_FIELDS = ("kind", "held_at", "place", "host", "recorder", "topics", "speeches")


class StaleMeeting(Conflict):
    """Someone corrected the record since the form was read (a 409 in the API); ``meeting`` is
    the record as it now stands."""

    def __init__(self, meeting: Meeting) -> None:
        self.meeting = meeting
        who = meeting.edited_by or meeting.recorded_by
        at = timezone.localtime(meeting.edited_at or meeting.recorded_at)
        super().__init__(
            _(
                "%(who)s changed this record at %(when)s. Nothing was saved: what you typed is kept below; "
                "open the record again to see their version."
            )
            % {"who": str(who) if who else _("someone"), "when": f"{at:%Y-%m-%d %H:%M}"}
        )


def _locked(pk: int) -> Meeting:
    return (
        Meeting.objects.select_for_update(of=("self",)).select_related("branch", "edited_by", "recorded_by").get(pk=pk)
    )


def _shown(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"
    if isinstance(value, Member):
        return value.name
    return value


def _snapshot(meeting: Meeting) -> dict[str, Any]:
    facts = {name: _shown(getattr(meeting, name)) for name in EDITED_FIELDS}
    rows = meeting.attendance.select_related("member").order_by("member__name", "pk")
    facts["absent"] = {row.member.name: row.absence_reason for row in rows if not row.present}
    facts["task"] = meeting.task_id
    return facts


@transaction.atomic
def meeting_update(
    *,
    meeting: Meeting,
    by: User | None,
    version: int,
    kind: str,
    held_at: dt.datetime,
    place: str,
    topics: str,
    speeches: str = "",
    host: Member | None = None,
    recorder: Member | None = None,
    absences: Sequence[Absence] = (),
    resolutions: Sequence[ResolutionInput] = (),
    files: Sequence[UploadedFile] = (),
) -> Meeting:
    """Corrects a record: its facts, who was absent and why (the expected stay those of the
    record), new resolutions and files. ``version`` is the one the form read."""
    meeting = _locked(meeting.pk)
    _require(by, "meeting.edit", meeting)
    if version != meeting.version:
        raise StaleMeeting(meeting)
    if held_at > timezone.now():
        raise ValidationError({"held_at": _("Record a meeting after it was held.")})
    card = locking_card(meeting.branch_id, timezone.localtime(held_at).date())
    if card is not None:
        raise ValidationError({"held_at": frozen_message(card)})
    types = _checked(files)
    rows = list(meeting.attendance.select_related("member"))
    expected = {row.member_id for row in rows}
    allowed = expected | set(selectors.roster_of(meeting.branch).values_list("pk", flat=True))
    for field, person in (("host", host), ("recorder", recorder)):
        if person is not None and person.pk not in allowed:
            raise ValidationError({field: _("Choose people from the branch's roster.")})
    absent = {absence.member.pk: absence.reason.strip() for absence in absences}
    if set(absent) - expected:
        raise ValidationError({"expected": _("An absentee must be one of those expected.")})
    if rows and not set(expected) - set(absent):
        raise ValidationError(_("Nobody came? Tick who was present."))
    before = _snapshot(meeting)
    old_day, old_kind = timezone.localtime(meeting.held_at).date(), meeting.kind
    meeting.kind, meeting.held_at, meeting.place = kind, held_at, place.strip()
    meeting.topics, meeting.speeches = topics.strip(), speeches.strip()
    meeting.host, meeting.recorder = host, recorder
    meeting.full_clean(exclude=["task"])
    errors: dict[str, list[str]] = {}
    for row in rows:
        row.meeting = meeting
        if row.member_id in absent:
            row.present, row.absence_reason = False, absent[row.member_id]
        else:  # came after all: no reason, no make-up study
            row.present, row.absence_reason = True, ""
            row.makeup_on, row.makeup_by, row.makeup_note = None, None, ""
        try:
            row.full_clean()
        except ValidationError as exc:
            errors[f"reason_{row.member_id}"] = exc.messages
    if errors:
        raise ValidationError(errors)
    for row in rows:
        row.save()
    _resolutions_add(meeting, resolutions)
    meeting.version += 1
    meeting.edited_at, meeting.edited_by = timezone.now(), by
    meeting.save()
    _store_files(meeting, files, types, by)
    if meeting.kind != old_kind or timezone.localtime(meeting.held_at).date() != old_day:
        # The period's task is the one of the new kind and date: the old link is dropped (a task
        # completed by this record stays done, as its completion was recorded) and the new one
        # is completed if still open, as on recording.
        meeting.task = None
        meeting.save(update_fields=["task"])
        _link_task(meeting, by, files)
    after = _snapshot(meeting)
    changed = {key: [before[key], after[key]] for key in before if before[key] != after[key]}
    if resolutions:
        changed["resolutions_added"] = [item.text.strip() for item in resolutions]
    if files:
        changed["files_added"] = [upload.name for upload in files]
    audit.record(
        audit.Action.MEETING_CORRECTED,
        actor=by,
        organisation=meeting.branch,
        target=f"meeting #{meeting.pk}",
        detail={"version": meeting.version, "changed": changed},
    )
    return meeting


@transaction.atomic
def meeting_files_add(*, meeting: Meeting, by: User | None, files: Sequence[UploadedFile]) -> Meeting:
    """Photos or files that arrived after the meeting was recorded."""
    meeting = _locked(meeting.pk)
    _require(by, "meeting.edit", meeting)
    if not files:
        raise ValidationError({"files": _("Choose a photo or file to add.")})
    types = _checked(files)
    _store_files(meeting, files, types, by)
    audit.record(
        audit.Action.MEETING_FILE_ADDED,
        actor=by,
        organisation=meeting.branch,
        target=f"meeting #{meeting.pk}",
        detail={"files": [upload.name for upload in files]},
    )
    return meeting


@transaction.atomic
def meeting_file_remove(*, stored: MeetingFile, by: User | None) -> Meeting:
    """A file added by mistake: gone from the record (and, once committed, from the storage)."""
    meeting = _locked(stored.meeting_id)
    _require(by, "meeting.edit", meeting)
    stored = MeetingFile.objects.get(pk=stored.pk, meeting=meeting)
    storage, path, name = stored.file.storage, stored.file.name, stored.name
    stored.delete()
    transaction.on_commit(lambda: storage.delete(path))
    audit.record(
        audit.Action.MEETING_FILE_REMOVED,
        actor=by,
        organisation=meeting.branch,
        target=f"meeting #{meeting.pk}",
        detail={"file": name},
    )
    return meeting


def _resolution_facts(resolution: Resolution) -> dict[str, Any]:
    return {
        "text": resolution.text,
        "owner": resolution.owner_name,
        "due_on": resolution.due_on.isoformat() if resolution.due_on else None,
    }


@transaction.atomic
def resolution_update(
    *,
    resolution: Resolution,
    by: User | None,
    version: int,
    text: str,
    owner_member: Member | None,
    due_on: dt.date | None,
) -> Resolution:
    """Corrects an open resolution of a record: its text, its owner (a new one from the branch's
    roster; the one recorded may stay) and its due date. ``version`` is the record's as read: a
    resolution is part of the record, so a correction of either moves the same version on.
    ``owner_member=None`` clears a roster owner; it keeps an owner given as a user (the API's
    ``owner_user``), whom only a roster owner replaces."""
    meeting = _locked(resolution.meeting_id)
    resolution = Resolution.objects.select_related("owner_member", "owner_user").get(pk=resolution.pk, meeting=meeting)
    resolution.meeting = meeting
    _require(by, "resolution.edit", resolution)
    if not resolution.is_open or is_frozen(meeting):
        raise Conflict(abilities.refusal("resolution.edit", resolution))
    if version != meeting.version:
        raise StaleMeeting(meeting)
    if owner_member is not None and owner_member.pk != resolution.owner_member_id:
        _roster_check(meeting.branch, [owner_member], "owner_member")
    before = _resolution_facts(resolution)
    resolution.text = text.strip()
    if owner_member is not None or resolution.owner_member_id is not None:
        resolution.owner_member, resolution.owner_user = owner_member, None
    resolution.due_on = due_on
    resolution.full_clean(exclude=["meeting"])
    after = _resolution_facts(resolution)
    changed = {key: [before[key], after[key]] for key in before if before[key] != after[key]}
    if not changed:
        return resolution
    resolution.save(update_fields=["text", "owner_member", "owner_user", "due_on"])
    meeting.version += 1
    meeting.edited_at, meeting.edited_by = timezone.now(), by
    meeting.save(update_fields=["version", "edited_at", "edited_by"])
    audit.record(
        audit.Action.MEETING_CORRECTED,
        actor=by,
        organisation=meeting.branch,
        target=f"meeting #{meeting.pk}",
        detail={"version": meeting.version, "resolution": resolution.pk, "changed": changed},
    )
    return resolution
