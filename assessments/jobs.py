"""Celery jobs of the assessments app: thin wrappers that take an id and call a service."""

from celery import shared_task


@shared_task(ignore_result=True)
def make_feedback_sheet(scorecard_id: int) -> None:
    from .services.feedback import feedback_sheet_store

    feedback_sheet_store(scorecard_id=scorecard_id)
