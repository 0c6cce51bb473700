"""Evidence files the branch attaches to a scorecard line (会议记录, 照片, 台账 scans)."""

import uuid
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .scorecards import SELF_EDITABLE, Scorecard, ScorecardLine, ScorecardLocked


def _evidence_upload_to(instance: "EvidenceFile", filename: str) -> str:
    # A random stored name: the original one is kept in ``name`` and never touches the disk.
    suffix = PurePath(filename).suffix.lower()[:8]
    return f"assessments/evidence/{instance.line.scorecard_id}/{uuid.uuid4().hex}{suffix}"


class EvidenceFile(models.Model):
    line = models.ForeignKey(ScorecardLine, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to=_evidence_upload_to)
    name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["line", "uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self._guard()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        self._guard()
        return super().delete(*args, **kwargs)

    def _guard(self) -> None:
        status = Scorecard.objects.values_list("status", flat=True).get(lines=self.line_id)
        if status not in SELF_EDITABLE:
            raise ScorecardLocked(_("The evidence of a submitted scorecard cannot be changed."))
