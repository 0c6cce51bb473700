"""The query parameters of the assessments app's lists, as FilterSets (``config.api.filters``)."""

from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django_filters import rest_framework as filters

from branches import abilities
from config.api.filters import BooleanFilter, IntegerFilter, QuarterFilter, UnitFilter

from ..models import Finding, Grade, RectificationItem, RectificationStatus, Scorecard, ScorecardStatus, Severity
from .scorecard_serializers import MAX_ID


class ScorecardFilter(filters.FilterSet):
    period = QuarterFilter(method="filter_period", help_text="A quarter, like 2026Q3.")
    year = IntegerFilter(min_value=2000, max_value=2100)
    quarter = IntegerFilter(min_value=1, max_value=4)
    branch = UnitFilter(
        units=lambda request: abilities.units_for(request.user, "scorecard.view"),
        help_text="A unit whose scorecards you may read: the cards of its whole subtree.",
    )
    status = filters.ChoiceFilter(choices=ScorecardStatus.choices)
    late = BooleanFilter(field_name="is_late", help_text="Submitted late or not.")

    class Meta:
        model = Scorecard
        fields = ["period", "year", "quarter", "branch", "status", "late"]

    def filter_period(self, cards: QuerySet[Scorecard], name: str, value: tuple[int, int]) -> QuerySet[Scorecard]:
        year, quarter = value
        return cards.filter(year=year, quarter=quarter)


class FindingFilter(filters.FilterSet):
    branch = UnitFilter(
        units=lambda request: abilities.units_for(request.user, "scorecard.view"),
        via="scorecard__branch__path",
        help_text="A unit you may see: the findings of its whole subtree.",
    )
    scorecard = IntegerFilter(field_name="scorecard_id", min_value=1, max_value=MAX_ID)
    year = IntegerFilter(field_name="scorecard__year", min_value=2000, max_value=2100)
    quarter = IntegerFilter(field_name="scorecard__quarter", min_value=1, max_value=4)
    article = filters.CharFilter(field_name="article__code", max_length=16, help_text="An article code.")
    # Left empty (?severity=), a filter is not applied, as on the web page.
    severity = filters.ChoiceFilter(choices=Severity.choices)

    class Meta:
        model = Finding
        fields = ["branch", "scorecard", "year", "quarter", "article", "severity"]


class RectificationFilter(filters.FilterSet):
    branch = UnitFilter(
        units=lambda request: abilities.units_for(request.user, "scorecard.view"),
        help_text="A unit you may see: the items of its whole subtree.",
    )
    # Left empty (?status=), a filter is not applied, as on the web page.
    status = filters.ChoiceFilter(choices=RectificationStatus.choices)
    overdue = BooleanFilter(method="filter_overdue", help_text="Only items past their deadline and not closed.")
    owner = IntegerFilter(field_name="owner_id", min_value=1, max_value=MAX_ID, help_text="The owner's user id.")
    mine = BooleanFilter(method="filter_mine", allow_null=False, help_text="Only the items you own.")
    article = filters.CharFilter(field_name="article_code", max_length=16, help_text="An article code.")

    class Meta:
        model = RectificationItem
        fields = ["branch", "status", "overdue", "owner", "mine", "article"]

    def filter_overdue(self, items: QuerySet[RectificationItem], name: str, value: bool) -> QuerySet[RectificationItem]:
        late = Q(deadline__lt=timezone.localdate()) & ~Q(status=RectificationStatus.CLOSED)
        return items.filter(late if value else ~late)

    def filter_mine(self, items: QuerySet[RectificationItem], name: str, value: bool) -> QuerySet[RectificationItem]:
        return items.filter(owner=self.request.user) if value else items


class GradeFilter(filters.FilterSet):
    branch = UnitFilter(
        units=lambda request: abilities.units_for(request.user, "scorecard.view"),
        help_text="A unit you may see: the grades of the branches of its whole subtree.",
    )
    year = IntegerFilter(min_value=2000, max_value=2100)
    quarter = IntegerFilter(min_value=1, max_value=4)
    # Left empty (?grade=), a filter is not applied.
    grade = filters.ChoiceFilter(choices=Grade.choices)

    class Meta:
        model = Scorecard
        fields = ["branch", "year", "quarter", "grade"]


YEAR_ORDERINGS = ["code", "-code", "year_score", "-year_score"]


class YearGradeFilter(filters.FilterSet):
    """The year grades' query parameters; the rows are computed (``year_scores``), so the
    FilterSet reads and checks them and the view applies them."""

    branch = UnitFilter(
        units=lambda request: abilities.units_for(request.user, "scorecard.view"),
        method="_computed",
        help_text="A unit you may see: its branches; every branch you may see if left out.",
    )
    year = IntegerFilter(min_value=2000, max_value=2100, method="_computed", help_text="This year if left out.")
    grade = filters.ChoiceFilter(choices=Grade.choices, method="_computed", help_text="Year grade.")
    ordering = filters.ChoiceFilter(
        choices=[(value, value) for value in YEAR_ORDERINGS],
        method="_computed",
        help_text="By branch code (the default), or by year score (branches without one last).",
    )

    def _computed(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        return queryset
