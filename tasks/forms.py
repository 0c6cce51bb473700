from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from config.forms import DateInput, IdsChoiceField, add_service_errors  # noqa: F401 - views import them from here

from .evidence import ACCEPT, KINDS
from .models import Quality


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field; each is checked by the service (type, size)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data: object, initial: object = None) -> list:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


class CompleteForm(forms.Form):
    note = forms.CharField(
        label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000
    )
    files = MultipleFileField(
        label=_("Evidence files"),
        required=False,
        help_text=format_lazy(_("{kinds}; several at once."), kinds=KINDS),
    )


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(queryset=None, label=_("Assign to"), required=False)  # type: ignore[arg-type]

    def __init__(self, *args: object, people: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = people  # type: ignore[attr-defined]


class CheckForm(forms.Form):
    quality = forms.ChoiceField(label=_("Quality"), choices=Quality.choices)
    comment = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class TextForm(forms.Form):
    text = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class RequestForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=100)
    what = forms.CharField(label=_("What to do"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)
    standard = forms.CharField(
        label=_("Standard (to what degree)"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=5000
    )
    due_on = forms.DateField(label=_("Deadline"), widget=DateInput())
    branches = IdsChoiceField(
        queryset=None,  # type: ignore[arg-type]
        label=_("Branches"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen: every active branch below."),
    )

    def __init__(self, *args: object, branches: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["branches"].queryset = branches  # type: ignore[attr-defined]
