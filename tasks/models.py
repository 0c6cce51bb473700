"""对标 as daily work: tasks generated from the handbook (or sent by a committee), their
evidence and audit trail, and the reminder sheets (党建工作提醒表) sent to each branch."""

import datetime as dt

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from branches.models import Organisation
from handbook.models import Article

from .periods import period_key_label


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    CHECKED = "checked", _("Checked")
    CANCELLED = "cancelled", _("Cancelled")


class Quality(models.TextChoices):
    # A context of their own: "Good" and "Poor" are also grades (好 / 较差) of a scorecard.
    EXCELLENT = "excellent", pgettext_lazy("task quality", "Excellent")  # 优
    GOOD = "good", pgettext_lazy("task quality", "Good")  # 良
    FAIR = "fair", pgettext_lazy("task quality", "Fair")  # 中
    POOR = "poor", pgettext_lazy("task quality", "Poor")  # 差


# For averages: 优 4 … 差 1.
QUALITY_POINTS = {Quality.EXCELLENT: 4, Quality.GOOD: 3, Quality.FAIR: 2, Quality.POOR: 1}


class AdHocRequest(models.Model):
    """阶段性工作要求: a task a committee sends, with a deadline, to branches below it."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="task_requests")
    title = models.CharField(_("title"), max_length=100)
    what = models.TextField(_("what to do"), max_length=5000, validators=[MaxLengthValidator(5000)])
    standard = models.TextField(
        _("standard (to what degree)"), blank=True, max_length=5000, validators=[MaxLengthValidator(5000)]
    )
    due_on = models.DateField(_("deadline"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("work requirement")
        verbose_name_plural = _("work requirements")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class Task(models.Model):
    """One piece of work of one branch for one period, tracked to the person and the day.

    Handbook tasks are unique per branch × article × period; ad-hoc tasks per branch ×
    request. Overdue is not stored: an open task past its due date is overdue.
    """

    # Indexes are few on purpose: a quarter for 2,000 branches inserts 362,000 rows. The
    # (branch, status, due_on) index serves lookups by branch; who completed or checked a
    # task is never a lookup.
    branch = models.ForeignKey(
        Organisation, verbose_name=_("branch"), on_delete=models.PROTECT, related_name="tasks", db_index=False
    )
    article = models.ForeignKey(Article, null=True, blank=True, on_delete=models.PROTECT, related_name="tasks")
    request = models.ForeignKey(AdHocRequest, null=True, blank=True, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("title"), max_length=100)
    frequency = models.CharField(_("frequency"), max_length=12, blank=True)
    period_key = models.CharField(_("period"), max_length=12)
    period_start = models.DateField()
    period_end = models.DateField()
    due_on = models.DateField(_("due on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_tasks",
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    # Free text has a limit like every other field: a 4 MB note made an 8 MB page.
    completion_note = models.TextField(_("note"), blank=True, max_length=5000, validators=[MaxLengthValidator(5000)])
    # Whole days late (0 = on time), fixed when the task is done: statistics aggregate it.
    delay_days = models.IntegerField(null=True, blank=True)
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    quality = models.CharField(_("quality"), max_length=12, choices=Quality.choices, blank=True)
    check_comment = models.TextField(
        _("reviewer's comment"), blank=True, max_length=2000, validators=[MaxLengthValidator(2000)]
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=200, blank=True)
    supervised = models.BooleanField(_("under supervision"), default=False)  # 督办
    supervised_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["branch", "article", "period_key"],
                condition=models.Q(article__isnull=False),
                name="task_one_per_branch_article_period",
            ),
            models.UniqueConstraint(
                fields=["branch", "request"],
                condition=models.Q(request__isnull=False),
                name="task_one_per_branch_request",
            ),
            models.CheckConstraint(
                condition=models.Q(article__isnull=True) | models.Q(request__isnull=True),
                name="task_from_article_or_request",
            ),
        ]
        indexes = [models.Index(fields=["branch", "status", "due_on"]), models.Index(fields=["status", "due_on"])]

    def __str__(self) -> str:
        # The admin and error messages show it: the period in words, not its key.
        return f"{self.title} · {period_key_label(self.period_key)}"

    @property
    def code(self) -> str:
        return self.article.code if self.article_id else ""

    def is_overdue(self, today: dt.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.status == TaskStatus.OPEN and self.due_on is not None and self.due_on < today

    @property
    def is_open(self) -> bool:
        return self.status == TaskStatus.OPEN


def _evidence_upload_to(instance: "Evidence", filename: str) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"tasks/evidence/{timezone.now():%Y/%m}/{instance.task_id}-{timezone.now():%H%M%S%f}.{suffix}"


class Evidence(models.Model):
    """A file proving the work was done (资料台账): served only through an access check."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to=_evidence_upload_to)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class EventKind(models.TextChoices):
    CREATED = "created", _("Created")
    ASSIGNED = "assigned", _("Assigned")
    COMPLETED = "completed", _("Completed")
    EVIDENCE = "evidence", _("Evidence added")
    CHECKED = "checked", _("Checked")
    CANCELLED = "cancelled", _("Cancelled")
    SUPERVISED = "supervised", _("Put under supervision")
    COMMENT = "comment", _("Supervision comment")
    REPLY = "reply", _("Branch's answer")
    RELEASED = "released", _("Supervision ended")


class TaskEvent(models.Model):
    """The audit trail: every change to a task, who made it and when."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=12, choices=EventKind.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    text = models.TextField(blank=True)
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.task_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"


class SheetKind(models.TextChoices):
    """党建 日/月/季/半年 工作提醒表."""

    DAILY = "daily", _("Daily")
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    HALF_YEARLY = "half_yearly", _("Half-yearly")


class ReminderSheet(models.Model):
    """One reminder sheet of one branch for one period, stored once (unique) with its lines
    as they stood when it was made, so that what was sent can be shown again."""

    branch = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="reminder_sheets")
    kind = models.CharField(_("kind"), max_length=12, choices=SheetKind.choices)
    period_key = models.CharField(_("period"), max_length=12)
    period_start = models.DateField()
    period_end = models.DateField()
    lines = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    # Set by the one run that claims the sheet for sending (a conditional UPDATE).
    claim = models.CharField(max_length=36, blank=True, db_index=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    recipients = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("reminder sheet")
        verbose_name_plural = _("reminder sheets")
        ordering = ["-period_start", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["branch", "kind", "period_key"], name="reminder_sheet_once_per_period"),
        ]

    def __str__(self) -> str:
        return f"{self.branch} · {self.get_kind_display()} · {period_key_label(self.period_key)}"

    @property
    def due_lines(self) -> list[dict]:
        return [line for line in self.lines if not line.get("overdue")]

    @property
    def overdue_lines(self) -> list[dict]:
        return [line for line in self.lines if line.get("overdue")]


class NotificationKind(models.TextChoices):
    SHEET = "sheet", _("New reminder sheet")
    REQUEST = "request", _("New work requirement")
    SUPERVISION = "supervision", _("Supervision comment")


class Notification(models.Model):
    """What a branch is told: a new reminder sheet, a work requirement, a supervision comment.
    The text is made when shown, in the reader's language."""

    branch = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=12, choices=NotificationKind.choices)
    sheet = models.ForeignKey(ReminderSheet, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["branch", "-created_at"])]
        constraints = [
            # A sheet is announced once, whether by the run that made it or the one that sent it.
            models.UniqueConstraint(
                fields=["sheet"], condition=models.Q(sheet__isnull=False), name="notification_once_per_sheet"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.branch_id} {self.kind}"


class TallyCounts(models.Model):
    """What a tally counts of one branch's tasks in one quarter (a day of it, or all of it)."""

    branch = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+", db_index=False)
    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    due = models.IntegerField(default=0)  # not cancelled
    open_tasks = models.IntegerField(default=0)
    done = models.IntegerField(default=0)  # done or checked
    on_time = models.IntegerField(default=0)  # done with no delay
    delay_sum = models.IntegerField(default=0)  # days late, over the done ones
    checked = models.IntegerField(default=0)
    quality_sum = models.IntegerField(default=0)  # QUALITY_POINTS over the checked ones rated
    quality_n = models.IntegerField(default=0)

    class Meta:
        abstract = True


class TaskTally(TallyCounts):
    """The tasks of one branch due on one day, counted for the dashboard (one row per branch ×
    due date that has tasks, its quarter beside it): a quarter's figures are sums over a few
    rows a branch instead of over its 181 tasks. Kept by the tasks services in the
    transaction that changes a task (``tasks.tallies``); ``manage.py rebuild_task_tallies``
    recounts them. Counted per due date, not per quarter, because "overdue" (open and due
    before today) depends on the day it is read: the quarter row keeps it as of a day, and the
    reader sums the open counts of the days between that day and today (none once the daily
    job has run). Cancelled tasks and tasks without a due date are not counted."""

    due_on = models.DateField()

    class Meta:
        verbose_name = _("task tally")
        verbose_name_plural = _("task tallies")
        constraints = [
            # In this column order it is also the dashboard's index: the quarter, then the branch.
            models.UniqueConstraint(fields=["year", "quarter", "branch", "due_on"], name="task_tally_once"),
        ]

    def __str__(self) -> str:
        return f"{self.branch_id} · {self.due_on}"


# A day before any task: as of it nothing is overdue (a quarter tally's starting point).
OVERDUE_EPOCH = dt.date(2000, 1, 1)


class TaskQuarterTally(TallyCounts):
    """The tasks of one branch due in one calendar quarter, counted for the dashboard: the
    quarter's ``TaskTally`` rows summed, kept beside them by the same statements. The
    dashboard reads everything from here, one row a branch: overdue is the open count for a
    quarter that has ended, and for the quarter that holds today ``overdue_open``, the open
    tasks due before ``overdue_as_of`` — a day the daily job moves to today, so that the
    per-date rows are read only for the days between (none once the job has run;
    ``tasks.statistics.tally_sums``)."""

    overdue_open = models.IntegerField(default=0)
    overdue_as_of = models.DateField(default=OVERDUE_EPOCH)

    class Meta:
        verbose_name = _("task quarter tally")
        verbose_name_plural = _("task quarter tallies")
        constraints = [
            # The quarter, then the branch: the dashboard's index too.
            models.UniqueConstraint(fields=["year", "quarter", "branch"], name="task_quarter_tally_once"),
        ]

    def __str__(self) -> str:
        return f"{self.branch_id} · {self.year}Q{self.quarter}"
