from django import forms
from django.utils.translation import gettext_lazy as _

from .models import DeliveryStatus, RobotKind


class RobotForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=RobotKind.choices)
    name = forms.CharField(
        label=_("Name of the group"), max_length=60, help_text=_("For example: the branch's work group.")
    )
    url = forms.URLField(
        label=_("Webhook address"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=_("Copied from the robot's settings in the group chat. Leave empty to keep the stored one."),
    )
    secret = forms.CharField(
        label=_("Signing secret (DingTalk)"),
        max_length=200,
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("The SEC… string of a DingTalk robot in signed mode. Leave empty to keep the stored one."),
    )
    clear_secret = forms.BooleanField(label=_("Remove the stored secret"), required=False)
    include_below = forms.BooleanField(
        label=_("Also for the units below"),
        required=False,
        help_text=_("Messages about the units below this one also go to this group."),
    )
    is_active = forms.BooleanField(label=_("In use"), required=False, initial=True)


class LogFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("All")), *DeliveryStatus.choices], required=False)
    page = forms.IntegerField(min_value=1, max_value=100000, required=False)
