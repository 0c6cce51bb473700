"""会议记录: the records of a branch's organisational life (三会一课, 主题党日, 组织生活会 …):
who was expected, who came, who was absent and why and how they made up the study, what was
said and what was resolved, with the photos and files checked by the one evidence rule."""

import uuid
from decimal import ROUND_HALF_UP, Decimal
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from branches.models import Organisation
from members.models import Member

from .kinds import MeetingKind

TEXT_LIMIT = 5000


class Meeting(models.Model):
    """One meeting of a branch, of one kind, recorded after it was held."""

    branch = models.ForeignKey(
        Organisation, verbose_name=_("branch"), on_delete=models.PROTECT, related_name="meetings"
    )
    kind = models.CharField(_("kind of meeting"), max_length=16, choices=MeetingKind.choices)
    held_at = models.DateTimeField(_("held at"))
    place = models.CharField(_("place"), max_length=100)
    host = models.ForeignKey(
        Member, verbose_name=_("host"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorder = models.ForeignKey(
        Member, verbose_name=_("recorder"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    topics = models.TextField(_("topics"), max_length=TEXT_LIMIT, validators=[MaxLengthValidator(TEXT_LIMIT)])
    speeches = models.TextField(
        _("speakers' points"), blank=True, max_length=TEXT_LIMIT, validators=[MaxLengthValidator(TEXT_LIMIT)]
    )
    # The generated task of the period this meeting answers (completed by it, or linked).
    task = models.ForeignKey(
        "tasks.Task", null=True, blank=True, on_delete=models.SET_NULL, related_name="meetings", db_index=False
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    # Optimistic locking of corrections: an edit names the version it read, a stale one is refused.
    version = models.PositiveIntegerField(default=1, editable=False)
    edited_at = models.DateTimeField(_("last corrected at"), null=True, blank=True, editable=False)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    class Meta:
        verbose_name = _("meeting record")
        verbose_name_plural = _("meeting records")
        ordering = ["-held_at", "-pk"]
        indexes = [models.Index(fields=["branch", "kind", "held_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.held_at:%Y-%m-%d}"

    def attendance_counts(self) -> tuple[int, int]:
        """(present, expected), from prefetched rows when there are."""
        rows = list(self.attendance.all())
        return sum(1 for row in rows if row.present), len(rows)

    @property
    def attendance_rate(self) -> Decimal | None:
        """参会率 in per cent (present / expected), one decimal; None with nobody expected."""
        present, expected = self.attendance_counts()
        return rate(present, expected)


def rate(present: int, expected: int) -> Decimal | None:
    if not expected:
        return None
    return (Decimal(present) * 100 / Decimal(expected)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


class Attendance(models.Model):
    """One expected attendee of a meeting: came, or absent with a reason and, later, the
    make-up study (补学) — when and with whom."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="attendance")
    present = models.BooleanField(_("present"), default=True)
    absence_reason = models.CharField(_("reason for absence"), max_length=200, blank=True)
    makeup_on = models.DateField(_("make-up study on"), null=True, blank=True)
    makeup_by = models.ForeignKey(
        Member,
        verbose_name=_("make-up study led by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    makeup_note = models.CharField(_("how the study was made up"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["meeting", "-present", "member__name"]
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="attendance_one_per_member")]

    def __str__(self) -> str:
        return f"{self.member} · {self.meeting}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.present and self.absence_reason.strip():
            errors["absence_reason"] = _("Only an absentee has a reason for absence.")
        if not self.present and not self.absence_reason.strip():
            errors["absence_reason"] = _("Say why the member was absent.")
        if self.present and self.makeup_on:
            errors["makeup_on"] = _("Only an absentee makes up the study.")
        if self.makeup_on and self.meeting_id and self.makeup_on < self.meeting.held_at.date():
            errors["makeup_on"] = _("The make-up study cannot be before the meeting.")
        if errors:
            raise ValidationError(errors)

    @property
    def needs_makeup(self) -> bool:
        return not self.present and self.makeup_on is None


class Resolution(models.Model):
    """A decision of the meeting (决议事项), owned by a person, due by a date, closed one by one."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="resolutions")
    text = models.CharField(_("resolution"), max_length=300)
    owner_member = models.ForeignKey(
        Member, verbose_name=_("owner"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    due_on = models.DateField(_("due on"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    close_note = models.CharField(_("how it was carried out"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("resolution")
        verbose_name_plural = _("resolutions")
        ordering = ["meeting", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(owner_member__isnull=True) | models.Q(owner_user__isnull=True),
                name="resolution_one_owner",
            )
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def owner_name(self) -> str:
        if self.owner_member_id:
            return self.owner_member.name
        if self.owner_user_id:
            return str(self.owner_user)
        return ""

    def clean(self) -> None:
        if self.owner_member_id and self.owner_user_id:
            raise ValidationError({"owner_member": _("A resolution has one owner.")})


def _meeting_upload_to(instance: "MeetingFile", filename: str) -> str:
    # A random stored name: the original one is kept in ``name`` and never touches the disk.
    suffix = PurePath(filename).suffix.lower()[:8]
    return f"meetings/{instance.meeting_id}/{uuid.uuid4().hex}{suffix}"


class MeetingFile(models.Model):
    """A photo or file of the meeting (签到表, 照片, 会议材料), checked by the one evidence rule
    (``tasks.evidence.checked_type``) and served only as an attachment."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to=_meeting_upload_to)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("meeting file")
        verbose_name_plural = _("meeting files")
        ordering = ["meeting", "uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.name
