"""A real Celery worker on Redis runs the jobs (only where REDIS_URL is set: `.ci/run`)."""

import datetime as dt

import pytest
from celery.contrib.testing.worker import start_worker
from django.contrib.sessions.models import Session
from django.utils import timezone

from branches.jobs import purge_expired_sessions
from config.celery_app import app

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker():
    # The worker runs in a thread of this process, so it uses the test database; the test's
    # rows must be committed for it to see them (transaction=True above).
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30) as w:
        yield w


def test_a_worker_purges_expired_sessions_sent_through_redis(worker) -> None:
    Session.objects.create(session_key="old", session_data="x", expire_date=timezone.now() - dt.timedelta(days=1))
    Session.objects.create(session_key="new", session_data="x", expire_date=timezone.now() + dt.timedelta(days=1))
    assert app.conf.task_always_eager is False
    result = purge_expired_sessions.delay()
    assert result.get(timeout=30) == {"sessions": 1, "attempts": 0, "api_tokens": 0}
    assert list(Session.objects.values_list("session_key", flat=True)) == ["new"]
