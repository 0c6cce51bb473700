"""核标 plans and 优标 upgrade plans.

An assessment plan says which branches the team checks: every key unit (重点单位) each
quarter, the others by a random sample whose seed and population are recorded so the draw can
be reproduced; the year-end check takes every branch. A branch graded 一般 or 较差 gets an
upgrade plan (整改提高、晋位升级方案) aimed at its weakest articles, open until a grading better
than the plan's grade; every grading in between is recorded on the plan.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from branches.models import Organisation

from .scorecards import Scorecard, grade_label


class PlanKind(models.TextChoices):
    QUARTERLY = "quarterly", _("Quarterly check")
    YEAR_END = "year_end", _("Year-end check")


class EntryReason(models.TextChoices):
    KEY = "key", _("Key unit")
    SAMPLED = "sampled", _("Random sample")
    YEAR_END = "year_end", _("Year-end check")


class AssessmentPlan(models.Model):
    organisation = models.ForeignKey(Organisation, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    quarter = models.PositiveSmallIntegerField(_("quarter"), validators=[MinValueValidator(1), MaxValueValidator(4)])
    kind = models.CharField(_("kind"), max_length=10, choices=PlanKind.choices, default=PlanKind.QUARTERLY)
    sample_percent = models.PositiveSmallIntegerField(
        _("sample of non-key units (%)"), validators=[MaxValueValidator(100)], default=30
    )
    seed = models.BigIntegerField(_("random seed"))
    # The non-key branches the sample was drawn from, in order: with the seed, the draw reproduces.
    population = models.JSONField(default=list)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("assessment plan")
        verbose_name_plural = _("assessment plans")
        ordering = ["-year", "-quarter", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year", "quarter", "kind"], name="assessments_one_plan"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.year}Q{self.quarter} · {self.get_kind_display()}"


class PlanEntry(models.Model):
    plan = models.ForeignKey(AssessmentPlan, on_delete=models.CASCADE, related_name="entries")
    branch = models.ForeignKey(Organisation, verbose_name=_("branch"), on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=10, choices=EntryReason.choices)

    class Meta:
        ordering = ["plan", "branch__code"]
        constraints = [models.UniqueConstraint(fields=["plan", "branch"], name="assessments_plan_branch_once")]

    def __str__(self) -> str:
        return f"{self.plan} · {self.branch}"


class UpgradePlan(models.Model):
    """整改提高、晋位升级方案 for a branch graded 一般 or 较差."""

    branch = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="upgrade_plans")
    scorecard = models.OneToOneField(Scorecard, on_delete=models.PROTECT, related_name="upgrade_plan")
    grade = models.CharField(_("grade"), max_length=12)
    goal = models.TextField(_("goal"), blank=True, max_length=2000, validators=[MaxLengthValidator(2000)])
    closed_by_scorecard = models.ForeignKey(
        Scorecard, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The latest grading since the plan was made (the one that closed it, once closed).
    outcome_grade = models.CharField(_("grade at the latest grading"), max_length=12, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("upgrade plan")
        verbose_name_plural = _("upgrade plans")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.branch} · {self.scorecard.period}"

    @property
    def is_open(self) -> bool:
        return self.closed_by_scorecard_id is None

    @property
    def grade_label(self) -> str:
        return grade_label(self.grade)

    @property
    def outcome_grade_label(self) -> str:
        return grade_label(self.outcome_grade)


class UpgradeGrading(models.Model):
    """A grading of the branch while its upgrade plan was open: the outcome so far. The plan
    closes at the first one better than its own grade."""

    plan = models.ForeignKey(UpgradePlan, on_delete=models.CASCADE, related_name="gradings")
    scorecard = models.ForeignKey(Scorecard, on_delete=models.PROTECT, related_name="+")
    grade = models.CharField(_("grade"), max_length=12)
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2)
    improved = models.BooleanField(_("improved"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("grading during an upgrade plan")
        verbose_name_plural = _("gradings during upgrade plans")
        ordering = ["plan", "scorecard__year", "scorecard__quarter"]
        constraints = [models.UniqueConstraint(fields=["plan", "scorecard"], name="assessments_grading_once_per_plan")]

    def __str__(self) -> str:
        return f"{self.plan} · {self.scorecard.period}"

    @property
    def grade_label(self) -> str:
        return grade_label(self.grade)


class UpgradeTarget(models.Model):
    """One weak article (短板): where the score is to get to, by when, and how far it has come."""

    plan = models.ForeignKey(UpgradePlan, on_delete=models.CASCADE, related_name="targets")
    article_code = models.CharField(_("article"), max_length=16)
    article_title = models.CharField(_("title"), max_length=100)
    score_then = models.DecimalField(_("score"), max_digits=5, decimal_places=2)
    target_score = models.DecimalField(
        _("target score"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    milestone = models.DateField(_("milestone"))
    action = models.TextField(_("measures"), blank=True, max_length=2000, validators=[MaxLengthValidator(2000)])
    progress = models.TextField(_("progress"), blank=True, max_length=2000, validators=[MaxLengthValidator(2000)])
    done = models.BooleanField(_("done"), default=False)

    class Meta:
        ordering = ["plan", "article_code"]

    def __str__(self) -> str:
        return f"{self.plan} · {self.article_code}"
