from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config.forms import IdsChoiceField

from .exchange import ParsedDeduction, parse_score
from .models import QUARTER_NAMES, Article, ChangeProposal, Edition, Part, ProposalField, clean_quarters

DEDUCTION_HELP = gettext_lazy(
    "One rule per line: description | points per occurrence | cap (the cap may be left out), "
    "e.g. “少开一次支委会 | 1 | 4”."
)


def deductions_to_text(article: Article) -> str:
    return "\n".join(
        f"{d.description} | {d.points.normalize()}" + (f" | {d.cap.normalize()}" if d.cap is not None else "")
        for d in article.deductions.all()
    )


def parse_deduction_lines(text: str) -> tuple[list[ParsedDeduction], list[str]]:
    rules: list[ParsedDeduction] = []
    errors: list[str] = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        cells = [c.strip() for c in line.split("|")]
        if len(cells) not in (2, 3) or not cells[0]:
            errors.append(_("Line %(n)d: write “description | points | cap”.") % {"n": n})
            continue
        points = parse_score(cells[1])
        cap = parse_score(cells[2]) if len(cells) == 3 and cells[2] else None
        if points is None or points <= 0:
            errors.append(_("Line %(n)d: the points must be a number above 0.") % {"n": n})
        elif len(cells) == 3 and cells[2] and (cap is None or cap < points):
            errors.append(_("Line %(n)d: the cap must be a number no smaller than the points.") % {"n": n})
        else:
            rules.append(ParsedDeduction(description=cells[0][:300], points=points, cap=cap))
    return rules, errors


QUARTER_CHOICES = [(str(q), name) for q, name in QUARTER_NAMES.items()]


class ArticleForm(forms.ModelForm):
    deductions_text = forms.CharField(
        label=gettext_lazy("Deduction rules"), widget=forms.Textarea(attrs={"rows": 4}), help_text=DEDUCTION_HELP
    )
    # Ticked quarters, stored as digits ("24"); none ticked: by the frequency.
    assessed_quarters = forms.MultipleChoiceField(
        label=gettext_lazy("assessed in quarters"),
        choices=QUARTER_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=Article._meta.get_field("assessed_quarters").help_text,
    )

    class Meta:
        model = Article
        fields = [
            "part",
            "code",
            "title",
            "line",
            "who_role",
            "what",
            "who",
            "how",
            "when",
            "frequency",
            "due_kind",
            "due_value",
            "assessed_quarters",
            "standard",
            "evidence",
            "example",
            "max_score",
        ]
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in ("what", "who", "how", "when", "standard")}
        widgets |= {"evidence": forms.Textarea(attrs={"rows": 2}), "example": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args: object, edition: Edition, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["part"].queryset = Part.objects.filter(edition=edition).order_by("number")
        if self.instance.pk and not self.is_bound:
            self.initial["deductions_text"] = deductions_to_text(self.instance)
            self.initial["assessed_quarters"] = list(self.instance.assessed_quarters)
        self.deduction_rules: list[ParsedDeduction] = []

    def clean_assessed_quarters(self) -> str:
        # The choices have been checked: only "1"–"4", each once.
        return clean_quarters(self.cleaned_data["assessed_quarters"]) or ""

    def clean_deductions_text(self) -> str:
        text = self.cleaned_data["deductions_text"]
        rules, errors = parse_deduction_lines(text)
        if errors:
            raise forms.ValidationError(errors)
        if not rules:
            raise forms.ValidationError(_("An article needs at least one deduction rule."))
        self.deduction_rules = rules
        return text

    def clean(self) -> dict:
        data = super().clean()
        max_score = data.get("max_score")
        if max_score is not None and any(r.cap is not None and r.cap > max_score for r in self.deduction_rules):
            self.add_error("deductions_text", _("A deduction cap cannot be above the article's max score."))
        return data

    def article_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class ProposalForm(forms.ModelForm):
    class Meta:
        model = ChangeProposal
        fields = ["field", "proposed_text", "reason"]
        widgets = {"proposed_text": forms.Textarea(attrs={"rows": 6}), "reason": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: object, new_article: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        if new_article:
            del self.fields["field"]
            self.fields["proposed_text"].label = _("The article you propose")
            self.fields["proposed_text"].help_text = _(
                "Title, what to do, who, how, when, to what degree, evidence, and how to score it."
            )
            self.fields["proposed_text"].widget.attrs["rows"] = 12
        else:
            self.fields["field"].choices = [
                (value, label) for value, label in self.fields["field"].choices if value != ProposalField.NEW_ARTICLE
            ]


class AcceptForm(forms.Form):
    draft = forms.ModelChoiceField(queryset=Edition.objects.none(), label=gettext_lazy("Into the draft"))
    reply = forms.CharField(label=gettext_lazy("Reply"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args: object, drafts: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["draft"].queryset = drafts


class DeclineForm(forms.Form):
    reply = forms.CharField(label=gettext_lazy("Reply"), widget=forms.Textarea(attrs={"rows": 2}))


# --- 明标 ------------------------------------------------------------------------------------


class DateInput(forms.DateInput):
    input_type = "date"


class ArticlesField(IdsChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: Article) -> str:
        return f"{obj.code} {obj.title}"


class StudyFocusForm(forms.Form):
    organisation = forms.ModelChoiceField(queryset=None, label=gettext_lazy("Published by (unit)"))
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(label=gettext_lazy("Quarter"), coerce=int, choices=list(QUARTER_NAMES.items()))
    articles = ArticlesField(queryset=None, label=gettext_lazy("Articles"))
    note = forms.CharField(label=gettext_lazy("Note"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: object, units: object, articles: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = units
        self.fields["articles"].queryset = articles


class TrainingForm(forms.Form):
    organisation = forms.ModelChoiceField(queryset=None, label=gettext_lazy("Organised by"))
    held_on = forms.DateField(label=gettext_lazy("Date"), widget=DateInput())
    topic = forms.CharField(label=gettext_lazy("Topic"), max_length=200)
    location = forms.CharField(label=gettext_lazy("Location"), max_length=200, required=False)
    articles = ArticlesField(queryset=None, label=gettext_lazy("Articles covered"))
    note = forms.CharField(label=gettext_lazy("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args: object, units: object, articles: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = units
        self.fields["articles"].queryset = articles


class DemonstrationForm(forms.Form):
    since = forms.DateField(label=gettext_lazy("Since"), widget=DateInput())
    note = forms.CharField(label=gettext_lazy("Note"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
