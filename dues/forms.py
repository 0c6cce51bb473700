"""The dues ledger's forms: one member's month, reopening a month, an xlsx to import."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from config.forms import DateInput

from .brackets import PayerKind
from .services import Values

MONEY = {"max_digits": 10, "decimal_places": 2, "min_value": Decimal(0)}


class EntryForm(forms.Form):
    base = forms.DecimalField(label=_("Monthly income base"), required=False, **MONEY)
    payer_kind = forms.ChoiceField(label=_("Payer kind"), choices=PayerKind.choices)
    amount_paid = forms.DecimalField(label=_("Amount paid"), required=False, **MONEY)
    paid_on = forms.DateField(label=_("Date paid"), required=False, widget=DateInput())
    override_amount = forms.DecimalField(label=_("Amount set by hand"), required=False, **MONEY)
    override_reason = forms.CharField(label=_("Reason"), required=False, max_length=200)

    def is_blank(self) -> bool:
        return self.is_valid() and self.cleaned_data["base"] is None and not self.cleaned_data["amount_paid"]

    def clean(self) -> dict:
        data = super().clean()
        if self.errors:
            return data
        if data.get("base") is None and (data.get("amount_paid") or data.get("override_amount") is not None):
            self.add_error("base", _("Enter the monthly income base."))
        if data.get("override_amount") is not None and not data.get("override_reason", "").strip():
            self.add_error("override_reason", _("Say why the amount differs from the brackets."))
        if data.get("amount_paid") and not data.get("paid_on"):
            self.add_error("paid_on", _("Give the date the dues were paid."))
        return data

    def values(self) -> Values:
        d = self.cleaned_data
        return Values(
            base=d["base"],
            payer_kind=d["payer_kind"],
            amount_paid=d["amount_paid"] or Decimal("0.00"),
            paid_on=d["paid_on"],
            override_amount=d["override_amount"],
            override_reason=d["override_reason"] or "",
        )


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Reason for reopening"), max_length=200)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Dues ledger (.xlsx)"))
