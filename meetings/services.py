"""Writes of the meeting records: keyword-only, atomic, ``full_clean``, and each asks the
ability table (``abilities.require``) for the acting user (``by=None``: the system itself).

Recording a meeting completes the matching generated task of its period (the article of
``kinds.ARTICLE_OF_KIND`` whose period holds the meeting's date) through the tasks service,
with the meeting's files as its evidence; a task already done is only linked."""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from branches import abilities
from branches.models import Organisation, OrgKind, User
from config.exceptions import Conflict
from members.models import Member
from tasks.evidence import MAX_FILES, checked_type
from tasks.models import Task, TaskStatus
from tasks.services import task_complete

from . import selectors
from .kinds import ARTICLE_OF_KIND
from .models import Attendance, Meeting, MeetingFile, Resolution


@dataclass(frozen=True)
class Absence:
    member: Member
    reason: str


@dataclass(frozen=True)
class ResolutionInput:
    text: str
    owner_member: Member | None = None
    owner_user: User | None = None
    due_on: dt.date | None = None


def _require(by: User | None, name: str, obj: object) -> None:
    if by is not None:
        abilities.require(by, name, obj)


def _roster_check(branch: Organisation, members: Iterable[Member | None], field: str) -> None:
    ids = {member.pk for member in members if member is not None}
    if not ids:
        return
    found = set(selectors.roster_of(branch).filter(pk__in=ids).values_list("pk", flat=True))
    if ids - found:
        raise ValidationError({field: _("Choose people from the branch's roster.")})


def matching_task(meeting: Meeting) -> Task | None:
    """The generated task of the meeting's branch whose article answers the meeting's kind and
    whose period holds its date; an open one first."""
    day = timezone.localtime(meeting.held_at).date()
    tasks = (
        Task.objects.filter(
            branch=meeting.branch,
            article__code=ARTICLE_OF_KIND[meeting.kind],
            period_start__lte=day,
            period_end__gte=day,
        )
        .exclude(status=TaskStatus.CANCELLED)
        .select_related("article", "branch")
        .order_by("-status", "pk")  # "open" sorts after "done"/"checked": reversed, open first
    )
    return tasks.first()


def _resolutions_add(meeting: Meeting, resolutions: Sequence[ResolutionInput]) -> None:
    """The record's new resolutions, each owner from the branch's roster (recording and correcting)."""
    _roster_check(meeting.branch, [item.owner_member for item in resolutions], "resolutions")
    for item in resolutions:
        resolution = Resolution(
            meeting=meeting,
            text=item.text.strip(),
            owner_member=item.owner_member,
            owner_user=item.owner_user,
            due_on=item.due_on,
        )
        resolution.full_clean()
        resolution.save()


def _store_files(meeting: Meeting, files: Sequence[UploadedFile], types: Sequence[str], by: User | None) -> None:
    for upload, content_type in zip(files, types, strict=True):
        stored = MeetingFile(
            meeting=meeting,
            name=(upload.name or "file")[-200:],
            content_type=content_type,
            size=upload.size or 0,
            uploaded_by=by,
        )
        upload.seek(0)
        stored.file.save(upload.name or "file", upload, save=False)
        stored.save()


def _checked(files: Sequence[UploadedFile]) -> list[str]:
    if len(files) > MAX_FILES:
        raise ValidationError({"files": _("At most %(n)d files at a time.") % {"n": MAX_FILES}})
    try:
        return [checked_type(upload) for upload in files]
    except ValidationError as exc:
        raise ValidationError({"files": exc.messages}) from exc


def _link_task(meeting: Meeting, by: User | None, files: Sequence[UploadedFile]) -> None:
    task = matching_task(meeting)
    if task is None:
        return
    if task.status == TaskStatus.OPEN and by is not None and abilities.can(by, "task.complete", task):
        note = _("%(kind)s held on %(day)s: %(topics)s") % {
            "kind": meeting.get_kind_display(),
            "day": f"{timezone.localtime(meeting.held_at):%Y-%m-%d}",
            "topics": meeting.topics[:300],
        }
        task_complete(task=task, by=by, note=note, files=files, at=max(meeting.held_at, task.created_at))
    meeting.task = task
    meeting.save(update_fields=["task"])


@transaction.atomic
def meeting_record(
    *,
    branch: Organisation,
    by: User | None,
    kind: str,
    held_at: dt.datetime,
    place: str,
    topics: str,
    speeches: str = "",
    host: Member | None = None,
    recorder: Member | None = None,
    expected: Sequence[Member] | None = None,
    absences: Sequence[Absence] = (),
    resolutions: Sequence[ResolutionInput] = (),
    files: Sequence[UploadedFile] = (),
) -> Meeting:
    """Records a meeting held: attendance (everyone expected came unless named absent, with a
    reason), resolutions and files; then completes or links the period's task."""
    _require(by, "meeting.record", branch)
    if branch.kind != OrgKind.BRANCH:
        raise ValidationError({"branch": _("Meetings are recorded for a branch.")})
    if held_at > timezone.now():
        raise ValidationError({"held_at": _("Record a meeting after it was held.")})
    types = _checked(files)
    if expected is None:
        expected = list(selectors.roster_of(branch))
    expected = list({member.pk: member for member in expected}.values())
    if not expected:
        raise ValidationError({"expected": _("Nobody is expected: the branch's roster is empty.")})
    _roster_check(branch, expected, "expected")
    _roster_check(branch, [host, recorder], "host")
    absent = {absence.member.pk: absence.reason.strip() for absence in absences}
    if set(absent) - {member.pk for member in expected}:
        raise ValidationError({"expected": _("An absentee must be one of those expected.")})
    meeting = Meeting(
        branch=branch,
        kind=kind,
        held_at=held_at,
        place=place.strip(),
        topics=topics.strip(),
        speeches=speeches.strip(),
        host=host,
        recorder=recorder,
        recorded_by=by,
    )
    meeting.full_clean(exclude=["task"])
    meeting.save()
    errors: dict[str, list[str]] = {}
    for member in expected:
        row = Attendance(meeting=meeting, member=member, present=member.pk not in absent)
        row.absence_reason = absent.get(member.pk, "")
        try:
            row.full_clean()
        except ValidationError as exc:
            errors[f"reason_{member.pk}"] = exc.messages
            continue
        row.save()
    if errors:
        raise ValidationError(errors)
    _resolutions_add(meeting, resolutions)
    _store_files(meeting, files, types, by)
    _link_task(meeting, by, files)
    return meeting


@transaction.atomic
def attendance_makeup(
    *, row: Attendance, by: User | None, on: dt.date, led_by: Member | None = None, note: str = ""
) -> Attendance:
    """补学: an absentee made up the study, on a day, with someone of the roster."""
    row = Attendance.objects.select_for_update().select_related("meeting__branch").get(pk=row.pk)
    _require(by, "meeting.makeup", row)
    if on > timezone.localdate():
        raise ValidationError({"on": _("The make-up study cannot be in the future.")})
    _roster_check(row.meeting.branch, [led_by], "led_by")
    row.makeup_on = on
    row.makeup_by = led_by
    row.makeup_note = note.strip()
    try:
        row.full_clean()
    except ValidationError as exc:
        raise ValidationError({"on": exc.messages}) from exc
    row.save(update_fields=["makeup_on", "makeup_by", "makeup_note"])
    return row


@transaction.atomic
def resolution_close(*, resolution: Resolution, by: User | None, note: str = "") -> Resolution:
    """逐件销号: one resolution carried out and closed."""
    resolution = (
        Resolution.objects.select_for_update(of=("self",))
        .select_related("meeting__branch", "owner_member")
        .get(pk=resolution.pk)
    )
    _require(by, "resolution.close", resolution)
    if not resolution.is_open:
        raise Conflict(abilities.refusal("resolution.close", resolution))
    resolution.closed_at = timezone.now()
    resolution.closed_by = by
    resolution.close_note = note.strip()
    resolution.full_clean()
    resolution.save(update_fields=["closed_at", "closed_by", "close_note"])
    return resolution
