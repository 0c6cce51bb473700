"""Forms of the 核标 assessment plan (who is checked this quarter) and the 优标 upgrade plan's targets."""

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from config.request_values import MAX_ID, parse_decimal, parse_int, parse_quarter

from ..desk import quarter_label
from ..models import PlanKind
from ..services.scorecards import current_quarter
from .cards import TEXT_MAX
from .review import IdField

DEFAULT_SAMPLE = 30


def plan_quarters(around: tuple[int, int] | None = None) -> list[tuple[str, str]]:
    """The quarters a plan is drawn for, in words: the year before the current quarter to the
    year after it, newest first (the value posted stays the code, 2026Q3)."""
    year, quarter = around or current_quarter()
    index = year * 4 + quarter - 1
    return [(f"{i // 4}Q{i % 4 + 1}", quarter_label(i // 4, i % 4 + 1)) for i in range(index + 4, index - 5, -1)]


class QuarterField(forms.CharField):
    """A quarter picked from the list; any ``YYYYQn`` from 2000 to 2100 is taken."""

    def to_python(self, value: Any) -> tuple[int, int]:  # type: ignore[override]
        return parse_quarter(super().to_python(value))


class WholeNumberField(forms.CharField):
    """A whole number in ASCII digits within bounds; empty is ``empty`` ("²" is refused, which
    Django's IntegerField would read as 2)."""

    def __init__(self, *, min_value: int, max_value: int, empty: int | None, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.min_value, self.max_value, self.empty = min_value, max_value, empty

    def to_python(self, value: Any) -> int | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return self.empty
        return parse_int(text, min_value=self.min_value, max_value=self.max_value)


class PlanForm(forms.Form):
    """Draw a plan. ``org`` is checked by the view (a unit outside the user's reach is a 404)."""

    org = IdField(label=_("Unit"))
    quarter = QuarterField(label=_("Quarter"), widget=forms.Select)
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=PlanKind.choices,
        required=False,
        initial=PlanKind.QUARTERLY,
        error_messages={"invalid_choice": _("Choose the kind of check from the list.")},
    )
    sample_percent = WholeNumberField(
        label=format_lazy("{} (%)", _("Sample of non-key units")),
        min_value=0,
        max_value=100,
        empty=DEFAULT_SAMPLE,
        initial=DEFAULT_SAMPLE,
        widget=forms.NumberInput(attrs={"min": 0, "max": 100}),
    )
    seed = WholeNumberField(
        label=_("Random seed (empty: a new one)"),
        min_value=-MAX_ID - 1,
        max_value=MAX_ID,
        empty=None,
        widget=forms.NumberInput,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_plan_%s")
        super().__init__(*args, **kwargs)
        choices = plan_quarters()
        typed = self.data.get("quarter") if self.is_bound else None
        # A quarter typed outside the list (an old plan redrawn) stays selected as posted.
        if typed and typed not in dict(choices):
            try:
                choices.insert(0, (typed, quarter_label(*parse_quarter(typed))))
            except ValidationError:
                choices.insert(0, (typed, typed))
        self.fields["quarter"].widget.choices = choices
        self.fields["quarter"].initial = "{}Q{}".format(*current_quarter())

    def clean_kind(self) -> str:
        return self.cleaned_data["kind"] or PlanKind.QUARTERLY


class TargetScoreField(forms.CharField):
    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        return parse_decimal(
            text,
            max_digits=5,
            decimal_places=2,
            min_value=0,
            max_value=100,
            message=str(_("The target score must be a number from 0 to 100.")),
        )


class UpgradeTargetForm(forms.Form):
    """One weak article's measures, progress, target score and whether it is done; the ids
    carry the target's pk, as the page holds one form per target."""

    action = forms.CharField(
        label=_("Measures"), required=False, max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )
    progress = forms.CharField(
        label=_("Progress"), required=False, max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )
    target_score = TargetScoreField(
        label=_("Target score"),
        required=False,
        widget=forms.NumberInput(attrs={"step": "0.5", "min": 0, "max": 100, "inputmode": "decimal"}),
    )
    done = forms.BooleanField(label=_("done"), required=False)

    def __init__(self, *args: Any, target_pk: int, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"id_target_{target_pk}_%s")
        super().__init__(*args, **kwargs)
