"""Celery jobs of the notifications app: thin, each safe to run twice."""

from celery import shared_task

from config.jobs import IDEMPOTENT


@shared_task(bind=True, ignore_result=True, max_retries=None, **IDEMPOTENT)
def deliver(self, delivery_id: int) -> str:
    """Sends one delivery. A failure to retry comes back after its backoff through Celery
    (with a broker) and, in any case, through the sweeper once its time has come."""
    from .services import delivery_send

    outcome = delivery_send(delivery_id=delivery_id)
    if outcome.status == "retrying" and not self.app.conf.task_always_eager:
        raise self.retry(countdown=outcome.retry_in)
    return outcome.status


@shared_task(**IDEMPOTENT)
def sweep_deliveries() -> dict[str, int]:
    from .services import deliveries_sweep

    return deliveries_sweep()
