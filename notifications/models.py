"""Messages, their deliveries, the organisations' group robots and each person's choices.

A ``Message`` is one event told once (its text rendered from the templates when it is
made, so the log shows what was sent). A ``Delivery`` is that message to one recipient on
one channel: a person (in-app, e-mail, text message) or a group robot. Each delivery is
claimed by one job with a conditional UPDATE and sent once.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branches.models import Organisation

from .events import Channel, Event


def absolute_url(path: str) -> str:
    """A link a group chat or a mail reader can open: SITE_URL + the page's path."""
    if not path or "://" in path:
        return path
    return settings.SITE_URL.rstrip("/") + path


class Message(models.Model):
    event = models.CharField(_("event"), max_length=24, choices=Event.choices)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="messages"
    )
    # What makes the message once only (``sheet:42``): a sender that runs twice tells once.
    key = models.CharField(max_length=80, null=True, blank=True, unique=True)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    markdown = models.TextField(blank=True)
    html = models.TextField(blank=True)
    link = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def absolute_link(self) -> str:
        return absolute_url(self.link)


class RobotKind(models.TextChoices):
    WECOM = Channel.WECOM.value, Channel.WECOM.label
    DINGTALK = Channel.DINGTALK.value, Channel.DINGTALK.label


class Robot(models.Model):
    """A WeCom or DingTalk group robot an administrator set up for an organisation. The
    webhook address and the signing secret are stored encrypted (``notifications.secrets``)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="robots")
    kind = models.CharField(_("kind"), max_length=12, choices=RobotKind.choices)
    name = models.CharField(_("name"), max_length=60)
    url_encrypted = models.TextField()
    secret_encrypted = models.TextField(blank=True)
    # What can be shown of the address: its host and last characters.
    url_hint = models.CharField(max_length=120)
    include_below = models.BooleanField(
        _("also for the units below"),
        default=False,
        help_text=_("Messages about the units below this one also go to this group."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("group robot")
        verbose_name_plural = _("group robots")
        ordering = ["organisation", "kind", "name", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.name}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    SENDING = "sending", _("Sending")
    RETRYING = "retrying", _("Retrying")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Delivery(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("recipient"),
    )
    robot = models.ForeignKey(Robot, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries")
    # The address as it was when the message was made (an e-mail address, a phone number).
    address = models.CharField(max_length=254, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # Set by the one job that claims the row (a conditional UPDATE); see services.delivery_send.
    claim = models.CharField(max_length=32, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    error = models.CharField(_("reason"), max_length=500, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-pk"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["recipient", "channel", "read_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["message", "channel", "recipient"],
                condition=models.Q(recipient__isnull=False),
                name="delivery_once_per_person",
            ),
            models.UniqueConstraint(
                fields=["message", "robot"], condition=models.Q(robot__isnull=False), name="delivery_once_per_robot"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.message_id} {self.channel} {self.status}"

    @property
    def to_display(self) -> str:
        if self.robot_id:
            return str(self.robot)
        return str(self.recipient) if self.recipient_id else self.address


class Preference(models.Model):
    """A person's choice for one event on one channel (no row: the event's default)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    event = models.CharField(max_length=24, choices=Event.choices)
    channel = models.CharField(max_length=12, choices=Channel.choices)
    enabled = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "event", "channel"], name="preference_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.event} {self.channel} {self.enabled}"


class ChannelRule(models.Model):
    """What the committee requires for one event in one organisation and the units below it:
    the personal channels a person cannot turn off. The nearest rule above a unit wins; with
    none, the event's ``required`` in ``events.py``."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="channel_rules")
    event = models.CharField(_("event"), max_length=24, choices=Event.choices)
    # Channel values (of ``events.PERSONAL``); empty: nothing required.
    required = models.JSONField(_("required channels"), default=list, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("required channels")
        verbose_name_plural = _("required channels")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "event"], name="channel_rule_once"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.event} {self.required}"
