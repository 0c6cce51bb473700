"""The 文号 of a feedback sheet (检查调研情况反馈单): given once, counted per committee per year."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from branches.models import Organisation

from .scorecards import Scorecard


class FeedbackNumber(models.Model):
    """The number a committee gives a feedback sheet when it issues it ("〔2026〕12号").

    One row per sheet, kept for good: a sheet made again prints the same number, issuer and
    date. ``serial`` counts the committee's sheets of the year of issue; the unique constraint
    is what keeps two sheets issued at the same moment from sharing a number.
    """

    scorecard = models.OneToOneField(Scorecard, on_delete=models.CASCADE, related_name="feedback_number")
    issuer = models.ForeignKey(
        Organisation, verbose_name=_("issuing committee"), on_delete=models.PROTECT, related_name="+"
    )
    # The issuer's name as printed on the day: a committee renamed later does not rename old sheets.
    issuer_name = models.CharField(_("issuing committee"), max_length=100)
    year = models.PositiveSmallIntegerField(_("year"))
    serial = models.PositiveIntegerField(_("number"))
    issued_on = models.DateField(_("issued on"))

    class Meta:
        verbose_name = _("feedback sheet number")
        verbose_name_plural = _("feedback sheet numbers")
        ordering = ["issuer", "year", "serial"]
        constraints = [
            models.UniqueConstraint(fields=["issuer", "year", "serial"], name="assessments_feedback_number_unique"),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        return settings.ASSESSMENT_FEEDBACK_NUMBER_FORMAT.format(
            prefix=settings.ASSESSMENT_FEEDBACK_NUMBER_PREFIX, year=self.year, serial=self.serial
        )
