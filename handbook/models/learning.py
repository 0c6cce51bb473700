"""明标: the quarterly study focus, 解标 training sessions and demonstration branches (示范点)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from branches.models import Organisation

from .standard import Article


class StudyFocus(models.Model):
    """重点学习内容: what every branch below ``organisation`` studies in one quarter."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("published by (unit)"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    quarter = models.PositiveSmallIntegerField(_("quarter"), validators=[MinValueValidator(1), MaxValueValidator(4)])
    note = models.TextField(_("note"))
    articles = models.ManyToManyField(Article, verbose_name=_("articles"), related_name="+")
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    published_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("study focus")
        verbose_name_plural = _("study focuses")
        ordering = ["-year", "-quarter", "organisation__path"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year", "quarter"], name="handbook_one_focus_per_quarter")
        ]

    def __str__(self) -> str:
        return f"{self.year} Q{self.quarter} · {self.organisation}"


class TrainingSession(models.Model):
    """解标培训班: a class explaining articles of the handbook to secretaries."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organised by"), on_delete=models.PROTECT, related_name="+"
    )
    held_on = models.DateField(_("date"))
    topic = models.CharField(_("topic"), max_length=200)
    location = models.CharField(_("location"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    articles = models.ManyToManyField(Article, verbose_name=_("articles covered"), related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.topic}"


class TrainingAttendance(models.Model):
    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="attendances")
    member = models.ForeignKey("members.Member", verbose_name=_("member"), on_delete=models.PROTECT, related_name="+")
    test_score = models.DecimalField(
        _("test score"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        ordering = ["session", "member__name"]
        constraints = [models.UniqueConstraint(fields=["session", "member"], name="handbook_attend_once")]

    def __str__(self) -> str:
        return f"{self.session} · {self.member}"


class DemonstrationBranch(models.Model):
    """示范点: a branch other branches visit to see the standard worked well."""

    organisation = models.OneToOneField(
        Organisation, verbose_name=_("branch"), on_delete=models.CASCADE, related_name="demonstration"
    )
    note = models.TextField(_("note"))
    since = models.DateField(_("since"))
    designated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("demonstration branch")
        verbose_name_plural = _("demonstration branches")
        ordering = ["organisation__path"]

    def __str__(self) -> str:
        return str(self.organisation)
