"""The filters the API's FilterSets share: a unit of the user's scope, an id, a quarter, a yes/no.

A list declares its query parameters as a ``django_filters.FilterSet`` (``filterset_class``):
``DjangoFilterBackend`` validates them as a form and raises DRF's ``ValidationError`` for a bad
value, which ``config.api.errors`` turns into a 400 with the parameter's messages; drf-spectacular
documents each parameter from the FilterSet. These filters keep the rules a hand-written query
serializer used to hold: a unit outside the user's scope is a bad value (never a filter that
shows that it exists), a unit means its whole subtree, ids are ASCII digits within range, a
quarter is written ``YYYYQn``.
"""

import datetime as dt
from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django_filters import rest_framework as filters
from django_filters import utils as filter_utils
from drf_spectacular.drainage import set_override
from drf_spectacular.plumbing import build_basic_type
from drf_spectacular.types import OpenApiTypes
from rest_framework import serializers

from branches.selectors import in_subtree
from config.request_values import parse_int, parse_quarter

# The ids a query parameter takes: the query serializers' bound (10^18 − 1, inside 64 bits).
ID_MAX = 10**18 - 1


class _Documented:
    """Documents the parameter's type in the OpenAPI schema, keeping its ``help_text`` (a
    class-level ``extend_schema_field`` would drop the description)."""

    schema_type = OpenApiTypes.STR

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        schema = build_basic_type(self.schema_type)
        if self.extra.get("help_text"):
            schema["description"] = str(self.extra["help_text"])
        for bound, key in (("min_value", "minimum"), ("max_value", "maximum")):
            if self.extra.get(bound) is not None:
                schema[key] = self.extra[bound]
        set_override(self, "field", schema)


class StrictIntegerField(forms.Field):
    """A whole number in ASCII digits within bounds: "²", "1.0" and "1e3" are refused."""

    def __init__(self, *, min_value: int | None = None, max_value: int | None = None, **kwargs: Any) -> None:
        self.min_value, self.max_value = min_value, max_value
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        return parse_int(value, min_value=self.min_value, max_value=self.max_value)


class IntegerFilter(_Documented, filters.Filter):
    """``field_name=<whole number>``, bounded (``min_value``/``max_value``)."""

    field_class = StrictIntegerField
    schema_type = OpenApiTypes.INT


def _as_drf(field: serializers.Field, value: Any) -> Any:
    """``value`` read by a DRF field, as the query serializers read it; its refusal as a form error."""
    try:
        return field.to_internal_value(value)
    except serializers.ValidationError as exc:
        raise ValidationError([str(message) for message in exc.detail]) from None


class StrictBooleanField(forms.Field):
    """true/false exactly as DRF's BooleanField reads them (1, yes, on, t...); anything else is
    refused, not ignored (Django's NullBooleanField reads "perhaps" as "no filter")."""

    def __init__(self, *, allow_null: bool = True, **kwargs: Any) -> None:
        self.allow_null = allow_null  # "null" means "no filter"; without, only an empty value does
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> bool | None:
        if value in (None, "") or (self.allow_null and value in serializers.BooleanField.NULL_VALUES):
            return None
        return _as_drf(serializers.BooleanField(), value)


class StrictDateField(forms.Field):
    """An ISO date (2026-10-31) as DRF's DateField reads it; not the locale's formats."""

    def to_python(self, value: Any) -> dt.date | None:
        if value in self.empty_values:
            return None
        return _as_drf(serializers.DateField(), value)


class DateFilter(_Documented, filters.Filter):
    field_class = StrictDateField
    schema_type = OpenApiTypes.DATE


class BooleanFilter(_Documented, filters.Filter):
    field_class = StrictBooleanField
    schema_type = OpenApiTypes.BOOL


class QuarterField(forms.CharField):
    """A quarter written ``2026Q3`` → (2026, 3)."""

    def to_python(self, value: Any) -> tuple[int, int] | None:
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        return parse_quarter(text)


class QuarterFilter(_Documented, filters.Filter):
    """A quarter, ``YYYYQn``; filtered by the FilterSet's ``method`` (lists store it differently)."""

    field_class = QuarterField


class UnitFilter(_Documented, filters.ModelChoiceFilter):
    """A unit the user may see, meaning its whole subtree.

    ``units(request)`` gives the units allowed (``abilities.units_for(request.user, ...)``): any
    other id, one that exists outside the scope included, is a bad value — a 400 that does not
    say whether the unit exists. ``via`` is the path of the unit from the listed model.
    """

    schema_type = OpenApiTypes.INT

    def __init__(self, *, units: Callable[[Any], QuerySet], via: str = "branch__path", **kwargs: Any) -> None:
        self.via = via
        super().__init__(queryset=units, **kwargs)

    def filter(self, qs: QuerySet, value: Any) -> QuerySet:
        if value in (None, ""):
            return qs
        return qs.filter(in_subtree(value, via=self.via))


def validated_query(filterset_class: type[filters.FilterSet], request: Any, queryset: QuerySet) -> dict[str, Any]:
    """The query parameters of ``request`` read by ``filterset_class``, for an endpoint that
    does not filter a queryset with them (rows computed, a selector's own filters): a bad
    value is the same 400 naming the parameter as on a filtered list."""
    filterset = filterset_class(data=request.query_params, queryset=queryset, request=request)
    if not filterset.is_valid():
        raise filter_utils.translate_validation(filterset.errors)
    return dict(filterset.form.cleaned_data)
