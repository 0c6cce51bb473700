"""党员: members, their standing and their history of branches."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from branches.models import Organisation

from . import id_numbers

ID_NUMBER_REASONS = {
    "length": _("An ID number has 18 characters."),
    "characters": _("An ID number has 17 digits followed by a digit or X."),
    "birth_date": _("The ID number does not contain a valid birth date."),
    "check_digit": _("The ID number's check digit is wrong (GB 11643)."),
}


def validate_id_number(value: str) -> None:
    try:
        id_numbers.validate(value)
    except id_numbers.InvalidIdNumber as exc:
        raise ValidationError(ID_NUMBER_REASONS[str(exc)], code=f"id_{exc}") from exc


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class Category(models.TextChoices):
    FULL = "full", _("Full member")  # 正式党员
    PROBATIONARY = "probationary", _("Probationary member")  # 预备党员


class MemberStatus(models.TextChoices):
    ON_ROLL = "on_roll", _("On the roll")  # 在册
    FLOWING = "flowing", _("Flowing")  # 流动党员
    TRANSFERRED_OUT = "transferred_out", _("Transferred out")  # 转出
    SUSPENDED = "suspended", _("Membership suspended")  # 停止党籍
    EXPELLED = "expelled", _("Left the Party")  # 出党
    DECEASED = "deceased", _("Deceased")  # 去世


# Members who still belong to their branch's roll: a branch holding any cannot be dissolved.
ON_ROLL_STATUSES = (MemberStatus.ON_ROLL, MemberStatus.FLOWING)


class Education(models.TextChoices):
    POSTGRADUATE = "postgraduate", _("Postgraduate")  # 研究生
    BACHELOR = "bachelor", _("Bachelor")  # 大学本科
    COLLEGE = "college", _("College")  # 大专
    SECONDARY = "secondary", _("Technical secondary")  # 中专
    HIGH_SCHOOL = "high_school", _("High school")  # 高中
    JUNIOR = "junior", _("Junior high or below")  # 初中及以下


class Member(models.Model):
    name = models.CharField(_("name"), max_length=50)
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices)
    ethnicity = models.CharField(_("ethnicity"), max_length=20, default="汉族")
    birth_date = models.DateField(_("birth date"))
    id_number = models.CharField(_("ID number"), max_length=18, unique=True, validators=[validate_id_number])
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    education = models.CharField(_("education"), max_length=16, choices=Education.choices, blank=True)
    post = models.CharField(_("post"), max_length=100, blank=True)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    joined_on = models.DateField(_("date joined the Party"))
    full_member_on = models.DateField(_("date made full member"), null=True, blank=True)
    branch = models.ForeignKey(Organisation, verbose_name=_("branch"), on_delete=models.PROTECT, related_name="members")
    status = models.CharField(_("status"), max_length=20, choices=MemberStatus.choices, default=MemberStatus.ON_ROLL)
    flowing_to = models.CharField(_("where a flowing member works now"), max_length=200, blank=True)
    is_union_member = models.BooleanField(_("trade union member"), default=False)
    is_league_member = models.BooleanField(_("youth league member"), default=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="member"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["branch__path", "name"]
        indexes = [models.Index(fields=["branch", "status"])]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.id_number = id_numbers.normalise(self.id_number)
        super().save(*args, **kwargs)

    @property
    def masked_id_number(self) -> str:
        return id_numbers.mask(self.id_number)

    def standing_years(self, on: dt.date | None = None) -> int:
        """党龄: whole years since the member became a full member (预备期 not counted)."""
        if self.full_member_on is None:
            return 0
        on = on or timezone.localdate()
        start = self.full_member_on
        years = on.year - start.year - ((on.month, on.day) < (start.month, start.day))
        return max(years, 0)

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.full_member_on and self.joined_on and self.full_member_on < self.joined_on:
            errors["full_member_on"] = _("The date made full member cannot be before the date joined.")
        if self.category == Category.FULL and not self.full_member_on:
            errors["full_member_on"] = _("A full member needs the date made full member.")
        if self.id_number and self.birth_date:
            try:
                number = id_numbers.validate(self.id_number)
            except id_numbers.InvalidIdNumber:
                number = ""
            if number and id_numbers.birth_date_of(number) != self.birth_date:
                errors["birth_date"] = _("The birth date does not match the ID number.")
        if self.birth_date and self.joined_on and self.joined_on < self.birth_date:
            errors["joined_on"] = _("The date joined cannot be before the birth date.")
        if self.status == MemberStatus.FLOWING and not self.flowing_to.strip():
            errors["flowing_to"] = _("Say where the flowing member works now.")
        # One rule for the forms, the API and the import, which all come through here.
        today = timezone.localdate()
        for name in ("birth_date", "joined_on", "full_member_on"):
            value = getattr(self, name)
            if isinstance(value, dt.date) and value > today:
                errors.setdefault(
                    name,
                    _("%(field)s %(date)s is in the future.")
                    % {"field": capfirst(self._meta.get_field(name).verbose_name), "date": value.isoformat()},
                )
        if errors:
            raise ValidationError(errors)


class TransferKind(models.TextChoices):
    JOINED = "joined", _("Entered the roll")  # first registration
    TRANSFER = "transfer", _("Transfer between branches")
    TRANSFER_IN = "transfer_in", _("Transferred in from outside")
    TRANSFER_OUT = "transfer_out", _("Transferred out")
    FLOWING = "flowing", _("Became flowing")
    RETURNED = "returned", _("Returned from flowing")
    STATUS = "status", _("Status changed")


class MemberTransfer(models.Model):
    """One entry of a member's branch history (组织关系接转)."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="transfers")
    kind = models.CharField(_("kind"), max_length=16, choices=TransferKind.choices)
    from_branch = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    to_branch = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    on = models.DateField(_("date"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        ordering = ["member", "on", "recorded_at"]

    def __str__(self) -> str:
        return f"{self.member} · {self.get_kind_display()} · {self.on}"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to be checked")
    VALIDATING = "validating", _("Checking")
    VALID = "valid", _("Checked: ready to import")
    INVALID = "invalid", _("Checked: has bad rows")
    COMMIT_QUEUED = "commit_queued", _("Waiting to be imported")
    COMMITTING = "committing", _("Importing")
    COMMITTED = "committed", _("Imported")
    FAILED = "failed", _("Failed")


RUNNING_IMPORT_STATUSES = (
    ImportStatus.QUEUED,
    ImportStatus.VALIDATING,
    ImportStatus.COMMIT_QUEUED,
    ImportStatus.COMMITTING,
)


def _import_upload_to(instance: "MemberImport", filename: str) -> str:
    return f"members/imports/{timezone.now():%Y/%m}/{instance.organisation_id}-{timezone.now():%H%M%S%f}.xlsx"


class MemberImport(models.Model):
    """One roster file on its way in: checked in full first, written only when clean.

    The row holds the progress and the report, so the administrator can leave the page
    and come back to the result.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="member_imports")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    file = models.FileField(upload_to=_import_upload_to)
    # The parsed rows of a clean check (JSON): the commit writes them without parsing again.
    checked_rows = models.FileField(upload_to="members/imports/checked/", blank=True)
    original_name = models.CharField(max_length=255)
    status = models.CharField(max_length=16, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    processed_rows = models.PositiveIntegerField(default=0)
    total_rows = models.PositiveIntegerField(default=0)
    new_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    notices = models.JSONField(default=list, blank=True)
    message = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # When its job was last sent to the broker: a waiting import not claimed a while after
    # is sent again by the sweeper (members.imports.imports_sweep).
    queued_at = models.DateTimeField(null=True, blank=True)
    # The running job's last sign of life: set by its claim, moved on as rows are checked.
    claimed_at = models.DateTimeField(null=True, blank=True)
    # Claims of the current step: a job knows its claim by this number, and a step whose
    # worker died this many times fails instead of being tried for ever.
    attempts = models.PositiveSmallIntegerField(default=0)
    validated_at = models.DateTimeField(null=True, blank=True)
    committed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("member import")
        verbose_name_plural = _("member imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.original_name} · {self.get_status_display()}"

    @property
    def is_running(self) -> bool:
        return self.status in RUNNING_IMPORT_STATUSES

    @property
    def may_retry_commit(self) -> bool:
        """A commit that failed (the database refused it, its worker died) may be tried
        again while the checked rows are kept: nothing of it was written."""
        return self.status == ImportStatus.FAILED and bool(self.checked_rows)

    @property
    def percent(self) -> int:
        if self.status in (ImportStatus.VALID, ImportStatus.INVALID, ImportStatus.COMMITTED):
            return 100
        if not self.total_rows:
            return 0
        return min(100, int(100 * self.processed_rows / self.total_rows))
