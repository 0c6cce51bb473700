"""The query parameters of the tasks app's lists, as FilterSets (``config.api.filters``)."""

from django_filters import rest_framework as filters

from branches import abilities
from config.api.filters import UnitFilter

from .. import selectors
from ..models import AdHocRequest, ReminderSheet, SheetKind


class SheetFilter(filters.FilterSet):
    branch = UnitFilter(
        units=lambda request: abilities.units_for(request.user, "sheet.view"),
        help_text="A unit you may see: the sheets of its whole subtree.",
    )
    # Left empty (?kind=), a filter is not applied, as elsewhere in the API.
    kind = filters.ChoiceFilter(choices=SheetKind.choices)
    period = filters.CharFilter(field_name="period_key", max_length=12, help_text="A period key.")

    class Meta:
        model = ReminderSheet
        fields = ["branch", "kind", "period"]


class RequirementFilter(filters.FilterSet):
    organisation = UnitFilter(
        units=lambda request: selectors.request_senders_for(request.user),
        via="organisation__path",
        help_text="Sent from this unit or any below it.",
    )

    class Meta:
        model = AdHocRequest
        fields = ["organisation"]
