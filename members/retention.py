"""How long an uploaded roster is kept: it holds every member's full ID number.

The import's row — who, when, the counts and the report of bad rows — stays for good; the
uploaded file and its checked rows are deleted once the import has stopped moving and is
older than ``settings.MEMBER_IMPORT_FILE_DAYS`` days. A checked file nobody imported in that
time cannot be imported any more: it is marked failed, with a message to upload it again.
"""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import RUNNING_IMPORT_STATUSES, ImportStatus, MemberImport


def purge_import_files(*, now: dt.datetime | None = None) -> int:
    """Deletes the files of imports past their keeping time; returns how many imports lost theirs."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.MEMBER_IMPORT_FILE_DAYS)
    stale = (
        MemberImport.objects.filter(created_at__lt=cutoff)
        .exclude(status__in=RUNNING_IMPORT_STATUSES)
        .exclude(file="", checked_rows="")
    )
    purged = 0
    for pk in stale.values_list("pk", flat=True).iterator():
        with transaction.atomic():
            # Locked and re-read: an administrator may be pressing "import" at this moment.
            row = MemberImport.objects.select_for_update().filter(pk=pk).exclude(status__in=RUNNING_IMPORT_STATUSES)
            import_row = row.first()
            if import_row is None:
                continue
            names = [f.name for f in (import_row.file, import_row.checked_rows) if f]
            storage = import_row.file.storage
            # A failed commit could have been tried again with its checked rows: not any more.
            importable = import_row.status == ImportStatus.VALID or import_row.may_retry_commit
            import_row.file = ""
            import_row.checked_rows = ""
            if importable:
                import_row.status = ImportStatus.FAILED
                import_row.message = _(
                    "This checked file was not imported within %(days)d days and has been deleted: upload it again."
                ) % {"days": settings.MEMBER_IMPORT_FILE_DAYS}
            import_row.save(update_fields=["file", "checked_rows", "status", "message"])
            transaction.on_commit(lambda names=names, storage=storage: [storage.delete(n) for n in names])
        purged += 1
    return purged
