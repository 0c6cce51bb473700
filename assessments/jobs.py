"""Celery jobs of the assessments app: thin wrappers that take an id and call a service."""

from celery import shared_task

from config.jobs import IDEMPOTENT


@shared_task(ignore_result=True, **IDEMPOTENT)
def make_feedback_sheet(scorecard_id: int) -> None:
    from .services.feedback import feedback_sheet_store

    feedback_sheet_store(scorecard_id=scorecard_id)


@shared_task(**IDEMPOTENT)
def sweep_feedback_sheets() -> dict[str, int]:
    """Sends again the feedback sheets left waiting, takes back those of dead jobs."""
    from .services.feedback import feedback_sheets_sweep

    return feedback_sheets_sweep()
