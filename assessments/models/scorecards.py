"""对标自查评分表 and its 核标 review: one scorecard per branch per quarter, one line per article."""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Abs
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from branches.models import Organisation
from handbook.models import Article, Deduction, Edition


class ScorecardLocked(ValidationError):
    """Raised by the model-level guards: the change would alter a locked scorecard."""


class ScorecardStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    REVIEWED = "reviewed", _("Reviewed")
    FINAL = "final", _("Final")


# The branch edits its own side only in these states; the reviewer only in the next two.
SELF_EDITABLE = frozenset({ScorecardStatus.DRAFT, ScorecardStatus.RETURNED})
REVIEW_EDITABLE = frozenset({ScorecardStatus.SUBMITTED, ScorecardStatus.REVIEWED})


class Side(models.TextChoices):
    SELF = "self", _("Self-assessment")
    REVIEW = "review", _("Review")


class Grade(models.TextChoices):
    """分类定级."""

    GOOD = "good", _("Good")  # 好
    FAIRLY_GOOD = "fairly_good", _("Fairly good")  # 较好
    AVERAGE = "average", _("Average")  # 一般
    POOR = "poor", _("Poor")  # 较差


def grade_label(code: str) -> str:
    """The grade's words in the active language; "" for no grade (or an unknown code)."""
    return str(Grade(code).label) if code in Grade.values else ""


class Method(models.TextChoices):
    """How the assessment team checked the branch."""

    WRITTEN_TEST = "written_test", _("Written test")  # 笔试
    DOCUMENTS = "documents", _("Document review")  # 查资料
    SITE_VISIT = "site_visit", _("Site visit")  # 看现场
    REPORT = "report", _("Hearing a report")  # 听汇报
    INTERVIEW = "interview", _("Interviews")  # 访谈/座谈


def _methods_valid(value: Any) -> None:
    if not isinstance(value, list) or any(v not in Method.values for v in value):
        raise ValidationError(_("Unknown assessment method."))


class Scorecard(models.Model):
    """对标自查评分表: a branch's quarterly self-assessment, and the committee's review of it."""

    branch = models.ForeignKey(
        Organisation, verbose_name=_("branch"), on_delete=models.PROTECT, related_name="scorecards"
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    quarter = models.PositiveSmallIntegerField(_("quarter"), validators=[MinValueValidator(1), MaxValueValidator(4)])
    edition = models.ForeignKey(Edition, verbose_name=_("handbook edition"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"), max_length=10, choices=ScorecardStatus.choices, default=ScorecardStatus.DRAFT, db_index=True
    )
    deadline = models.DateField(_("deadline"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_late = models.BooleanField(_("late"), default=False)
    return_reason = models.TextField(_("reason for return"), blank=True)
    times_returned = models.PositiveSmallIntegerField(default=0)
    self_total = models.DecimalField(_("self score"), max_digits=6, decimal_places=2, default=Decimal(0))
    # The measured rules the branch claimed fewer deductions on than its records suggest, summed
    # over the lines (kept with each line save and retaken at submission): the dashboard's second
    # honesty signal, read with the card instead of scanning the quarter's lines.
    below_records = models.PositiveIntegerField(_("claimed below the records"), default=0)
    review_total = models.DecimalField(_("review score"), max_digits=6, decimal_places=2, null=True, blank=True)
    grade = models.CharField(_("grade"), max_length=12, choices=Grade.choices, blank=True)
    methods = models.JSONField(_("methods used"), default=list, blank=True, validators=[_methods_valid])
    written_test_score = models.DecimalField(
        _("written test score"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    finalised_at = models.DateTimeField(_("finalised at"), null=True, blank=True)
    feedback_pdf = models.FileField(_("feedback sheet"), upload_to="assessments/feedback/", blank=True)
    feedback_made_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    # Optimistic locking: every write names the version it read and bumps it.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    # Fields that may still change on a final card: the feedback sheet and its acknowledgement.
    AFTER_FINAL_FIELDS = frozenset({"feedback_pdf", "feedback_made_at", "acknowledged_by", "acknowledged_at"})

    class Meta:
        verbose_name = _("scorecard")
        verbose_name_plural = _("scorecards")
        ordering = ["-year", "-quarter", "branch__path"]
        constraints = [
            models.UniqueConstraint(fields=["branch", "year", "quarter"], name="assessments_one_card_per_quarter"),
        ]
        indexes = [
            models.Index(fields=["year", "quarter", "status"]),
            # The dashboard's ranking and its widest gaps: a quarter's final cards walked in
            # the order shown, stopping at the first hundred (thirty) of the subtree.
            models.Index(
                "year",
                "quarter",
                models.F("review_total").desc(),
                condition=models.Q(status=ScorecardStatus.FINAL),
                name="final_cards_by_score",
            ),
            models.Index(
                "year",
                "quarter",
                Abs(models.F("self_total") - models.F("review_total")).desc(),
                models.F("review_total").desc(),
                condition=models.Q(status=ScorecardStatus.FINAL),
                name="final_cards_by_gap",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.branch} · {self.period}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A final card changes only in its feedback sheet and acknowledgement, whatever path.
        if getattr(self, "_loaded_status", None) == ScorecardStatus.FINAL:
            fields = kwargs.get("update_fields")
            if fields is None or not set(fields) <= self.AFTER_FINAL_FIELDS:
                raise ScorecardLocked(_("A final scorecard cannot be changed."))
        super().save(*args, **kwargs)
        self._loaded_status = self.status

    def get_absolute_url(self) -> str:
        return reverse("assessments:scorecard", kwargs={"pk": self.pk})

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if self.status != ScorecardStatus.DRAFT:
            raise ScorecardLocked(_("Only a draft scorecard can be deleted."))
        return super().delete(*args, **kwargs)

    @classmethod
    def from_db(cls, db: Any, field_names: Any, values: Any) -> "Scorecard":
        instance = super().from_db(db, field_names, values)
        instance._loaded_status = instance.__dict__.get("status")  # type: ignore[attr-defined]
        return instance

    @property
    def period(self) -> str:
        return f"{self.year}Q{self.quarter}"

    @property
    def self_editable(self) -> bool:
        return self.status in SELF_EDITABLE

    @property
    def review_editable(self) -> bool:
        return self.status in REVIEW_EDITABLE

    @property
    def is_final(self) -> bool:
        return self.status == ScorecardStatus.FINAL

    @property
    def method_labels(self) -> list[str]:
        return [str(Method(m).label) for m in self.methods if m in Method.values]

    @property
    def final_score(self) -> Decimal | None:
        return self.review_total if self.is_final else None

    @property
    def gap(self) -> Decimal | None:
        """Self score minus review score: positive when the branch scored itself too high."""
        return None if self.review_total is None else self.self_total - self.review_total


class ScorecardLine(models.Model):
    """One article of the scorecard: the branch's deductions and score, then the reviewer's."""

    # No index of its own: the unique (scorecard, article) index starts with the card and serves
    # every read of a card's lines (a second one took 57 MB at 8.3 million lines).
    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="lines", db_index=False)
    article = models.ForeignKey(Article, verbose_name=_("article"), on_delete=models.PROTECT, related_name="+")
    max_score = models.DecimalField(_("max score"), max_digits=5, decimal_places=2)
    self_score = models.DecimalField(_("self score"), max_digits=5, decimal_places=2)
    note = models.TextField(_("note"), blank=True, max_length=2000, validators=[MaxLengthValidator(2000)])
    evidence = models.TextField(
        _("evidence"),
        blank=True,
        max_length=2000,
        validators=[MaxLengthValidator(2000)],
        help_text=_("Ledgers, records or files that show the work"),
    )
    review_score = models.DecimalField(_("review score"), max_digits=5, decimal_places=2, null=True, blank=True)
    review_note = models.TextField(
        _("reviewer's note"), blank=True, max_length=2000, validators=[MaxLengthValidator(2000)]
    )
    # The branch's side is locked per line: two tabs (or two people) saving different lines
    # never refuse each other, and a refused save names who saved the line and when. The
    # card's own version still guards the submit and the review.
    version = models.PositiveIntegerField(default=1)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    saved_at = models.DateTimeField(_("saved at"), null=True, blank=True)
    # Kept on the server (not in the browser) so that the progress bar and the check before
    # submitting agree on every device: set when the secretary first opens or saves the line.
    looked_at = models.DateTimeField(_("looked at"), null=True, blank=True)
    # The measured rules of the line (``assessments.measures``), as the branch last saved or
    # submitted it: {rule id: {"suggested": n, "claimed": n, "reason": "…"}} — the count the
    # records suggested, the count claimed, and why they differ. ``below_records`` is how many
    # of them the branch claimed below the records (the dashboard's second honesty signal).
    claims = models.JSONField(_("measured counts"), default=dict, blank=True)
    below_records = models.PositiveSmallIntegerField(_("claimed below the records"), default=0)

    SELF_FIELDS = ("self_score", "note", "evidence")
    REVIEW_FIELDS = ("review_score", "review_note")

    class Meta:
        verbose_name = _("scorecard line")
        verbose_name_plural = _("scorecard lines")
        ordering = ["scorecard", "article__part__number", "article__code"]
        constraints = [
            models.UniqueConstraint(fields=["scorecard", "article"], name="assessments_one_line_per_article"),
            models.CheckConstraint(
                condition=models.Q(self_score__gte=0, self_score__lte=models.F("max_score")),
                name="assessments_self_score_in_range",
            ),
            models.CheckConstraint(
                condition=models.Q(review_score__isnull=True)
                | models.Q(review_score__gte=0, review_score__lte=models.F("max_score")),
                name="assessments_review_score_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scorecard} · {self.article.code}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        loaded = getattr(self, "_loaded", None)
        if loaded is not None:
            status = Scorecard.objects.values_list("status", flat=True).get(pk=self.scorecard_id)
            changed = {f for f, v in loaded.items() if getattr(self, f) != v}
            if changed & set(self.SELF_FIELDS) and status not in SELF_EDITABLE:
                raise ScorecardLocked(_("The self-assessment of a submitted scorecard cannot be changed."))
            if changed & set(self.REVIEW_FIELDS) and status not in REVIEW_EDITABLE:
                raise ScorecardLocked(_("The review can be changed only while the scorecard is under review."))
        super().save(*args, **kwargs)
        self._loaded = {f: getattr(self, f) for f in self.SELF_FIELDS + self.REVIEW_FIELDS}

    @classmethod
    def from_db(cls, db: Any, field_names: Any, values: Any) -> "ScorecardLine":
        instance = super().from_db(db, field_names, values)
        instance._loaded = {f: instance.__dict__.get(f) for f in cls.SELF_FIELDS + cls.REVIEW_FIELDS}  # type: ignore[attr-defined]
        return instance

    @property
    def gap(self) -> Decimal | None:
        return None if self.review_score is None else self.self_score - self.review_score


class LineDeduction(models.Model):
    """One deduction rule applied to a line, ``count`` times, by the branch or the reviewer."""

    line = models.ForeignKey(ScorecardLine, on_delete=models.CASCADE, related_name="deductions")
    rule = models.ForeignKey(Deduction, verbose_name=_("deduction rule"), on_delete=models.PROTECT, related_name="+")
    side = models.CharField(_("by"), max_length=6, choices=Side.choices)
    count = models.PositiveSmallIntegerField(_("count"), validators=[MinValueValidator(1), MaxValueValidator(999)])

    class Meta:
        verbose_name = _("applied deduction")
        verbose_name_plural = _("applied deductions")
        ordering = ["line", "side", "rule__position", "rule__pk"]
        constraints = [
            models.UniqueConstraint(fields=["line", "rule", "side"], name="assessments_rule_once_per_side"),
        ]

    def __str__(self) -> str:
        return f"{self.rule} × {self.count}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self._guard()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        self._guard()
        return super().delete(*args, **kwargs)

    def _guard(self) -> None:
        status = Scorecard.objects.values_list("status", flat=True).get(lines=self.line_id)
        allowed = SELF_EDITABLE if self.side == Side.SELF else REVIEW_EDITABLE
        if status not in allowed:
            raise ScorecardLocked(_("This scorecard is locked."))


class ScoreChange(models.Model):
    """The audit trail: every change of a score, who made it and when."""

    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="changes")
    line = models.ForeignKey(ScorecardLine, null=True, blank=True, on_delete=models.CASCADE, related_name="changes")
    side = models.CharField(max_length=6, choices=Side.choices, blank=True)
    action = models.CharField(_("action"), max_length=20)
    old_score = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    new_score = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    detail = models.TextField(blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("by")
    )
    changed_at = models.DateTimeField(_("when"), auto_now_add=True)

    ACTION_LABELS = {
        "opened": _("Opened"),
        "line_saved": _("Line saved"),
        "submitted": _("Submitted"),
        "returned": _("Returned"),
        "line_reviewed": _("Line reviewed"),
        "reviewed": _("Review completed"),
        "finalised": _("Finalised"),
    }

    class Meta:
        verbose_name = _("score change")
        verbose_name_plural = _("score changes")
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.scorecard} · {self.action}"

    @property
    def action_label(self) -> str:
        return str(self.ACTION_LABELS.get(self.action, self.action))
