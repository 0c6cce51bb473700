"""A real Celery worker on Redis sends a reminder sheet (only where REDIS_URL is set: `.ci/run`).

The sheet's e-mail is a delivery of the notifications module: its own job, queued after the
sheet's commit and run by the same worker a moment later, so the test waits for it."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail

from branches.models import Role
from branches.services import role_grant
from config.celery_app import app
from handbook.services import load_default_edition
from notifications.models import Delivery, DeliveryStatus
from tasks.jobs import send_reminder_sheets
from tasks.models import Notification, ReminderSheet
from tests.factories import UserFactory, make_org

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def _deliveries_done(timeout: float = 60) -> None:
    """Waits until the worker has sent (or given up on) every delivery queued so far."""
    waiting = (DeliveryStatus.PENDING, DeliveryStatus.SENDING, DeliveryStatus.RETRYING)
    deadline = time.monotonic() + timeout
    while Delivery.objects.filter(status__in=waiting).exists():
        assert time.monotonic() < deadline, "the worker did not send the deliveries in time"
        time.sleep(0.2)


@pytest.fixture
def worker():
    # In a thread of this process, on the test database: rows must be committed (above).
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30) as w:
        yield w


def test_a_worker_sends_the_monthly_reminder_sheet_through_redis(worker) -> None:
    load_default_edition()
    top = make_org(code="WC")
    branch = make_org(top, code="WB")
    role_grant(by=None, user=UserFactory(email="sec@example.com"), role=Role.SECRETARY, organisation=branch)
    assert app.conf.task_always_eager is False
    result = send_reminder_sheets.delay("monthly", "2026-11-01")
    assert result.get(timeout=60) == {"created": 1, "sent": 1}
    sheet = ReminderSheet.objects.get(branch=branch)
    assert sheet.period_key == "2026-11" and sheet.sent_at is not None
    _deliveries_done()
    assert Delivery.objects.filter(channel="email", status=DeliveryStatus.SENT).count() == 1
    assert [m.to for m in mail.outbox] == [["sec@example.com"]]
    assert Notification.objects.filter(branch=branch, sheet=sheet).exists()
    # A second delivery of the same job sends nothing more.
    assert send_reminder_sheets.delay("monthly", "2026-11-01").get(timeout=60) == {"created": 0, "sent": 0}
    _deliveries_done()
    assert len(mail.outbox) == 1
