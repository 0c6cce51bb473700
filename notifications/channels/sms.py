"""Text messages through a provider named in NOTIFY_SMS_PROVIDER (a dotted path to a class
with ``send(phone, text)``). No vendor is wired by default: without one, no text-message
delivery is made at all (``sms_available``)."""

from functools import cache
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from .base import DeliveryError


class SmsProvider(Protocol):
    def send(self, phone: str, text: str) -> None:
        """Send or raise (any exception is a failed attempt, retried)."""


@cache
def _provider_for(path: str) -> SmsProvider:
    return import_string(path)()


def provider() -> SmsProvider | None:
    path = getattr(settings, "NOTIFY_SMS_PROVIDER", "")
    return _provider_for(path) if path else None


def sms_available() -> bool:
    return bool(getattr(settings, "NOTIFY_SMS_PROVIDER", ""))


def send(delivery) -> None:
    chosen = provider()
    if chosen is None:
        raise DeliveryError("no text-message provider is configured", permanent=True)
    if not delivery.address:
        raise DeliveryError("no phone number", permanent=True)
    # Text messages are short: the title and the link.
    text = f"{delivery.message.title} {delivery.message.absolute_link}".strip()
    try:
        chosen.send(delivery.address, text[:300])
    except Exception as exc:  # a provider's own errors: retried, the reason kept
        raise DeliveryError(f"text message not sent: {exc}") from exc
