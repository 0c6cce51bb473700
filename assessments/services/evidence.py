"""The branch's evidence files on a line: added and removed only while the card is editable."""

from pathlib import PurePath

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from branches.models import User
from tasks.evidence import MAX_FILES, checked_type

from ..models import EvidenceFile, ScorecardLine
from ..selectors import may_edit_self
from .scorecards import lock_scorecard

MAX_FILES_PER_LINE = MAX_FILES


def _editable(line: ScorecardLine, by: User) -> None:
    card = lock_scorecard(line.scorecard_id, None)
    if not may_edit_self(by, card):
        raise PermissionDenied
    if not card.self_editable:
        raise ValidationError(_("This scorecard is locked."))


@transaction.atomic
def evidence_add(*, line: ScorecardLine, by: User, upload: UploadedFile) -> EvidenceFile:
    _editable(line, by)
    name = PurePath(upload.name or "").name[:200]
    checked_type(upload)  # the product's one evidence rule: kind by name and first bytes, size
    if line.files.count() >= MAX_FILES_PER_LINE:
        raise ValidationError(_("At most %(n)d files per line.") % {"n": MAX_FILES_PER_LINE})
    evidence = EvidenceFile(line=line, name=name, size=upload.size, uploaded_by=by)
    evidence.file.save(name, upload, save=False)
    evidence.save()
    return evidence


@transaction.atomic
def evidence_remove(*, evidence: EvidenceFile, by: User) -> None:
    _editable(evidence.line, by)
    stored = evidence.file.name
    evidence.delete()
    transaction.on_commit(lambda: evidence.file.storage.delete(stored))
