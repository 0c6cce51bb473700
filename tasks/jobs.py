"""Celery jobs of the tasks app. The module is ``jobs.py``, not ``tasks.py``: this app is
called ``tasks`` and Celery's autodiscovery looks for ``<app>.jobs`` (config/celery_app.py).
Thin: each takes plain values, calls a service and is safe to run twice."""

import datetime as dt

from celery import shared_task

from config.jobs import IDEMPOTENT

from . import services
from .periods import local_today
from .tallies import overdue_advance


def _day(on: str | None) -> dt.date:
    return dt.date.fromisoformat(on) if on else local_today()


@shared_task(**IDEMPOTENT)
def generate_tasks(on: str | None = None) -> int:
    """Today's periods of every frequency (Asia/Shanghai), for every active branch."""
    return services.tasks_generate(first=_day(on))


@shared_task(**IDEMPOTENT)
def send_reminder_sheets(kind: str, on: str | None = None) -> dict[str, int]:
    result = services.reminders_send(kind=kind, on=_day(on))
    return {"created": result.created, "sent": result.sent}


@shared_task(**IDEMPOTENT)
def advance_overdue_tallies(on: str | None = None) -> int:
    """The dashboard's overdue counts of the quarter that holds today (Asia/Shanghai) moved to
    today, so that its read needs no per-date row; returns the rows moved (0 when run again)."""
    return overdue_advance(today=_day(on))
