"""Shapes of the dues ledger over the API."""

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .brackets import PayerKind
from .models import DuesEntry, DuesMonth

MONEY = {"max_digits": 10, "decimal_places": 2, "min_value": Decimal(0)}


@extend_schema_field({"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$", "example": "2026-10"})
class MonthField(serializers.Field):
    """A month as ``YYYY-MM``."""

    default_error_messages = {"invalid": _("Enter a month as YYYY-MM.")}

    def to_representation(self, value: dt.date) -> str:
        return f"{value:%Y-%m}"

    def to_internal_value(self, data: object) -> dt.date:
        text = str(data).strip()
        try:
            day = dt.date.fromisoformat(f"{text}-01") if len(text) == 7 else None
        except ValueError:
            day = None
        if day is None or not 2000 <= day.year <= 2100:
            self.fail("invalid")
        return day


class DuesEntrySerializer(serializers.ModelSerializer):
    month = MonthField()
    member_name = serializers.CharField(source="member.name", read_only=True)
    branch_name = serializers.CharField(source="branch.name", read_only=True)
    payer_kind_label = serializers.CharField(source="get_payer_kind_display", read_only=True)
    is_paid = serializers.BooleanField(read_only=True)

    class Meta:
        model = DuesEntry
        fields = [
            "id",
            "member",
            "member_name",
            "branch",
            "branch_name",
            "month",
            "payer_kind",
            "payer_kind_label",
            "base",
            "rate",
            "computed_amount",
            "override_amount",
            "override_reason",
            "amount_due",
            "amount_paid",
            "paid_on",
            "is_paid",
            "updated_at",
        ]
        read_only_fields = fields


class DuesWriteSerializer(serializers.Serializer):
    """One member's month as a keeper enters it; the brackets compute the rest."""

    base = serializers.DecimalField(**MONEY)
    payer_kind = serializers.ChoiceField(choices=PayerKind.choices, default=PayerKind.EMPLOYED)
    amount_paid = serializers.DecimalField(default=Decimal("0.00"), **MONEY)
    paid_on = serializers.DateField(required=False, allow_null=True, default=None)
    override_amount = serializers.DecimalField(required=False, allow_null=True, default=None, **MONEY)
    override_reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


class DuesCreateSerializer(DuesWriteSerializer):
    member = serializers.IntegerField(min_value=1)
    month = MonthField()


class DuesMonthSerializer(serializers.ModelSerializer):
    """A branch's month of the ledger; ``id`` is null for a month nobody has written to yet."""

    month = MonthField()
    branch_name = serializers.CharField(source="branch.name", read_only=True)
    is_closed = serializers.BooleanField(read_only=True)

    class Meta:
        model = DuesMonth
        fields = ["id", "branch", "branch_name", "month", "is_closed", "closed_at", "closed_by", "reopen_reason"]
        read_only_fields = fields


class DuesMonthActionSerializer(serializers.Serializer):
    branch = serializers.IntegerField(min_value=1, max_value=10**18 - 1)
    month = MonthField()


class DuesMonthReopenSerializer(DuesMonthActionSerializer):
    reason = serializers.CharField(max_length=200, help_text="Why the month is reopened (recorded).")
