"""核标 检查记录: the record of the assessment team's check of a branch.

A record belongs to the scorecard the team reviewed: who checked (the leader and the team),
when, by which methods, and what each method found; the written-test scores (only when 笔试
was among the methods), the good practice seen (好的做法, which may be sent to the handbook as
a proposal: 优标) and the branch's difficulties (困难和问题), tracked until the committee answers.
A quarter's record points at the plan entry it carries out; ``plan_entry`` empty means the
branch was checked outside the plan (计划外). The year-end check (年终检查) has its own record
(``kind`` year_end) with its own score, which the year grade reads.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .plans import PlanEntry, PlanKind
from .scorecards import Method, Scorecard, _methods_valid

NOTE_MAX = 2000


class CheckState(models.TextChoices):
    """Where a plan entry's check stands (not stored: read from the card and its record)."""

    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("Record in progress")
    REVIEWED = "reviewed", _("Reviewed")
    FINAL = "final", _("Final")


# A planned check counts as done once reviewed (or final).
CHECK_DONE = frozenset({CheckState.REVIEWED, CheckState.FINAL})


def _note(label: str) -> models.TextField:
    return models.TextField(label, blank=True, max_length=NOTE_MAX, validators=[MaxLengthValidator(NOTE_MAX)])


def _score_range() -> list:
    return [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))]


class CheckRecord(models.Model):
    """检查记录: one check of a branch (a quarter's check or the year-end check)."""

    scorecard = models.ForeignKey(
        Scorecard, verbose_name=_("scorecard"), on_delete=models.CASCADE, related_name="check_records"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=PlanKind.choices, default=PlanKind.QUARTERLY)
    plan_entry = models.ForeignKey(
        PlanEntry,
        verbose_name=_("plan entry"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="check_records",
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("team leader"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    team = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("check team"), related_name="+")
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("to"))
    methods = models.JSONField(_("methods used"), default=list, blank=True, validators=[_methods_valid])
    documents_notes = _note(_("documents reviewed"))
    site_visit_notes = _note(_("site visit"))
    report_notes = _note(_("report heard"))
    interview_notes = _note(_("interviews"))
    next_focus = _note(_("focus of the next check"))
    year_end_score = models.DecimalField(
        _("year-end check score"), max_digits=5, decimal_places=2, null=True, blank=True, validators=_score_range()
    )
    # Optimistic locking, as on the scorecard: a write names the version it read.
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # The note field that holds what each method found (笔试 has its scores instead).
    METHOD_NOTES = {
        Method.DOCUMENTS: "documents_notes",
        Method.SITE_VISIT: "site_visit_notes",
        Method.REPORT: "report_notes",
        Method.INTERVIEW: "interview_notes",
    }

    class Meta:
        verbose_name = _("check record")
        verbose_name_plural = _("check records")
        ordering = ["-started_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["scorecard", "kind"], name="assessments_one_record_per_kind"),
            models.CheckConstraint(
                condition=models.Q(ended_on__gte=models.F("started_on")), name="assessments_check_dates_in_order"
            ),
            models.CheckConstraint(
                condition=models.Q(kind=PlanKind.YEAR_END) | models.Q(year_end_score__isnull=True),
                name="assessments_year_end_score_only_year_end",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scorecard} · {self.get_kind_display()}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.started_on and self.ended_on and self.ended_on < self.started_on:
            errors["ended_on"] = _("The check cannot end before it starts.")
        if self.kind != PlanKind.YEAR_END and self.year_end_score is not None:
            errors["year_end_score"] = _("Only the year-end check has a score of its own.")
        if errors:
            raise ValidationError(errors)

    @property
    def in_plan(self) -> bool:
        return self.plan_entry_id is not None

    @property
    def is_year_end(self) -> bool:
        return self.kind == PlanKind.YEAR_END

    @property
    def method_labels(self) -> list[str]:
        return [str(Method(m).label) for m in self.methods if m in Method.values]

    @property
    def has_written_test(self) -> bool:
        return Method.WRITTEN_TEST in self.methods


class WrittenTestScore(models.Model):
    """One person's 笔试 score in a check that used the written test."""

    record = models.ForeignKey(CheckRecord, on_delete=models.CASCADE, related_name="written_scores")
    person_name = models.CharField(_("name"), max_length=50)
    member = models.ForeignKey(
        "members.Member", verbose_name=_("member"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=1, validators=_score_range())

    class Meta:
        verbose_name = _("written test score")
        verbose_name_plural = _("written test scores")
        ordering = ["record", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__gte=0, score__lte=100), name="assessments_written_score_in_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_name} {self.score}"


class GoodPractice(models.Model):
    """好的做法 seen at the branch; a reviewer may send it to the handbook as a proposal (优标)."""

    record = models.ForeignKey(CheckRecord, on_delete=models.CASCADE, related_name="good_practices")
    title = models.CharField(_("title"), max_length=100)
    description = _note(_("description"))
    proposal = models.ForeignKey(
        "handbook.ChangeProposal",
        verbose_name=_("handbook proposal"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("sent to the handbook"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("good practice")
        verbose_name_plural = _("good practices")
        ordering = ["record", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_sent(self) -> bool:
        return self.sent_at is not None


class Difficulty(models.Model):
    """困难和问题 the branch raised during the check, open until the committee answers."""

    record = models.ForeignKey(CheckRecord, on_delete=models.CASCADE, related_name="difficulties")
    text = models.TextField(_("difficulty or problem"), max_length=NOTE_MAX, validators=[MaxLengthValidator(NOTE_MAX)])
    answer = _note(_("the committee's answer"))
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("difficulty")
        verbose_name_plural = _("difficulties")
        ordering = ["record", "pk"]

    def __str__(self) -> str:
        return self.text[:30]

    @property
    def is_open(self) -> bool:
        return self.answered_at is None
