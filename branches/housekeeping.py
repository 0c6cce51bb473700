"""Platform housekeeping: expired sessions, sign-in attempts and API tokens, and the cron
fallback that runs periodic jobs when no Celery beat is running."""

import datetime as dt
import importlib

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import ApiToken, PeriodicJobRun


def purge_expired() -> dict[str, int]:
    now = timezone.now()
    sessions, _ = Session.objects.filter(expire_date__lt=now).delete()
    attempts, _ = AccessAttempt.objects.filter(attempt_time__lt=now - settings.AXES_COOLOFF_TIME).delete()
    tokens, _ = ApiToken.objects.filter(expires_at__lt=now).delete()
    return {"sessions": sessions, "attempts": attempts, "api_tokens": tokens}


def _task_callable(dotted: str) -> object:
    module_name, _, attr = dotted.rpartition(".")
    return getattr(importlib.import_module(module_name), attr)


def _claim(name: str, previous: dt.datetime | None, now: dt.datetime) -> bool:
    """Moves ``last_run_at`` from ``previous`` to ``now`` only if nobody else did: two cron
    runs at the same moment run each job once."""
    if previous is None:
        try:
            with transaction.atomic():
                PeriodicJobRun.objects.create(name=name, last_run_at=now)
        except IntegrityError:
            return False
        return True
    return PeriodicJobRun.objects.filter(name=name, last_run_at=previous).update(last_run_at=now) == 1


def run_due_jobs(now: dt.datetime | None = None) -> list[str]:
    """Runs, inline, every job of the beat schedule whose time has come since its last run.

    A job never seen before counts as last run a day ago, so a fresh install catches up
    on at most a day of jobs instead of all of history.
    """
    now = now or timezone.now()
    last_runs = dict(PeriodicJobRun.objects.values_list("name", "last_run_at"))
    ran = []
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        previous = last_runs.get(name)
        schedule = entry["schedule"]
        schedule.nowfun = lambda now=now: now.astimezone(timezone.get_default_timezone())
        due, _ = schedule.is_due(previous or now - dt.timedelta(days=1))
        if not due or not _claim(name, previous, now):
            continue
        task = _task_callable(entry["task"])
        task.apply(args=entry.get("args", ()), kwargs=entry.get("kwargs", {}), throw=True)
        ran.append(name)
    return ran
