"""发展党员: a candidate's development file — the person, their branch, the stage they have
reached and every step taken, with its date and the people of the roster it names."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from branches.models import Organisation
from members import id_numbers
from members.models import Gender, Member, validate_id_number

from .stages import PROBATION_YEARS, REPEATED, TALK_WITHIN_MONTHS, Stage, StepKind, add_months


class Candidate(models.Model):
    """One person's development file, opened with their application (入党申请书)."""

    branch = models.ForeignKey(
        Organisation, verbose_name=_("branch"), on_delete=models.PROTECT, related_name="candidates"
    )
    name = models.CharField(_("name"), max_length=50)
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices)
    birth_date = models.DateField(_("birth date"))
    id_number = models.CharField(_("ID number"), max_length=18, validators=[validate_id_number])
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    applied_on = models.DateField(_("application date"))
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices, default=Stage.APPLICANT)
    # 培养联系人 (named when chosen as an activist) and 入党介绍人 (full members).
    contacts = models.ManyToManyField(Member, verbose_name=_("contacts"), blank=True, related_name="+")
    sponsors = models.ManyToManyField(Member, verbose_name=_("sponsors"), blank=True, related_name="+")
    # The roster's row, from the approval as a probationary member on.
    member = models.OneToOneField(
        Member,
        verbose_name=_("member"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="development_file",
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closed_reason = models.CharField(_("why the file was closed"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("development file")
        verbose_name_plural = _("development files")
        ordering = ["branch__path", "applied_on", "pk"]
        indexes = [models.Index(fields=["branch", "stage"])]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.id_number = id_numbers.normalise(self.id_number)
        super().save(*args, **kwargs)

    @property
    def is_open(self) -> bool:
        """Still being worked on: not closed, not yet a full member."""
        return self.closed_on is None and self.stage != Stage.FULL

    @property
    def masked_id_number(self) -> str:
        return id_numbers.mask(self.id_number)

    @property
    def talk_due_on(self) -> dt.date:
        return add_months(self.applied_on, TALK_WITHIN_MONTHS)

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.id_number and self.birth_date:
            try:
                number = id_numbers.validate(self.id_number)
            except id_numbers.InvalidIdNumber:
                number = ""
            if number and id_numbers.birth_date_of(number) != self.birth_date:
                errors["birth_date"] = _("The birth date does not match the ID number.")
        if self.applied_on and self.birth_date and self.applied_on < add_months(self.birth_date, 18 * 12):
            errors["applied_on"] = _("An applicant must be at least 18 years old.")
        if errors:
            raise ValidationError(errors)


class Step(models.Model):
    """One step of a file, dated: 公示 has its period (``on`` to ``ends_on``)."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(_("step"), max_length=20, choices=StepKind.choices)
    on = models.DateField(_("date"))
    ends_on = models.DateField(_("end of the notice period"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("development step")
        verbose_name_plural = _("development steps")
        ordering = ["candidate", "on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["candidate", "kind"],
                condition=~models.Q(kind=REPEATED),
                name="development_step_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.on:%Y-%m-%d}"


def probation_ends_on(admitted_on: dt.date) -> dt.date:
    """预备期满: a year from the general meeting's admission."""
    return add_months(admitted_on, 12 * PROBATION_YEARS)
