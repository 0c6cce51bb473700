"""The assessments pages' input: the scorecard line, its evidence file, and the rectification
item's report, owner and verification. Each form says what is wrong next to the field that
caused it; the services still decide everything that needs the database (the card's state,
who may own an item)."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from config.forms import add_service_errors  # noqa: F401 - the views import it from here
from config.request_values import MAX_ID, is_ascii_digits, parse_id, parse_int
from tasks.evidence import ACCEPT, KINDS, MAX_FILES, checked_type
from tasks.forms import MultipleFileField

from ..models import ScorecardLine
from ..services.scorecards import MAX_COUNT

TEXT_MAX = 2000
COUNT_PREFIX = "count-"


class CountField(forms.CharField):
    """How often a deduction rule applies: ASCII digits only ("²" and "١" are refused, which
    ``int()`` would take), 0 to ``MAX_COUNT``; empty is 0."""

    def to_python(self, value: Any) -> int:  # type: ignore[override]
        text = super().to_python(value) or "0"
        if not is_ascii_digits(text, max_digits=6):
            raise ValidationError(_("A count must be a whole number."), code="invalid")
        count = int(text)
        if count > MAX_COUNT:
            raise ValidationError(_("A count must be between 0 and %(max)d.") % {"max": MAX_COUNT}, code="max")
        return count


class LineForm(forms.Form):
    """One line of the branch's side: a count per deduction rule of the line's article, the
    note and the evidence text, and the line's version as the page read it. A text field not
    posted at all is ``None`` in ``cleaned_data``: the line keeps what it has."""

    line_version = forms.CharField(required=False, widget=forms.HiddenInput)
    note = forms.CharField(label=_("Note"), required=False, max_length=TEXT_MAX, widget=forms.Textarea)
    evidence = forms.CharField(label=_("Evidence"), required=False, max_length=TEXT_MAX, widget=forms.Textarea)

    def __init__(self, *args: Any, line: ScorecardLine, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.line = line
        for rule in line.article.deductions.all():
            self.fields[f"{COUNT_PREFIX}{rule.pk}"] = CountField(required=False, label=rule.description)

    def clean_line_version(self) -> int:
        try:
            return parse_int(self.cleaned_data["line_version"], min_value=0, max_value=MAX_ID)
        except ValidationError:
            raise ValidationError(_("The form is missing the line's version: reload the page.")) from None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        # A count under a name that is no rule of this article (count-², count-<another's rule>)
        # is refused, as the service refuses it: nothing would say what it counts.
        foreign = [key for key in self.data if key.startswith(COUNT_PREFIX) and key not in self.fields]
        if foreign:
            raise ValidationError(_("That deduction rule does not belong to this article."), code="foreign_rule")
        for name in ("note", "evidence"):
            if name not in self.data:
                cleaned[name] = None
        return cleaned

    def counts(self) -> dict[int, int]:
        """Rule id → count, for every rule posted (a rule not posted is not applied)."""
        return {
            int(name[len(COUNT_PREFIX) :]): value
            for name, value in self.cleaned_data.items()
            if name.startswith(COUNT_PREFIX) and name in self.data
        }

    def all_messages(self) -> str:
        """Every error of the form in one sentence, for the page's script (it shows it on the line)."""
        return " ".join(message for errors in self.errors.values() for message in errors)

    def count_errors(self) -> dict[int, str]:
        return {
            int(name[len(COUNT_PREFIX) :]): " ".join(errors)
            for name, errors in self.errors.items()
            if name.startswith(COUNT_PREFIX)
        }


def _checked_files(files: list[Any]) -> list[Any]:
    """The product's one evidence rule, on each file, before anything is stored."""
    if len(files) > MAX_FILES:
        raise ValidationError(_("At most %(n)d files at a time.") % {"n": MAX_FILES})
    errors = []
    for upload in files:
        try:
            checked_type(upload)
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    return files


class EvidenceUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Evidence file"),
        error_messages={"required": _("Choose a file."), "empty": _("Choose a file.")},
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )

    def clean_file(self) -> Any:
        return _checked_files([self.cleaned_data["file"]])[0]


class ItemForm(forms.Form):
    """The item page holds three forms: each names its fields' ids apart (``report-owner``,
    ``assign-owner``) while posting the plain names."""

    id_prefix = "item"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{self.id_prefix}-%s")
        super().__init__(*args, **kwargs)


class OwnerField(forms.CharField):
    """The id of a user picked from the list (empty: nobody); the service decides whether they
    may own the item."""

    def to_python(self, value: Any) -> int | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        owner_id = parse_id(text)
        if owner_id is None:
            raise ValidationError(_("Choose the owner from the list."), code="invalid")
        return owner_id


class ReportForm(ItemForm):
    """The branch reports what it did: the texts, the evidence files (each checked here, so a
    refused file is named beside the file field), perhaps another owner."""

    id_prefix = "report"

    owner = OwnerField(label=_("Owner"), required=False)
    action_taken = forms.CharField(
        label=_("What was done"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say what was done.")},
    )
    evidence = forms.CharField(
        label=_("Evidence"), required=False, max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )
    files = MultipleFileField(
        # Not "Evidence files": in Chinese that reads as the text field's 佐证材料 above it.
        label=_("Attach evidence files"),
        required=False,
        help_text=format_lazy(_("{kinds}; several at once."), kinds=KINDS),
    )

    def clean_files(self) -> list[Any]:
        return _checked_files(self.cleaned_data.get("files") or [])


class AssignForm(ItemForm):
    id_prefix = "assign"
    owner = OwnerField(label=_("Who works this item off"), required=False)


class VerifyForm(ItemForm):
    id_prefix = "verify"
    decision = forms.ChoiceField(
        choices=[("close", _("Verify and close")), ("send_back", _("Send back"))],
        error_messages={"required": _("Choose to close the item or to send it back.")},
    )
    reason = forms.CharField(
        label=_("Reason (when sending back)"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("decision") == "send_back" and not cleaned.get("reason"):
            self.add_error("reason", _("Say why the item is sent back."))
        return cleaned
