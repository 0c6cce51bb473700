"""Celery jobs of the development app: thin, each safe to run twice."""

from celery import shared_task

from config.jobs import IDEMPOTENT


@shared_task(**IDEMPOTENT)
def send_deadline_reminders(on: str | None = None) -> int:
    """Daily: the secretaries told of each file's coming deadline, once per deadline."""
    import datetime as dt

    from django.utils import timezone

    from .notices import deadline_reminders

    today = dt.date.fromisoformat(on) if on else timezone.localdate()
    return deadline_reminders(today=today)
