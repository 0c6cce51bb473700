"""Work queued by a request outlives a broker outage: the request answers as usual, the row
says the work is waiting, and the periodic sweeper sends it again once the broker is back.

The broker here is real and unreachable (Redis on a closed port, jobs not inline), and the
tests are transactional so that the jobs are sent where they are in production: when the
request's transaction commits, inside the request.
"""

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from assessments.models import Scorecard, ScorecardStatus
from assessments.services.feedback import feedback_sheets_sweep
from assessments.services.review import scorecard_mark_reviewed
from branches import housekeeping
from config import jobs
from config.celery_app import app
from members.imports import imports_sweep
from members.jobs import validate_import
from members.models import ImportStatus, Member, MemberImport
from tests.api.conftest import api_client_for
from tests.factories import RECORDS_REASON, open_scorecard, submit_card
from tests.members.xlsx import row, xlsx

LATER = dt.timedelta(minutes=6)  # past the sweepers' RESEND_AFTER


@contextmanager
def broker_unreachable() -> Iterator[None]:
    """Jobs go to a Redis broker on a port where nothing listens, as when Redis is down."""
    saved = (app.conf.broker_url, app.conf.task_always_eager, app._pool, app.amqp._producer_pool)
    app.conf.broker_url, app.conf.task_always_eager = "redis://127.0.0.1:1/0", False
    app._pool = app.amqp._producer_pool = None  # connections are made for the new URL
    try:
        yield
    finally:
        app.conf.broker_url, app.conf.task_always_eager, app._pool, app.amqp._producer_pool = saved


def _api(world, role: str):
    client = api_client_for(world, role)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.mark.django_db
def test_sending_to_an_unreachable_broker_says_so_instead_of_raising(caplog) -> None:
    with broker_unreachable():
        assert jobs.send(validate_import, 0) is False
    assert "broker is unreachable" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_an_import_uploaded_while_the_broker_is_down_waits_and_the_sweeper_runs_it_later(world) -> None:
    client = _api(world, "administrator")
    with broker_unreachable():
        response = client.post(
            "/api/v1/member-imports/",
            {"organisation": world.committee.pk, "file": SimpleUploadedFile("roster.xlsx", xlsx([row()]))},
            format="multipart",
        )
        assert response.status_code == 201, response.content
        assert (response.json()["status"], response.json()["is_running"]) == ("queued", True)
        pk = response.json()["id"]
        # Still down at the first sweep: the import keeps waiting, nothing raises.
        assert imports_sweep(now=timezone.now() + LATER)["resent"] == 1
    assert MemberImport.objects.get(pk=pk).status == ImportStatus.QUEUED

    # The broker is back (jobs inline again): the next sweep sends the check.
    assert imports_sweep(now=timezone.now() + 2 * LATER)["resent"] == 1
    assert MemberImport.objects.get(pk=pk).status == ImportStatus.VALID

    with broker_unreachable():
        response = client.post(reverse("api:member-import-commit", kwargs={"pk": pk}))
        assert response.status_code == 202, response.content
        assert response.json()["status"] == "commit_queued"
    assert Member.objects.count() == 0

    assert imports_sweep(now=timezone.now() + LATER)["resent"] == 1
    assert MemberImport.objects.get(pk=pk).status == ImportStatus.COMMITTED
    assert Member.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_review_finalised_while_the_broker_is_down_gets_its_feedback_sheet_from_the_sweeper(world) -> None:
    card = open_scorecard(world.branch_a, deadline=dt.date(2099, 1, 10))
    card = submit_card(card, by=world.secretary_a, reason=RECORDS_REASON)
    card = scorecard_mark_reviewed(scorecard=card, by=world.reviewer, version=card.version)
    reviewer, secretary = _api(world, "reviewer"), _api(world, "secretary_a")
    feedback = reverse("api:scorecard-feedback", kwargs={"pk": card.pk})
    with broker_unreachable():
        response = reviewer.post(reverse("api:scorecard-finalise", kwargs={"pk": card.pk}), {"version": card.version})
        assert response.status_code == 200, response.content
        assert response.json()["status"] == "final"
    assert secretary.get(feedback).status_code == 409  # being made

    assert feedback_sheets_sweep(now=timezone.now() + LATER) == {"sent": 1, "taken_back": 0}
    card = Scorecard.objects.get(pk=card.pk)
    assert card.status == ScorecardStatus.FINAL and card.feedback_pdf
    response = secretary.get(feedback)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert feedback_sheets_sweep(now=timezone.now() + LATER) == {"sent": 0, "taken_back": 0}


def test_the_sweepers_are_periodic_jobs_for_beat_and_for_the_cron_fallback() -> None:
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {
        "members.jobs.sweep_imports",
        "assessments.jobs.sweep_feedback_sheets",
        "notifications.jobs.sweep_deliveries",
    } <= tasks


@pytest.mark.django_db
def test_the_cron_fallback_runs_the_sweepers(settings) -> None:
    settings.CELERY_BEAT_SCHEDULE = {
        name: entry for name, entry in settings.CELERY_BEAT_SCHEDULE.items() if name.startswith("sweep-")
    }
    assert sorted(housekeeping.run_due_jobs(timezone.now())) == [
        "sweep-deliveries",
        "sweep-feedback-sheets",
        "sweep-member-imports",
    ]


def test_the_jobs_that_may_run_twice_are_redelivered_when_their_worker_process_dies() -> None:
    from assessments.jobs import make_feedback_sheet, sweep_feedback_sheets
    from members.jobs import commit_import, sweep_imports
    from notifications.jobs import deliver, sweep_deliveries
    from tasks.jobs import generate_tasks, send_reminder_sheets

    jobs = (validate_import, commit_import, sweep_imports, make_feedback_sheet, sweep_feedback_sheets)
    for job in (*jobs, deliver, sweep_deliveries):
        assert (job.acks_late, job.reject_on_worker_lost) == (True, True), job.name
    assert generate_tasks.reject_on_worker_lost and send_reminder_sheets.reject_on_worker_lost
