"""Services of the roster import: a file is checked in full, then written in one transaction.

Both steps run as Celery jobs (``members.jobs``) that take the MemberImport's id, claim
it with a conditional update (so a job delivered twice runs once) and store progress and
the report on the row. The terminal command calls the same functions inline.

The row is the job's record: ``queued``/``commit_queued`` with ``queued_at`` while it waits,
``validating``/``committing`` with ``claimed_at`` (its last sign of life) while a worker has
it. ``imports_sweep``, a periodic job, sends again what waited too long (the broker was
down, the message was lost) and takes back what a dead worker held.
"""

import datetime as dt
import logging
from collections.abc import Callable

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import DatabaseError, OperationalError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from branches import audit
from branches.models import Organisation, User
from config.exceptions import Conflict
from config.jobs import enqueue

from .excel import importer, reader
from .models import ImportStatus, MemberImport

logger = logging.getLogger(__name__)


def _estimate_rows(import_row: MemberImport) -> int:
    with import_row.file.open("rb") as handle:
        return reader.declared_rows(handle)


@transaction.atomic
def import_start(*, organisation: Organisation, by: User, upload: UploadedFile) -> MemberImport:
    """Refuses a hostile or wrong file at once (FileRefused); otherwise stores it and
    queues the check."""
    reader.check_file(upload.file, upload.size)
    import_row = MemberImport(
        organisation=organisation, created_by=by, original_name=upload.name[:255], queued_at=timezone.now()
    )
    import_row.file.save("upload.xlsx", upload, save=False)
    import_row.save()
    from .jobs import validate_import

    enqueue(validate_import, import_row.pk)
    return import_row


# A waiting import not claimed this long after its job was sent: the message never reached
# a worker (the broker was down, or lost it). The sweeper sends it again.
RESEND_AFTER = dt.timedelta(minutes=5)
# A running import with no sign of life for this long lost its worker. A check moves
# ``claimed_at`` on every thousand rows; a commit holds its row locked while it writes, so
# the sweeper passes over a live one however long it takes.
STALE_AFTER = dt.timedelta(minutes=10)
# A step whose worker died this many times fails rather than being tried for ever (a file
# that kills its worker would otherwise do so every few minutes).
MAX_ATTEMPTS = 3


def _claim(pk: int, from_status: str, to_status: str) -> MemberImport | None:
    """Claims the work with one conditional UPDATE, so a job delivered twice runs once; the
    row's ``attempts`` after the claim identifies this job's claim."""
    claimed = MemberImport.objects.filter(pk=pk, status=from_status).update(
        status=to_status, claimed_at=timezone.now(), attempts=F("attempts") + 1
    )
    return MemberImport.objects.select_related("organisation", "created_by").get(pk=pk) if claimed else None


def _lock_if_mine(import_row: MemberImport, running: str) -> bool:
    """Inside a transaction: True, with the row locked until the transaction ends, if the
    claim is still this job's (the sweeper has not handed the work to another job). The
    conditional UPDATE takes the lock: a row lock on PostgreSQL, the write lock on SQLite."""
    mine = MemberImport.objects.filter(pk=import_row.pk, status=running, attempts=import_row.attempts)
    return bool(mine.update(claimed_at=timezone.now()))


def _save_if_mine(import_row: MemberImport, running: str) -> None:
    """Stores the job's outcome, unless the work was taken from it meanwhile."""
    with transaction.atomic():
        if _lock_if_mine(import_row, running):
            import_row.save()


def _progress(pk: int) -> Callable[[int], None]:
    def report(done: int) -> None:
        # The progress is also the job's sign of life (see STALE_AFTER).
        MemberImport.objects.filter(pk=pk).update(processed_rows=done, claimed_at=timezone.now())

    return report


def _store(import_row: MemberImport, plan: importer.Plan, status: str) -> None:
    summary = plan.summary()
    import_row.status = status
    import_row.total_rows = summary["total"]
    import_row.processed_rows = summary["total"]
    import_row.new_count = summary["new"]
    import_row.updated_count = summary["updated"]
    import_row.unchanged_count = summary["unchanged"]
    import_row.error_count = summary["errors"]
    import_row.errors = plan.errors
    import_row.notices = plan.notices


def _validate_file(import_row: MemberImport) -> importer.Plan:
    with import_row.file.open("rb") as handle:
        return importer.validate(handle, scope=import_row.organisation, progress=_progress(import_row.pk))


def import_validate(*, import_id: int) -> MemberImport | None:
    """Checks every row; writes nothing but the report."""
    import_row = _claim(import_id, ImportStatus.QUEUED, ImportStatus.VALIDATING)
    if import_row is None:
        return None
    try:
        MemberImport.objects.filter(pk=import_id).update(total_rows=_estimate_rows(import_row))
        plan = _validate_file(import_row)
    except reader.FileRefused as exc:
        import_row.status = ImportStatus.FAILED
        import_row.message = str(exc.args[0])
    except Exception:
        # The page must not wait for ever on a job that crashed.
        logger.exception("member import %s: the check failed", import_id)
        import_row.status = ImportStatus.FAILED
        import_row.message = _("An unexpected error stopped the check: nothing was written.")
        _save_if_mine(import_row, ImportStatus.VALIDATING)
        return import_row
    else:
        _store(import_row, plan, ImportStatus.VALID if plan.ok else ImportStatus.INVALID)
        if plan.ok:
            import_row.checked_rows.save("rows.json", ContentFile(importer.dump(plan)), save=False)
    import_row.validated_at = timezone.now()
    _save_if_mine(import_row, ImportStatus.VALIDATING)
    return import_row


def import_request_commit(*, import_row: MemberImport) -> bool:
    """Queues the write of a checked, clean import, or again that of one whose commit
    failed (nothing of it was written); False if it is neither (or no longer so)."""
    clean = Q(status=ImportStatus.VALID, error_count=0)
    failed_commit = Q(status=ImportStatus.FAILED) & ~Q(checked_rows="")
    with transaction.atomic():
        claimed = MemberImport.objects.filter(clean | failed_commit, pk=import_row.pk).update(
            status=ImportStatus.COMMIT_QUEUED, queued_at=timezone.now(), attempts=0, message=""
        )
        if claimed:
            from .jobs import commit_import

            enqueue(commit_import, import_row.pk)
    return bool(claimed)


def import_commit_refusal(*, import_row: MemberImport) -> str:
    """Why the import cannot be queued for writing now, in its present state."""
    import_row.refresh_from_db()
    if import_row.status in (ImportStatus.QUEUED, ImportStatus.VALIDATING):
        return _("The file is still being checked: import it once the check is done.")
    if import_row.status in (ImportStatus.COMMIT_QUEUED, ImportStatus.COMMITTING):
        return _(
            "This file is already being imported. If its worker stopped, the import is "
            "taken up again automatically within a few minutes."
        )
    if import_row.status == ImportStatus.COMMITTED:
        return _("This file has already been imported.")
    if import_row.status == ImportStatus.INVALID or import_row.error_count:
        return _("This file has bad rows: fix them and upload it again.")
    return _("This file cannot be imported any more: upload it again.")


def import_queue_commit(*, import_row: MemberImport) -> None:
    """As ``import_request_commit``, raising ``Conflict`` (the REST API's 409), with the
    reason, when the import cannot be written now."""
    if not import_request_commit(import_row=import_row):
        raise Conflict(import_commit_refusal(import_row=import_row))


class _Changed(Exception):
    pass


class _TakenOver(Exception):
    pass


def import_commit(*, import_id: int) -> MemberImport | None:
    """Re-checks the checked rows against the database inside one transaction and writes
    every row or none, the import's outcome with them."""
    import_row = _claim(import_id, ImportStatus.COMMIT_QUEUED, ImportStatus.COMMITTING)
    if import_row is None:
        return None
    MemberImport.objects.filter(pk=import_id).update(processed_rows=0)
    try:
        if import_row.checked_rows:
            with import_row.checked_rows.open("rb") as handle:
                plan = importer.load(handle.read())
        else:
            plan = _validate_file(import_row)
        with transaction.atomic():
            # Locked from here to the commit: the sweeper passes over a live commit.
            if not _lock_if_mine(import_row, ImportStatus.COMMITTING):
                raise _TakenOver
            plan = importer.recheck(plan, scope=import_row.organisation)
            if not plan.ok:
                raise _Changed
            importer.write(plan, by=import_row.created_by)
            _store(import_row, plan, ImportStatus.COMMITTED)
            import_row.committed_at = timezone.now()
            audit.record(
                audit.Action.IMPORT,
                actor=import_row.created_by,
                organisation=import_row.organisation,
                target=f"members import #{import_row.pk}",
                detail={"new": import_row.new_count, "updated": import_row.updated_count},
            )
            # Its work is done; the uploaded file stays as the record of what was imported.
            done_with, storage = import_row.checked_rows.name, import_row.checked_rows.storage
            import_row.checked_rows = ""
            import_row.save()
            transaction.on_commit(lambda: storage.delete(done_with))
        return import_row
    except _TakenOver:
        return None
    except reader.FileRefused as exc:
        import_row.status = ImportStatus.FAILED
        import_row.message = str(exc.args[0])
    except _Changed:
        _store(import_row, plan, ImportStatus.INVALID)
        import_row.message = _("The roster changed since the check: nothing was imported. Fix the rows below.")
    except DatabaseError:
        logger.exception("member import %s: the database refused the commit", import_id)
        import_row.status = ImportStatus.FAILED
        import_row.message = _("The database refused the import: nothing was imported. You may try again.")
    except Exception:
        logger.exception("member import %s: the commit failed", import_id)
        import_row.status = ImportStatus.FAILED
        import_row.message = _("An unexpected error stopped the import: nothing was written. You may try again.")
    _save_if_mine(import_row, ImportStatus.COMMITTING)
    return import_row


def _send_again(status: str, now: dt.datetime) -> int:
    from .jobs import commit_import, validate_import

    job = validate_import if status == ImportStatus.QUEUED else commit_import
    late = Q(queued_at__lt=now - RESEND_AFTER) | Q(queued_at__isnull=True, created_at__lt=now - RESEND_AFTER)
    sent = 0
    for pk, queued_at in MemberImport.objects.filter(late, status=status).values_list("pk", "queued_at"):
        # Only the sweep that moves queued_at sends it: two sweeps at once send it once.
        if MemberImport.objects.filter(pk=pk, status=status, queued_at=queued_at).update(queued_at=now):
            enqueue(job, pk)
            sent += 1
    return sent


def _take_back(running: str, waiting: str, now: dt.datetime) -> tuple[int, int]:
    """Running imports whose worker died go back to wait for another job, or fail after
    MAX_ATTEMPTS; returns (requeued, failed)."""
    from .jobs import commit_import, validate_import

    job = validate_import if waiting == ImportStatus.QUEUED else commit_import
    requeued = failed = 0
    with transaction.atomic():
        # skip_locked: a commit still writing holds its row (PostgreSQL), and is alive.
        stuck = MemberImport.objects.select_for_update(skip_locked=True).filter(
            status=running, claimed_at__lt=now - STALE_AFTER
        )
        for import_row in stuck:
            if import_row.attempts < MAX_ATTEMPTS:
                import_row.status, import_row.queued_at = waiting, now
                enqueue(job, import_row.pk)
                requeued += 1
            else:
                import_row.status = ImportStatus.FAILED
                if running == ImportStatus.COMMITTING:
                    import_row.message = _(
                        "The import was interrupted %(times)d times (its worker stopped): nothing was "
                        "written. You may try again; if it stops again, tell the system administrator."
                    ) % {"times": import_row.attempts}
                else:
                    import_row.message = _(
                        "The check was interrupted %(times)d times (its worker stopped): nothing was "
                        "written. Upload the file again; if it stops again, tell the system administrator."
                    ) % {"times": import_row.attempts}
                failed += 1
            import_row.save(update_fields=["status", "queued_at", "message"])
    return requeued, failed


def imports_sweep(*, now: dt.datetime | None = None) -> dict[str, int]:
    """The periodic job that keeps imports moving: sends again the jobs of imports that
    waited too long, takes back those whose worker died. Safe to run twice at once."""
    now = now or timezone.now()
    result = {"resent": _send_again(ImportStatus.QUEUED, now) + _send_again(ImportStatus.COMMIT_QUEUED, now)}
    result["requeued"] = result["failed"] = 0
    for running, waiting in (
        (ImportStatus.VALIDATING, ImportStatus.QUEUED),
        (ImportStatus.COMMITTING, ImportStatus.COMMIT_QUEUED),
    ):
        try:
            requeued, failed = _take_back(running, waiting, now)
        except OperationalError:
            # SQLite: a commit still writing holds the database's write lock; it is alive.
            logger.info("member imports: the database is busy, the %s imports are left for the next sweep", running)
            continue
        result["requeued"] += requeued
        result["failed"] += failed
    return result


def import_file_now(
    *, path: str, organisation: Organisation, by: User | None, dry_run: bool
) -> tuple[importer.Plan, bool]:
    """The terminal import: (plan, written). Raises FileRefused for a refused file."""
    reader.check_path(path)
    with open(path, "rb") as handle:
        plan = importer.validate(handle, scope=organisation)
    if dry_run or not plan.ok:
        return plan, False
    with transaction.atomic():
        plan = importer.recheck(plan, scope=organisation)
        if not plan.ok:
            return plan, False
        importer.write(plan, by=by)
    return plan, True
