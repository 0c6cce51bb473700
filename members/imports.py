"""Services of the roster import: a file is checked in full, then written in one transaction.

Both steps run as Celery jobs (``members.jobs``) that take the MemberImport's id, claim
it with a conditional update (so a job delivered twice runs once) and store progress and
the report on the row. The terminal command calls the same functions inline.
"""

import datetime as dt
import logging
from collections.abc import Callable

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from branches import audit
from branches.models import Organisation, User
from config.exceptions import Conflict

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
    import_row = MemberImport(organisation=organisation, created_by=by, original_name=upload.name[:255])
    import_row.file.save("upload.xlsx", upload, save=False)
    import_row.save()
    from .jobs import validate_import

    pk = import_row.pk
    transaction.on_commit(lambda: validate_import.delay(pk))
    return import_row


# A job that has held an import this long died with its worker (a redelivered message
# finds it still "checking"): it may be claimed again. Nothing was written, as a commit is
# one transaction.
STALE_AFTER = dt.timedelta(minutes=30)


def _claim(pk: int, from_status: str, to_status: str) -> MemberImport | None:
    """Claims the work with one conditional UPDATE, so a job delivered twice runs once."""
    now = timezone.now()
    waiting = Q(status=from_status) | Q(status=to_status, claimed_at__lt=now - STALE_AFTER)
    claimed = MemberImport.objects.filter(waiting, pk=pk).update(status=to_status, claimed_at=now)
    return MemberImport.objects.select_related("organisation", "created_by").get(pk=pk) if claimed else None


def _fail(import_row: MemberImport, message: str) -> None:
    import_row.status = ImportStatus.FAILED
    import_row.message = message
    import_row.save()


def _progress(pk: int) -> Callable[[int], None]:
    def report(done: int) -> None:
        MemberImport.objects.filter(pk=pk).update(processed_rows=done)

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
        _fail(import_row, _("An unexpected error stopped the check: nothing was written."))
        return import_row
    else:
        _store(import_row, plan, ImportStatus.VALID if plan.ok else ImportStatus.INVALID)
        if plan.ok:
            import_row.checked_rows.save("rows.json", ContentFile(importer.dump(plan)), save=False)
    import_row.validated_at = timezone.now()
    import_row.save()
    return import_row


def import_request_commit(*, import_row: MemberImport) -> bool:
    """Queues the write of a checked, clean import; False if it is not (or no longer) so."""
    with transaction.atomic():
        claimed = MemberImport.objects.filter(pk=import_row.pk, status=ImportStatus.VALID, error_count=0).update(
            status=ImportStatus.COMMIT_QUEUED
        )
        if claimed:
            from .jobs import commit_import

            pk = import_row.pk
            transaction.on_commit(lambda: commit_import.delay(pk))
    return bool(claimed)


def import_queue_commit(*, import_row: MemberImport) -> None:
    """As ``import_request_commit``, raising ``Conflict`` (the REST API's 409) when the
    import is not a checked, clean file waiting to be written."""
    if not import_request_commit(import_row=import_row):
        raise Conflict(_("Only a checked file with no bad rows can be imported."))


class _Changed(Exception):
    pass


def import_commit(*, import_id: int) -> MemberImport | None:
    """Re-checks the checked rows against the database inside one transaction and writes
    every row or none."""
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
            plan = importer.recheck(plan, scope=import_row.organisation)
            if not plan.ok:
                raise _Changed
            importer.write(plan, by=import_row.created_by)
    except reader.FileRefused as exc:
        import_row.status = ImportStatus.FAILED
        import_row.message = str(exc.args[0])
    except _Changed:
        _store(import_row, plan, ImportStatus.INVALID)
        import_row.message = _("The roster changed since the check: nothing was imported. Fix the rows below.")
    except DatabaseError:
        logger.exception("member import %s: the database refused the commit", import_id)
        import_row.status = ImportStatus.FAILED
        import_row.message = _("The database refused the import: nothing was imported. Check the file again.")
    except Exception:
        logger.exception("member import %s: the commit failed", import_id)
        _fail(import_row, _("An unexpected error stopped the import: nothing was written."))
        return import_row
    else:
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
        import_row.checked_rows.delete(save=False)
    import_row.save()
    return import_row


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
