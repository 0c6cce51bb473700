"""The event registry: every kind of message the platform sends, in one table.

Each event names its templates (``templates/notifications/<event>.*``), the channels a
person gets it on unless they choose otherwise, the channels the committee requires (a
person cannot turn those off), and whether it also goes to the organisation's group robots
(WeCom / DingTalk). A sender only says ``notify(recipients, Event.X, context)``.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Event(models.TextChoices):
    SHEET = "sheet", _("Reminder sheet made")
    SUPERVISION = "supervision", _("Task under supervision")
    SUPERVISION_REPLY = "supervision_reply", _("Supervision answered")
    REQUIREMENT = "requirement", _("Work requirement")
    RECTIFICATION_DUE = "rectification_due", _("Rectification due soon")
    RECTIFICATION_OVERDUE = "rectification_overdue", _("Rectification overdue")
    FEEDBACK_READY = "feedback_ready", _("Feedback sheet ready")
    SCORECARD_DEADLINE = "scorecard_deadline", _("Scorecard deadline approaching")
    REVIEW_RETURNED = "review_returned", _("Scorecard returned")
    IMPORT_FINISHED = "import_finished", _("Roster import finished")
    IMPORT_FAILED = "import_failed", _("Roster import failed")
    DUES_ARREARS = "dues_arrears", _("A member's dues in arrears")
    DUES_ARREARS_OWN = "dues_arrears_own", _("My dues in arrears")
    DEVELOPMENT_DEADLINE = "development_deadline", _("A development file's deadline approaching")
    TEST = "test", _("Test message")


class Channel(models.TextChoices):
    IN_APP = "in_app", _("In the platform")
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("Text message")
    WECOM = "wecom", _("WeCom group robot")
    DINGTALK = "dingtalk", _("DingTalk group robot")


# Channels that reach one person (chosen per person); the robots reach a group chat.
PERSONAL = (Channel.IN_APP, Channel.EMAIL, Channel.SMS)
ROBOTS = (Channel.WECOM, Channel.DINGTALK)


@dataclass(frozen=True)
class EventSpec:
    event: str
    # What a person gets unless they choose otherwise.
    default: tuple[str, ...] = (Channel.IN_APP, Channel.EMAIL)
    # What the committee requires: a person cannot turn these off.
    required: tuple[str, ...] = (Channel.IN_APP,)
    # Whether the message also goes to the organisation's group robots.
    to_groups: bool = True


REGISTRY: dict[str, EventSpec] = {
    spec.event: spec
    for spec in (
        EventSpec(Event.SHEET),
        EventSpec(Event.SUPERVISION, required=(Channel.IN_APP, Channel.EMAIL)),
        EventSpec(Event.SUPERVISION_REPLY, to_groups=False),
        EventSpec(Event.REQUIREMENT, required=(Channel.IN_APP, Channel.EMAIL)),
        EventSpec(Event.RECTIFICATION_DUE),
        EventSpec(Event.RECTIFICATION_OVERDUE, required=(Channel.IN_APP, Channel.EMAIL)),
        EventSpec(Event.FEEDBACK_READY),
        EventSpec(Event.SCORECARD_DEADLINE),
        EventSpec(Event.REVIEW_RETURNED),
        EventSpec(Event.IMPORT_FINISHED, default=(Channel.IN_APP,), to_groups=False),
        EventSpec(Event.IMPORT_FAILED, to_groups=False),
        # A person's arrears are not for a group chat: the secretaries, and the member in-app.
        EventSpec(Event.DUES_ARREARS, to_groups=False),
        EventSpec(Event.DUES_ARREARS_OWN, default=(Channel.IN_APP,), to_groups=False),
        # A candidate's file is not for a group chat: the branch's secretaries only.
        EventSpec(Event.DEVELOPMENT_DEADLINE, to_groups=False),
        EventSpec(Event.TEST, default=(), required=(), to_groups=True),
    )
}


def spec_of(event: str) -> EventSpec:
    try:
        return REGISTRY[event]
    except KeyError:
        raise LookupError(f"no notification event {event!r}: add it to notifications/events.py") from None


# The events a person may choose channels for (the test message is for robots only).
CHOOSABLE = tuple(e for e in Event.values if e != Event.TEST)
