"""Who may set up an organisation's notification channels and read its delivery log."""

from django.utils.translation import gettext_lazy as _

from branches.abilities import define, organisation_of
from branches.models import Organisation, Role

from .models import ChannelRule, Robot

organisation_of(Robot, lambda robot: robot.organisation)
organisation_of(ChannelRule, lambda rule: rule.organisation)

define(
    "notifications.configure",
    (Role.ADMINISTRATOR,),
    on=Organisation,
    label=_("Set up the group robots"),
)
define("notifications.log", (Role.ADMINISTRATOR,), on=Organisation, label=_("Read the delivery log"))
define(
    "notifications.require",
    (Role.ADMINISTRATOR,),
    on=Organisation,
    label=_("Set the channels the committee requires"),
)
