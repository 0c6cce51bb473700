"""Sending jobs to the broker without letting a broker outage fail the request.

Every job a request (or a sweeper) starts goes through ``enqueue``. The row the job will
read already says, in the same transaction, that work is waiting (an import ``queued``, a
final scorecard without its feedback sheet), so a message that cannot be sent is only late:
the app's periodic sweeper finds the row still waiting and sends it again.
"""

import logging
from typing import Any

from celery import Task
from django.db import transaction
from kombu.exceptions import OperationalError as KombuOperationalError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# What an unreachable or failing broker raises when a message is published. Celery wraps
# most of them in kombu's OperationalError; the others can come through its retries.
BROKER_ERRORS: tuple[type[BaseException], ...] = (
    KombuOperationalError,
    RedisConnectionError,
    RedisTimeoutError,
    ConnectionError,
    TimeoutError,
)

# Options of a job that may run twice: it claims its row with a conditional update, so a
# message redelivered after its worker process died (rather than acknowledged and lost,
# Celery's default) does no harm. See the README's "Periodic jobs".
IDEMPOTENT: dict[str, Any] = {"acks_late": True, "reject_on_worker_lost": True}


def send(task: Task, *args: object) -> bool:
    """Publishes the job now; False, logged, if the broker cannot take it.

    Without a broker (the embedded default) the job runs here, inline: its failure is
    logged rather than raised too, since the caller's work is already committed and the
    job leaves its row in a state the sweeper picks up again.
    """
    try:
        task.apply_async(args)
    except BROKER_ERRORS:
        logger.warning("job %s%r not sent: the broker is unreachable; the sweeper will send it", task.name, args)
        return False
    except Exception:
        if not task.app.conf.task_always_eager:
            raise
        logger.exception("job %s%r failed inline", task.name, args)
        return False
    return True


def enqueue(task: Task, *args: object) -> None:
    """Sends the job once the current transaction commits (at once outside one): the job
    must find the committed row, and a rolled-back request sends nothing."""
    transaction.on_commit(lambda: send(task, *args))
