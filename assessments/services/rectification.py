"""整改: the branch reports what it did; the reviewer verifies and closes, or sends it back."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.models import User

from ..models import RectificationItem, RectificationStatus
from ..selectors import REVIEW_ROLES, SELF_ROLES, roles_on


def _lock(item: RectificationItem) -> RectificationItem:
    return RectificationItem.objects.select_for_update().select_related("branch").get(pk=item.pk)


@transaction.atomic
def rectification_report(
    *, item: RectificationItem, by: User, action_taken: str, evidence: str = "", owner: str = ""
) -> RectificationItem:
    item = _lock(item)
    if not roles_on(by, item.branch) & set(SELF_ROLES):
        raise PermissionDenied
    if item.status != RectificationStatus.OPEN:
        raise ValidationError(_("Only an open item can be reported as done."))
    if not action_taken.strip():
        raise ValidationError(_("Say what was done."))
    item.action_taken, item.evidence = action_taken.strip(), evidence.strip()
    item.owner = owner.strip() or item.owner
    item.status, item.done_at = RectificationStatus.DONE, timezone.now()
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def rectification_verify(*, item: RectificationItem, by: User, accept: bool, reason: str = "") -> RectificationItem:
    """销号: the reviewer closes the item, or sends it back with a reason (it is open again)."""
    item = _lock(item)
    if not roles_on(by, item.branch) & set(REVIEW_ROLES):
        raise PermissionDenied
    if item.status != RectificationStatus.DONE:
        raise ValidationError(_("Only an item reported as done can be verified."))
    if accept:
        item.status, item.closed_by, item.closed_at = RectificationStatus.CLOSED, by, timezone.now()
    else:
        if not reason.strip():
            raise ValidationError(_("Say why the item is sent back."))
        item.status, item.sent_back_reason = RectificationStatus.OPEN, reason.strip()
    item.full_clean()
    item.save()
    return item
