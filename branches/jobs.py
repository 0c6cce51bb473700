"""Celery jobs of the foundation (thin: each calls a service)."""

from celery import shared_task

from . import housekeeping


@shared_task
def purge_expired_sessions() -> dict[str, int]:
    return housekeeping.purge_expired()
