from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branches.models import Organisation
from config.forms import DateInput, add_service_errors  # noqa: F401 - views import them from here

from .models import Category, Member, MemberStatus
from .services import CONTACT_FIELDS, EDITABLE_FIELDS, PLAIN_STATUSES


class MemberForm(forms.ModelForm):
    class Meta:
        model = Member
        fields = list(EDITABLE_FIELDS)
        widgets = {"birth_date": DateInput(), "joined_on": DateInput(), "full_member_on": DateInput()}

    def _post_clean(self) -> None:
        # Model validation (uniqueness, cross-field rules) runs in the service, in one place.
        pass


class MemberCreateForm(MemberForm):
    branch = forms.ModelChoiceField(queryset=Organisation.objects.none(), label=_("Branch"))

    def __init__(self, *args: object, branches: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = branches
        self.order_fields(["branch", *EDITABLE_FIELDS])


class ContactForm(forms.ModelForm):
    """What a secretary may keep up to date for a member of their own branch."""

    class Meta:
        model = Member
        fields = list(CONTACT_FIELDS)

    def _post_clean(self) -> None:
        pass


class TransferForm(forms.Form):
    ACTIONS = [
        ("transfer", _("Transfer to another branch (or back in after a transfer out)")),
        ("transfer_out", _("Transfer out of the organisation (转出)")),
        ("flowing", _("Mark as flowing (流动党员)")),
        ("return", _("Back from flowing")),
        ("status", _("Change status")),
    ]
    action = forms.ChoiceField(label=_("Action"), choices=ACTIONS, widget=forms.RadioSelect)
    to_branch = forms.ModelChoiceField(queryset=Organisation.objects.none(), label=_("To branch"), required=False)
    status = forms.ChoiceField(
        label=_("New status"),
        required=False,
        choices=[("", "—")] + [(s.value, s.label) for s in PLAIN_STATUSES],
    )
    flowing_to = forms.CharField(label=_("Where the member works now"), max_length=200, required=False)
    on = forms.DateField(label=_("Date"), widget=DateInput(), initial=timezone.localdate)
    reason = forms.CharField(
        label=_("Reason"), max_length=200, required=False, help_text=_("For a transfer out: where to.")
    )

    def __init__(self, *args: object, targets: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_branch"].queryset = targets

    def clean(self) -> dict[str, object]:
        data = super().clean()
        action = data.get("action")
        if action == "transfer" and not data.get("to_branch"):
            self.add_error("to_branch", _("Choose the branch."))
        if action == "flowing" and not (data.get("flowing_to") or "").strip():
            self.add_error("flowing_to", _("Say where the flowing member works now."))
        if action == "status" and not data.get("status"):
            self.add_error("status", _("Choose the new status."))
        return data


class TransferAllForm(forms.Form):
    to_branch = forms.ModelChoiceField(queryset=Organisation.objects.none(), label=_("To branch"))
    on = forms.DateField(label=_("Date"), widget=DateInput(), initial=timezone.localdate)
    reason = forms.CharField(label=_("Reason"), max_length=200)

    def __init__(self, *args: object, targets: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_branch"].queryset = targets


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Roster file (.xlsx)"))


class RosterFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"), required=False, help_text=_("Name, phone or the last four characters of the ID number")
    )
    category = forms.ChoiceField(label=_("Category"), required=False, choices=[("", _("All")), *Category.choices])
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All")), *MemberStatus.choices])
    branch = forms.ModelChoiceField(
        label=_("Branch"), required=False, queryset=Organisation.objects.none(), empty_label=_("All")
    )

    def __init__(self, *args: object, branches: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = branches
