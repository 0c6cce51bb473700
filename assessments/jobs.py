"""Celery jobs of the assessments app: thin wrappers that take an id and call a service."""

from celery import shared_task

from config.jobs import IDEMPOTENT


@shared_task(ignore_result=True, **IDEMPOTENT)
def make_feedback_sheet(scorecard_id: int) -> None:
    from .services.feedback import feedback_sheet_store
    from .services.notices import feedback_ready

    # Only the job that made the sheet tells the branch (a second run makes nothing).
    if feedback_sheet_store(scorecard_id=scorecard_id):
        feedback_ready(scorecard_id=scorecard_id)


@shared_task(**IDEMPOTENT)
def sweep_feedback_sheets() -> dict[str, int]:
    """Sends again the feedback sheets left waiting, takes back those of dead jobs."""
    from .services.feedback import feedback_sheets_sweep

    return feedback_sheets_sweep()


@shared_task(**IDEMPOTENT)
def send_deadline_reminders(on: str | None = None) -> dict[str, int]:
    """Each morning: scorecard deadlines approaching, rectification items due or overdue.
    Each is told once (keyed), however often this runs."""
    import datetime as dt

    from django.utils import timezone

    from .services.notices import rectification_reminders, scorecard_deadline_reminders

    today = dt.date.fromisoformat(on) if on else timezone.localdate()
    return {
        "scorecards": scorecard_deadline_reminders(today=today),
        "rectification": rectification_reminders(today=today),
    }
