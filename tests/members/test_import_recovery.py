"""An import whose job was lost or whose worker died: the sweeper sends it again or takes it
back, a step interrupted too often fails with a message, and a failed commit may be retried.
Refusing to commit says why."""

import datetime as dt
import threading

import pytest
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone, translation

from config.exceptions import Conflict
from members import imports
from members.excel import importer
from members.models import ImportStatus, Member, MemberImport
from tests.members.xlsx import row, xlsx

LATER = dt.timedelta(hours=1)


def _rows() -> bytes:
    return xlsx([row(), row(姓名="李四", birth=dt.date(1991, 1, 2), 支部编码="B")])


def _uploaded(world) -> MemberImport:
    imp = MemberImport(
        organisation=world.committee, created_by=world.administrator, original_name="x.xlsx", queued_at=timezone.now()
    )
    imp.file.save("x.xlsx", ContentFile(_rows()), save=False)
    imp.save()
    return imp


def _checked(world) -> MemberImport:
    imp = _uploaded(world)
    assert imports.import_validate(import_id=imp.pk).status == ImportStatus.VALID
    return MemberImport.objects.get(pk=imp.pk)


def _died_while(imp: MemberImport, status: str, attempts: int = 1) -> None:
    """As a worker leaves an import when it dies: still running, its claim an hour old."""
    MemberImport.objects.filter(pk=imp.pk).update(status=status, claimed_at=timezone.now() - LATER, attempts=attempts)


def test_a_commit_whose_worker_died_is_committed_by_the_job_the_sweeper_sends(
    world, django_capture_on_commit_callbacks
) -> None:
    imp = _checked(world)
    _died_while(imp, ImportStatus.COMMITTING)
    with django_capture_on_commit_callbacks(execute=True):
        assert imports.imports_sweep() == {"resent": 0, "requeued": 1, "failed": 0}
    imp.refresh_from_db()
    assert imp.status == ImportStatus.COMMITTED and Member.objects.count() == 2


def test_a_commit_with_a_fresh_claim_is_left_to_its_worker(world, django_capture_on_commit_callbacks) -> None:
    imp = _checked(world)
    MemberImport.objects.filter(pk=imp.pk).update(status=ImportStatus.COMMITTING, claimed_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True) as sent:
        assert imports.imports_sweep() == {"resent": 0, "requeued": 0, "failed": 0}
    assert not sent and MemberImport.objects.get(pk=imp.pk).status == ImportStatus.COMMITTING


def test_a_check_whose_worker_died_is_checked_again(world, django_capture_on_commit_callbacks) -> None:
    imp = _uploaded(world)
    _died_while(imp, ImportStatus.VALIDATING)
    with django_capture_on_commit_callbacks(execute=True):
        assert imports.imports_sweep()["requeued"] == 1
    assert MemberImport.objects.get(pk=imp.pk).status == ImportStatus.VALID


def test_a_waiting_import_is_sent_again_only_once_it_has_waited_a_while(
    world, django_capture_on_commit_callbacks
) -> None:
    imp = _uploaded(world)
    with django_capture_on_commit_callbacks(execute=True) as sent:
        assert imports.imports_sweep()["resent"] == 0
    assert not sent
    with django_capture_on_commit_callbacks(execute=True):
        assert imports.imports_sweep(now=timezone.now() + imports.RESEND_AFTER * 2)["resent"] == 1
    assert MemberImport.objects.get(pk=imp.pk).status == ImportStatus.VALID


def test_a_commit_interrupted_too_often_fails_with_a_message_and_may_be_tried_again(
    world, as_role, django_capture_on_commit_callbacks
) -> None:
    imp = _checked(world)
    _died_while(imp, ImportStatus.COMMITTING, attempts=imports.MAX_ATTEMPTS)
    with django_capture_on_commit_callbacks(execute=True) as sent, translation.override("en"):
        assert imports.imports_sweep()["failed"] == 1
    assert not sent
    imp.refresh_from_db()
    assert imp.status == ImportStatus.FAILED and "interrupted 3 times" in imp.message and imp.may_retry_commit
    client = as_role("administrator")
    page = client.get(reverse("members:import_detail", kwargs={"pk": imp.pk}))
    with translation.override(page.context["LANGUAGE_CODE"]):
        assert translation.gettext("Try the import again") in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("members:import_commit", kwargs={"pk": imp.pk}))
    assert response.status_code == 302
    imp.refresh_from_db()
    assert imp.status == ImportStatus.COMMITTED and not imp.message and Member.objects.count() == 2


def test_a_commit_the_database_refused_may_be_tried_again(world, monkeypatch) -> None:
    imp = _checked(world)
    original = importer.write

    def refused_once(plan, **kwargs):
        monkeypatch.setattr(importer, "write", original)
        raise connection.ops.integrity_error_class("simulated")  # type: ignore[attr-defined]

    monkeypatch.setattr(importer, "write", refused_once)
    assert imports.import_request_commit(import_row=imp)
    imports.import_commit(import_id=imp.pk)
    imp.refresh_from_db()
    assert imp.status == ImportStatus.FAILED and imp.may_retry_commit and Member.objects.count() == 0
    assert imports.import_request_commit(import_row=imp)
    assert imports.import_commit(import_id=imp.pk).status == ImportStatus.COMMITTED
    assert Member.objects.count() == 2


def test_a_job_whose_work_was_taken_back_meanwhile_does_not_store_its_outcome(world, monkeypatch) -> None:
    imp = _uploaded(world)
    original = importer.validate

    def slow_check(*args, **kwargs):
        plan = original(*args, **kwargs)
        # Meanwhile the sweeper decided this worker was dead and queued the check again.
        imports.imports_sweep(now=timezone.now() + LATER)
        return plan

    monkeypatch.setattr(importer, "validate", slow_check)
    imports.import_validate(import_id=imp.pk)
    imp.refresh_from_db()
    assert imp.status == ImportStatus.QUEUED and imp.attempts == 1


def test_refusing_to_commit_says_why(world) -> None:
    imp = _checked(world)
    expected = {
        ImportStatus.VALIDATING: "The file is still being checked: import it once the check is done.",
        ImportStatus.COMMITTING: "This file is already being imported.",
        ImportStatus.COMMITTED: "This file has already been imported.",
        ImportStatus.INVALID: "This file has bad rows: fix them and upload it again.",
    }
    with translation.override("en"):
        for status, message in expected.items():
            MemberImport.objects.filter(pk=imp.pk).update(status=status)
            with pytest.raises(Conflict) as refused:
                imports.import_queue_commit(import_row=imp)
            assert refused.value.messages[0].startswith(message)
            assert MemberImport.objects.get(pk=imp.pk).status == status


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_sweeper_passes_over_a_commit_still_writing_however_old_its_claim(world) -> None:
    """A live commit holds its row locked until it commits (PostgreSQL): the sweeper skips
    it rather than handing the work to a second job."""
    imp = _checked(world)
    MemberImport.objects.filter(pk=imp.pk).update(status=ImportStatus.COMMITTING, attempts=5)
    imp.refresh_from_db()
    locked, release = threading.Event(), threading.Event()

    def commit_in_progress() -> None:
        try:
            with transaction.atomic():
                assert imports._lock_if_mine(imp, ImportStatus.COMMITTING)
                locked.set()
                release.wait(30)
        finally:
            connection.close()

    writer = threading.Thread(target=commit_in_progress)
    writer.start()
    try:
        assert locked.wait(30)
        assert imports.imports_sweep(now=timezone.now() + LATER) == {"resent": 0, "requeued": 0, "failed": 0}
    finally:
        release.set()
        writer.join()
    assert MemberImport.objects.get(pk=imp.pk).status == ImportStatus.COMMITTING
    assert imports.imports_sweep(now=timezone.now() + LATER)["failed"] == 1  # now it is dead
