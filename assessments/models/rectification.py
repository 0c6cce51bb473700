"""整改: each finding of a final review becomes an item the branch works off, item by item."""

import datetime as dt
import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branches.models import Organisation

from .findings import Finding


class RectificationStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done, awaiting verification")
    CLOSED = "closed", _("Closed")


class RectificationItem(models.Model):
    finding = models.OneToOneField(Finding, on_delete=models.PROTECT, related_name="rectification")
    branch = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="rectification_items")
    # The article's code, not its row: an open item follows its article into later editions.
    article_code = models.CharField(_("article"), max_length=16, db_index=True)
    # 谁来做: a user of the branch. SET_NULL, not PROTECT: removing a user must not be blocked
    # by old items, and ``owner_name`` keeps the name as it was when the owner was set (items
    # carried over from before owners were users have only the name).
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="rectification_items",
    )
    owner_name = models.CharField(_("owner"), max_length=50, blank=True)
    deadline = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=8, choices=RectificationStatus.choices, default=RectificationStatus.OPEN
    )
    action_taken = models.TextField(
        _("what was done"), blank=True, max_length=2000, validators=[MaxLengthValidator(2000)]
    )
    evidence = models.TextField(_("evidence"), blank=True, max_length=2000, validators=[MaxLengthValidator(2000)])
    done_at = models.DateTimeField(null=True, blank=True)
    sent_back_reason = models.TextField(
        _("reason for sending back"), blank=True, max_length=2000, validators=[MaxLengthValidator(2000)]
    )
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("rectification item")
        verbose_name_plural = _("rectification items")
        ordering = ["deadline", "pk"]
        indexes = [
            models.Index(fields=["branch", "status"]),
            # The dashboard's oldest open items: walked in deadline order, stopping at twenty.
            models.Index(
                fields=["deadline", "id"],
                condition=~models.Q(status=RectificationStatus.CLOSED),
                name="open_items_by_deadline",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.article_code} · {self.owner_display}"

    @property
    def owner_display(self) -> str:
        return str(self.owner) if self.owner_id else self.owner_name

    @property
    def is_open(self) -> bool:
        return self.status != RectificationStatus.CLOSED

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.deadline < timezone.localdate()

    def days_overdue(self, today: dt.date | None = None) -> int:
        return max(0, ((today or timezone.localdate()) - self.deadline).days)


def _rectification_upload_to(instance: "RectificationEvidence", filename: str) -> str:
    # A random stored name: the original one is kept in ``name`` and never touches the disk.
    suffix = PurePath(filename).suffix.lower()[:8]
    return f"assessments/rectification/{instance.item_id}/{uuid.uuid4().hex}{suffix}"


class RectificationEvidence(models.Model):
    """A file the branch attaches to its report on an item (会议记录, 照片, 整改台账), checked by
    the one evidence rule (``tasks.evidence.checked_type``) and served only as an attachment."""

    item = models.ForeignKey(RectificationItem, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to=_rectification_upload_to)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("rectification evidence file")
        verbose_name_plural = _("rectification evidence files")
        ordering = ["item", "uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.name
