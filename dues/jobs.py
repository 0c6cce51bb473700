"""Celery jobs of the dues app: thin, each safe to run twice."""

from celery import shared_task

from config.jobs import IDEMPOTENT


@shared_task(**IDEMPOTENT)
def send_arrears_reminders(on: str | None = None) -> int:
    """Monthly: the members in arrears, told to their branch's secretaries and to themselves,
    once per member and month however often this runs."""
    import datetime as dt

    from django.utils import timezone

    from .notices import arrears_reminders

    today = dt.date.fromisoformat(on) if on else timezone.localdate()
    return arrears_reminders(today=today)
