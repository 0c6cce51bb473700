"""Forms of the reviewer's page (核标): a line's review counts and note, the methods and the
written-test score, a finding, the return to the branch, and the card's version the buttons post.
Each refusal is said beside its field; the services still decide what needs the database."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from config.forms import DateInput
from config.request_values import MAX_ID, parse_date_or_none, parse_decimal, parse_id, parse_int

from ..models import Method, ScorecardLine, Severity
from .cards import COUNT_PREFIX, TEXT_MAX, CountField

VERSION_MISSING = _("The form is missing the scorecard's version: reload the page.")
WRITTEN_SCORE_REFUSED = _("The written test score must be a number from 0 to 100, with at most one decimal place.")


class CardVersionField(forms.CharField):
    """The scorecard's version as the page read it (a hidden input): a stale page is refused by
    the service, a missing or mangled one here."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> int:  # type: ignore[override]
        try:
            return parse_int(super().to_python(value), min_value=0, max_value=MAX_ID)
        except ValidationError:
            raise ValidationError(VERSION_MISSING, code="version") from None


class VersionForm(forms.Form):
    """A button that only posts the card's version (complete the review, finalise, submit)."""

    version = CardVersionField()


class RuleCountsMixin:
    """A ``count-<rule id>`` field per deduction rule of a line's article. A count under a name
    that is no rule of this article (count-², count-<another's rule>) is refused, as the service
    refuses it: nothing would say what it counts. (The branch's LineForm does the same.)"""

    data: Any
    fields: dict[str, forms.Field]
    cleaned_data: dict[str, Any]
    errors: Any

    def add_count_fields(self, line: ScorecardLine) -> None:
        for rule in line.article.deductions.all():
            self.fields[f"{COUNT_PREFIX}{rule.pk}"] = CountField(required=False, label=rule.description)

    def refuse_foreign_counts(self) -> None:
        foreign = [key for key in self.data if key.startswith(COUNT_PREFIX) and key not in self.fields]
        if foreign:
            raise ValidationError(_("That deduction rule does not belong to this article."), code="foreign_rule")

    def counts(self) -> dict[int, int]:
        """Rule id → count, for every rule posted (a rule not posted is not applied)."""
        return {
            int(name[len(COUNT_PREFIX) :]): value
            for name, value in self.cleaned_data.items()
            if name.startswith(COUNT_PREFIX) and name in self.data
        }

    def count_errors(self) -> dict[int, str]:
        return {
            int(name[len(COUNT_PREFIX) :]): " ".join(errors)
            for name, errors in self.errors.items()
            if name.startswith(COUNT_PREFIX)
        }


class ReviewLineForm(RuleCountsMixin, forms.Form):
    """One line of the reviewer's side: a count per deduction rule and the reviewer's note."""

    version = CardVersionField()
    review_note = forms.CharField(
        label=_("Reviewer's note"), required=False, max_length=TEXT_MAX, widget=forms.Textarea
    )

    def __init__(self, *args: Any, line: ScorecardLine, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_count_fields(line)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self.refuse_foreign_counts()
        return cleaned

    def top_errors(self) -> list[str]:
        """What belongs to no one field: the version, a foreign rule, the service's refusal."""
        return [*self.non_field_errors(), *self.errors.get("version", [])]


class WrittenScoreField(forms.CharField):
    """0.0 to 100.0 with one decimal place at most: NaN, Infinity, 1e30 and "²" are not scores."""

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        return parse_decimal(
            text, max_digits=5, decimal_places=1, min_value=0, max_value=100, message=str(WRITTEN_SCORE_REFUSED)
        )


class ReviewDetailsForm(forms.Form):
    version = CardVersionField()
    methods = forms.MultipleChoiceField(
        label=_("Methods used"),
        choices=Method.choices,
        required=False,
        error_messages={"invalid_choice": _("Unknown assessment method.")},
    )
    written_test_score = WrittenScoreField(label=_("Written test score"), required=False)


class IdField(forms.CharField):
    """A primary key picked from a list; anything else is the field's ``invalid`` message."""

    default_error_messages = {"invalid": _("Choose from the list.")}

    def to_python(self, value: Any) -> int | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        found = parse_id(text)
        if found is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return found


class IsoDateField(forms.CharField):
    """A date from the browser's picker (2026-10-31); empty is none."""

    widget = DateInput

    def to_python(self, value: Any) -> dt.date | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        found = parse_date_or_none(text)
        if found is None:
            raise ValidationError(_("Enter a date like 2026-10-31."), code="invalid")
        return found


class FindingForm(forms.Form):
    """A problem the team found. The ids name the fields apart from the line forms' on the page."""

    article = IdField(
        label=_("Article"),
        error_messages={
            "required": _("Choose an article of this scorecard."),
            "invalid": _("Choose an article of this scorecard."),
        },
    )
    severity = forms.ChoiceField(
        label=_("Severity"),
        choices=Severity.choices,
        error_messages={"required": _("Choose a severity."), "invalid_choice": _("Choose a severity.")},
    )
    problem = forms.CharField(
        label=_("Problem found"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say what problem was found.")},
    )
    suggestion = forms.CharField(
        label=_("Rectification suggestion"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    rectify_by = IsoDateField(label=_("Rectify by"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_finding_%s")
        super().__init__(*args, **kwargs)


class ReturnForm(forms.Form):
    version = CardVersionField()
    reason = forms.CharField(
        label=_("Reason for return"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say why the scorecard is returned.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_return_%s")
        super().__init__(*args, **kwargs)
