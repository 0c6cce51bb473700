import math

from django import forms
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_variables

from config.forms import DateInput

from . import services
from .models import ALLOWED_CHILDREN, Organisation, OrgKind, Role


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["code", "name", "kind", "work_unit", "is_key", "established_on"]
        widgets = {"established_on": DateInput()}

    def __init__(self, *args: object, parent: Organisation | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # The kind is fixed once created: a branch does not become a committee.
            del self.fields["kind"]
        elif parent is not None:
            # The model's own rules (which kind may sit below which) need the parent.
            self.instance.parent = parent
            allowed = ALLOWED_CHILDREN[parent.kind]
            self.fields["kind"].choices = [(k, label) for k, label in OrgKind.choices if k in allowed]


class MoveForm(forms.Form):
    new_parent = forms.ModelChoiceField(queryset=Organisation.objects.none(), label=_("Move below"))

    def __init__(self, *args: object, targets: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_parent"].queryset = targets


class DissolveForm(forms.Form):
    on = forms.DateField(label=_("Dissolved on"), widget=DateInput())
    reason = forms.CharField(label=_("Reason"), max_length=200)


class GrantRoleForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    full_name = forms.CharField(
        label=_("Full name"), max_length=50, required=False, help_text=_("Only for a new user.")
    )
    password = forms.CharField(
        label=_("Initial password"),
        required=False,
        widget=forms.PasswordInput,
        help_text=_("Only for a new user; they can change it after signing in."),
    )


class GuardedPasswordChangeForm(PasswordChangeForm):
    """Django's password-change form, its current password checked by
    ``services.current_password_check`` (a limited number of wrong ones, each recorded)."""

    @sensitive_variables("old_password")
    def clean_old_password(self) -> str:
        old_password = self.cleaned_data["old_password"]
        check = services.current_password_check(user=self.user, password=old_password)
        if check.locked_for.total_seconds() > 0:
            raise ValidationError(
                _(
                    "Too many wrong current passwords: your password cannot be changed for about "
                    "%(minutes)d more minutes."
                ),
                code="password_check_locked",
                params={"minutes": math.ceil(check.locked_for.total_seconds() / 60)},
            )
        if not check.right:
            raise ValidationError(self.error_messages["password_incorrect"], code="password_incorrect")
        return old_password
