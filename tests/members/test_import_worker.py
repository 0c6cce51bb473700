"""A real Celery worker on Redis checks and writes an import (only where REDIS_URL is set)."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.files.uploadedfile import SimpleUploadedFile

from config.celery_app import app
from members import imports
from members.models import ImportStatus, Member, MemberImport
from tests.members.xlsx import row, xlsx

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker():
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30) as w:
        yield w


def wait_for(pk: int, status: str) -> MemberImport:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        found = MemberImport.objects.get(pk=pk)
        if found.status == status:
            return found
        time.sleep(0.2)
    raise AssertionError(f"import {pk} is {MemberImport.objects.get(pk=pk).status}, not {status}")


def test_a_worker_checks_then_writes_an_import_sent_through_redis(world, worker) -> None:
    assert app.conf.task_always_eager is False
    upload = SimpleUploadedFile("roster.xlsx", xlsx([row()]))
    imp = imports.import_start(organisation=world.committee, by=world.administrator, upload=upload)
    checked = wait_for(imp.pk, ImportStatus.VALID)
    assert checked.new_count == 1 and Member.objects.count() == 0
    assert imports.import_request_commit(import_row=checked)
    wait_for(imp.pk, ImportStatus.COMMITTED)
    assert Member.objects.count() == 1
