"""整改: the branch reports what it did; the reviewer verifies and closes, or sends it back."""

from collections.abc import Sequence
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from branches import abilities
from branches.models import User
from tasks.evidence import MAX_FILES, checked_type

from ..models import RectificationEvidence, RectificationItem, RectificationStatus
from ..selectors import owner_candidates


def _lock(item: RectificationItem) -> RectificationItem:
    return RectificationItem.objects.select_for_update().select_related("branch").get(pk=item.pk)


def _set_owner(item: RectificationItem, owner_id: int | None) -> None:
    """谁来做: the owner must hold a secretary or member role in the item's branch subtree."""
    if owner_id is None:
        item.owner, item.owner_name = None, ""
        return
    owner = owner_candidates(item.branch).filter(pk=owner_id).first()
    if owner is None:
        raise ValidationError({"owner": _("The owner must be a secretary or member of this branch.")})
    item.owner, item.owner_name = owner, str(owner)[:50]


@transaction.atomic
def rectification_assign(*, item: RectificationItem, by: User, owner_id: int | None) -> RectificationItem:
    """The reviewer (or the branch secretary) names who works the item off (no one: ``None``);
    not once it is closed."""
    item = _lock(item)
    abilities.require(by, "rectification.assign", item)
    _set_owner(item, owner_id)
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def rectification_report(
    *,
    item: RectificationItem,
    by: User,
    action_taken: str,
    evidence: str = "",
    owner_id: int | None = None,
    files: Sequence[UploadedFile] = (),
) -> RectificationItem:
    """The branch says what it did, with evidence (a text, and files each checked by the one
    evidence rule first: a refused file refuses the report and nothing is stored), and may
    name another owner."""
    item = _lock(item)
    abilities.require(by, "rectification.report", item)
    if not action_taken.strip():
        raise ValidationError(_("Say what was done."))
    if len(files) > MAX_FILES:
        raise ValidationError(_("At most %(n)d files at a time.") % {"n": MAX_FILES})
    types = [checked_type(upload) for upload in files]
    item.action_taken, item.evidence = action_taken.strip(), evidence.strip()
    if owner_id is not None and owner_id != item.owner_id:
        _set_owner(item, owner_id)
    item.status, item.done_at = RectificationStatus.DONE, timezone.now()
    item.full_clean()
    item.save()
    for upload, content_type in zip(files, types, strict=True):
        name = PurePath(upload.name or "").name[:200] or "evidence"
        stored = RectificationEvidence(
            item=item, name=name, content_type=content_type, size=upload.size, uploaded_by=by
        )
        stored.file.save(name, upload, save=False)
        stored.save()
    return item


@transaction.atomic
def rectification_verify(*, item: RectificationItem, by: User, accept: bool, reason: str = "") -> RectificationItem:
    """销号: the reviewer closes the item, or sends it back with a reason (it is open again)."""
    item = _lock(item)
    abilities.require(by, "rectification.verify", item)
    if accept:
        item.status, item.closed_by, item.closed_at = RectificationStatus.CLOSED, by, timezone.now()
    else:
        if not reason.strip():
            raise ValidationError(_("Say why the item is sent back."))
        item.status, item.sent_back_reason = RectificationStatus.OPEN, reason.strip()
    item.full_clean()
    item.save()
    return item
