"""Forms of the 核标 check record pages: what a reviewer types, checked before the services."""

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from branches.models import Organisation, User
from config.forms import IdsChoiceField

from ..models import CheckRecord, Method, PlanKind
from ..selectors import check_team_candidates

NOTE_WIDGET = forms.Textarea(attrs={"rows": 3, "maxlength": 2000})


class _UserChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return str(obj)


class _UsersChoice(IdsChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return str(obj)


class CheckRecordForm(forms.Form):
    version = forms.IntegerField(required=False, min_value=0, max_value=2**31 - 1, widget=forms.HiddenInput)
    leader = _UserChoice(queryset=User.objects.none(), label=_("Team leader"))
    team = _UsersChoice(
        queryset=User.objects.none(), label=_("Check team"), required=False, widget=forms.CheckboxSelectMultiple
    )
    started_on = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    ended_on = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    methods = forms.MultipleChoiceField(
        label=_("Methods used"), choices=Method.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    documents_notes = forms.CharField(
        label=_("Documents reviewed"), required=False, max_length=2000, widget=NOTE_WIDGET
    )
    site_visit_notes = forms.CharField(label=_("Site visit"), required=False, max_length=2000, widget=NOTE_WIDGET)
    report_notes = forms.CharField(label=_("Report heard"), required=False, max_length=2000, widget=NOTE_WIDGET)
    interview_notes = forms.CharField(label=_("Interviews"), required=False, max_length=2000, widget=NOTE_WIDGET)
    next_focus = forms.CharField(
        label=_("Focus of the next check"), required=False, max_length=2000, widget=NOTE_WIDGET
    )
    year_end_score = forms.DecimalField(
        label=_("Year-end check score"),
        required=False,
        max_digits=5,
        decimal_places=2,
        min_value=Decimal(0),
        max_value=Decimal(100),
    )

    def __init__(self, *args: Any, branch: Organisation, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        candidates = check_team_candidates(branch)
        self.fields["leader"].queryset = candidates
        self.fields["team"].queryset = candidates
        if kind != PlanKind.YEAR_END:
            del self.fields["year_end_score"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("started_on"), data.get("ended_on")
        if start and end and end < start:
            self.add_error("ended_on", _("The check cannot end before it starts."))
        return data

    @classmethod
    def initial_for(cls, record: CheckRecord | None, methods: list[str], today: Any, by: User) -> dict[str, Any]:
        if record is None:
            return {"leader": by.pk, "team": [by.pk], "started_on": today, "ended_on": today, "methods": methods}
        initial: dict[str, Any] = {
            "version": record.version,
            "leader": record.leader_id,
            "team": [u.pk for u in record.team.all()],
            "started_on": record.started_on,
            "ended_on": record.ended_on,
            "methods": record.methods,
            "year_end_score": record.year_end_score,
        }
        for field in ("documents_notes", "site_visit_notes", "report_notes", "interview_notes", "next_focus"):
            initial[field] = getattr(record, field)
        return initial


class WrittenScoreRowForm(forms.Form):
    person_name = forms.CharField(label=_("Name"), max_length=50, required=False)
    score = forms.DecimalField(
        label=_("Score"),
        required=False,
        max_digits=5,
        decimal_places=1,
        min_value=Decimal(0),
        max_value=Decimal(100),
        widget=forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        name, score = (data.get("person_name") or "").strip(), data.get("score")
        if name and score is None and "score" not in self.errors:
            self.add_error("score", _("Give this person's score."))
        if score is not None and not name:
            self.add_error("person_name", _("Give the name of the person who sat the test."))
        return data


WrittenScoresFormSet = forms.formset_factory(WrittenScoreRowForm, extra=2, max_num=200, absolute_max=200)


class GoodPracticeForm(forms.Form):
    title = forms.CharField(label=_("Good practice"), max_length=100)
    description = forms.CharField(
        label=pgettext_lazy("good practice", "What was done"), required=False, max_length=2000, widget=NOTE_WIDGET
    )


class DifficultyForm(forms.Form):
    text = forms.CharField(label=_("Difficulty or problem raised"), max_length=2000, widget=NOTE_WIDGET)


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("The committee's answer"), max_length=2000, widget=NOTE_WIDGET)
