"""党费台账: a member's dues month by month, and a branch's month closed once settled."""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from branches.models import Organisation
from members.models import Member

from .brackets import PayerKind

MONEY = {"max_digits": 10, "decimal_places": 2}


class DuesMonth(models.Model):
    """A branch's month of the ledger: open for entries until it is closed."""

    branch = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="dues_months")
    month = models.DateField(_("month"))  # its first day
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reopen_reason = models.CharField(_("reason for reopening"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("dues month")
        verbose_name_plural = _("dues months")
        constraints = [models.UniqueConstraint(fields=["branch", "month"], name="unique_dues_month")]

    def __str__(self) -> str:
        return f"{self.branch} {self.month:%Y-%m}"

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    def clean(self) -> None:
        if self.month and self.month.day != 1:
            raise ValidationError({"month": _("A month is given by its first day.")})


class DuesEntry(models.Model):
    """One member's dues of one month: the base, the rate of its bracket, what is due and paid."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="dues")
    branch = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="dues_entries")
    month = models.DateField(_("month"))
    payer_kind = models.CharField(_("payer kind"), max_length=16, choices=PayerKind.choices, default=PayerKind.EMPLOYED)
    base = models.DecimalField(_("monthly income base"), validators=[MinValueValidator(Decimal(0))], **MONEY)
    rate = models.DecimalField(_("rate"), max_digits=6, decimal_places=4, null=True, blank=True)
    computed_amount = models.DecimalField(_("amount by the brackets"), **MONEY)
    override_amount = models.DecimalField(
        _("amount set by hand"), null=True, blank=True, validators=[MinValueValidator(Decimal(0))], **MONEY
    )
    override_reason = models.CharField(_("reason for the amount set by hand"), max_length=200, blank=True)
    amount_due = models.DecimalField(_("amount due"), **MONEY)
    amount_paid = models.DecimalField(
        _("amount paid"), default=Decimal("0.00"), validators=[MinValueValidator(Decimal(0))], **MONEY
    )
    paid_on = models.DateField(_("date paid"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("dues entry")
        verbose_name_plural = _("dues entries")
        ordering = ["-month", "member__name"]
        constraints = [models.UniqueConstraint(fields=["member", "month"], name="unique_dues_entry")]
        indexes = [models.Index(fields=["branch", "month"])]

    def __str__(self) -> str:
        return f"{self.member} {self.month:%Y-%m}"

    @property
    def is_paid(self) -> bool:
        return self.amount_paid >= self.amount_due

    @property
    def owed(self) -> Decimal:
        return max(self.amount_due - self.amount_paid, Decimal("0.00"))

    def clean(self) -> None:
        errors: dict[str, object] = {}
        if self.override_amount is not None and not self.override_reason.strip():
            errors["override_reason"] = _("Say why the amount differs from the brackets.")
        if self.amount_paid and self.amount_paid > 0 and self.paid_on is None:
            errors["paid_on"] = _("Give the date the dues were paid.")
        if self.paid_on and self.month and self.paid_on < self.month - dt.timedelta(days=366):
            errors["paid_on"] = _("The date paid is too long before the month.")
        if errors:
            raise ValidationError(errors)
