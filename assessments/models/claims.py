"""What the branch said about a measured deduction rule: the count the records suggested when
the line was saved (or the card submitted), and the reason when it claimed another count."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from handbook.models import Deduction

from .scorecards import ScorecardLine

REASON_MAX = 300


class MeasureClaim(models.Model):
    """One measured rule of one line: ``suggested`` is the records' count as last taken, the
    claimed count is the line's own self-side ``LineDeduction`` (0 when none), ``reason`` says
    why the two differ (required then, by ``services.claims``)."""

    line = models.ForeignKey(ScorecardLine, on_delete=models.CASCADE, related_name="claims")
    rule = models.ForeignKey(Deduction, verbose_name=_("deduction rule"), on_delete=models.PROTECT, related_name="+")
    suggested = models.PositiveSmallIntegerField(_("suggested count"), default=0)
    claimed = models.PositiveSmallIntegerField(_("claimed count"), default=0)
    reason = models.CharField(_("reason for another count"), max_length=REASON_MAX, blank=True)
    taken_at = models.DateTimeField(_("taken at"), auto_now=True)

    class Meta:
        verbose_name = _("measured claim")
        verbose_name_plural = _("measured claims")
        constraints = [models.UniqueConstraint(fields=["line", "rule"], name="assessments_one_claim_per_rule")]

    def __str__(self) -> str:
        return f"{self.line} · {self.rule_id}: {self.claimed}/{self.suggested}"

    @property
    def beats_records(self) -> bool:
        """The branch claimed fewer deductions than its records show."""
        return self.claimed < self.suggested
