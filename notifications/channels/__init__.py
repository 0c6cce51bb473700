"""One sender per channel. Each takes a delivery (with its message) and either returns or
raises ``DeliveryError``; ``permanent`` errors are not retried."""

from .base import DeliveryError, sender_for

__all__ = ["DeliveryError", "sender_for"]
