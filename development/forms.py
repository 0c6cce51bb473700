"""Page input of the development files: opening a file, recording a step (only the fields the
step takes: the notice's end date, the two people it names), closing a file."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.forms import DateInput
from members.models import Gender, Member

from .stages import StepKind


class PersonField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Member) -> str:
        return obj.name


class CandidateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=50)
    gender = forms.ChoiceField(label=_("Gender"), choices=Gender.choices)
    birth_date = forms.DateField(label=_("Birth date"), widget=DateInput())
    id_number = forms.CharField(label=_("ID number"), max_length=18, help_text=_("18 characters."))
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    applied_on = forms.DateField(
        label=_("Application date"), widget=DateInput(), help_text=_("The date on the application for membership.")
    )


PEOPLE_LABELS = {
    StepKind.ACTIVIST: (
        _("First contact"),
        _("Second contact"),
        _("Two members of the branch who guide the activist."),
    ),
    StepKind.SPONSORS: (_("First sponsor"), _("Second sponsor"), _("Two full members of the branch.")),
}


class StepForm(forms.Form):
    on = forms.DateField(label=_("Date"), widget=DateInput())
    ends_on = forms.DateField(label=_("Last day of the notice"), widget=DateInput(), required=False)
    person_1 = PersonField(queryset=Member.objects.none(), label=_("First person"), required=False)
    person_2 = PersonField(queryset=Member.objects.none(), label=_("Second person"), required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, kind: str, people: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        if kind == StepKind.PUBLICITY:
            self.fields["on"].label = _("First day of the notice")
            self.fields["ends_on"].required = True
            self.fields["ends_on"].help_text = _("At least five working days.")
        else:
            del self.fields["ends_on"]
        if kind in PEOPLE_LABELS:
            first, second, help_text = PEOPLE_LABELS[kind]
            for name, label in (("person_1", first), ("person_2", second)):
                self.fields[name].queryset = people
                self.fields[name].label = label
                self.fields[name].required = True
            self.fields["person_2"].help_text = help_text
        else:
            del self.fields["person_1"], self.fields["person_2"]
        if not self.is_bound:
            self.initial.setdefault("on", timezone.localdate())

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        people = [data[name] for name in ("person_1", "person_2") if data.get(name)]
        return {"on": data["on"], "ends_on": data.get("ends_on"), "people": people, "note": data.get("note", "")}


class CloseForm(forms.Form):
    on = forms.DateField(label=_("Closed on"), widget=DateInput())
    reason = forms.CharField(label=_("Why the file is closed"), max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("on", timezone.localdate())
