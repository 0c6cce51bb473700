"""The query parameters of the tasks app's lists, as FilterSets (``config.api.filters``)."""

from django.db.models import QuerySet
from django_filters import rest_framework as filters

from branches import abilities
from branches.selectors import organisations_visible_to
from config.api.filters import BooleanFilter, DateFilter, IntegerFilter, UnitFilter
from handbook.models import Frequency

from .. import selectors
from ..models import AdHocRequest, ReminderSheet, SheetKind, Task, TaskStatus
from ..periods import local_today
from .serializers import ID_MAX, OVERDUE, STATUS_FILTER_CHOICES


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


class TaskFilter(filters.FilterSet):
    # Left empty (?status=), a filter is not applied, as elsewhere in the API.
    branch = UnitFilter(
        units=lambda request: organisations_visible_to(request.user),
        help_text="A unit you may see: the tasks of its whole subtree.",
    )
    status = filters.ChoiceFilter(choices=STATUS_FILTER_CHOICES, method="filter_status")
    period = filters.CharFilter(field_name="period_key", max_length=12, help_text="A period key.")
    code = filters.CharFilter(field_name="article__code", max_length=20, help_text="An article's code.")
    frequency = filters.ChoiceFilter(choices=Frequency.choices)
    assignee = IntegerFilter(field_name="assignee_id", min_value=1, max_value=ID_MAX, help_text="A user's id.")
    requirement = IntegerFilter(field_name="request_id", min_value=1, max_value=ID_MAX)
    supervised = BooleanFilter()
    due_from = DateFilter(field_name="due_on", lookup_expr="gte", help_text="Due on or after this day.")
    due_to = DateFilter(field_name="due_on", lookup_expr="lte", help_text="Due on or before this day.")

    class Meta:
        model = Task
        fields = [
            "branch",
            "status",
            "period",
            "code",
            "frequency",
            "assignee",
            "requirement",
            "supervised",
            "due_from",
            "due_to",
        ]

    def filter_status(self, tasks: QuerySet[Task], name: str, value: str) -> QuerySet[Task]:
        # Overdue is not a state of its own: open and past its due date.
        if value == OVERDUE:
            return tasks.filter(status=TaskStatus.OPEN, due_on__lt=local_today())
        return tasks.filter(status=value)
