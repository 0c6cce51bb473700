"""Uploaded rosters hold full ID numbers: their files go once the import has stopped moving
and is past its keeping time; the import's record stays."""

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone, translation

from members import jobs
from members.imports import import_request_commit
from members.models import ImportStatus, MemberImport
from members.retention import purge_import_files


def _import(world, status: str, *, age_days: int, checked: bool = False) -> MemberImport:
    row = MemberImport(organisation=world.committee, created_by=world.administrator, original_name="花名册.xlsx")
    row.status = status
    row.file.save("upload.xlsx", ContentFile(b"PK\x03\x04 roster with ID numbers"), save=False)
    if checked:
        row.checked_rows.save("rows.json", ContentFile(b"[]"), save=False)
    row.save()
    MemberImport.objects.filter(pk=row.pk).update(created_at=timezone.now() - dt.timedelta(days=age_days))
    return MemberImport.objects.get(pk=row.pk)


def _on_disk(name: str) -> bool:
    return (Path(settings.MEDIA_ROOT) / name).exists()


@pytest.fixture(autouse=True)
def _keep_a_week(settings) -> None:
    settings.MEMBER_IMPORT_FILE_DAYS = 7


def test_old_finished_imports_lose_their_files_and_keep_their_record(world, django_capture_on_commit_callbacks):
    committed = _import(world, ImportStatus.COMMITTED, age_days=8)
    invalid = _import(world, ImportStatus.INVALID, age_days=30, checked=True)
    stored = [committed.file.name, invalid.file.name, invalid.checked_rows.name]
    assert all(map(_on_disk, stored))
    with django_capture_on_commit_callbacks(execute=True):
        assert purge_import_files() == 2
    assert not any(map(_on_disk, stored))
    committed.refresh_from_db()
    invalid.refresh_from_db()
    assert not committed.file and committed.status == ImportStatus.COMMITTED
    assert not invalid.file and not invalid.checked_rows and invalid.status == ImportStatus.INVALID
    # Nothing left to do: a second run touches nothing.
    assert purge_import_files() == 0


def test_recent_and_running_imports_keep_their_files(world, django_capture_on_commit_callbacks):
    recent = _import(world, ImportStatus.COMMITTED, age_days=6)
    running = _import(world, ImportStatus.COMMITTING, age_days=30, checked=True)
    queued = _import(world, ImportStatus.QUEUED, age_days=30)
    with django_capture_on_commit_callbacks(execute=True):
        assert purge_import_files() == 0
    for row in (recent, running, queued):
        assert _on_disk(row.file.name)
        row.refresh_from_db()
        assert row.file


def test_a_checked_file_nobody_imported_in_time_cannot_be_imported_any_more(world, django_capture_on_commit_callbacks):
    waiting = _import(world, ImportStatus.VALID, age_days=8, checked=True)
    with django_capture_on_commit_callbacks(execute=True), translation.override("en"):
        purge_import_files()
    waiting.refresh_from_db()
    assert waiting.status == ImportStatus.FAILED and "upload it again" in waiting.message
    assert import_request_commit(import_row=waiting) is False


def test_a_failed_commit_kept_past_its_time_cannot_be_tried_again_and_says_so(
    world, django_capture_on_commit_callbacks
):
    failed = _import(world, ImportStatus.FAILED, age_days=8, checked=True)
    assert failed.may_retry_commit
    with django_capture_on_commit_callbacks(execute=True), translation.override("en"):
        purge_import_files()
    failed.refresh_from_db()
    assert not failed.may_retry_commit and "upload it again" in failed.message
    assert import_request_commit(import_row=failed) is False


def test_the_periodic_job_runs_the_purge(world, django_capture_on_commit_callbacks):
    old = _import(world, ImportStatus.COMMITTED, age_days=8)
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.purge_import_files.delay().get() == 1
    assert not _on_disk(old.file.name)
    assert "members.jobs.purge_import_files" in {e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()}
