"""定标: 《基层党建工作标准化管理手册》 as data: editions, parts, articles and deduction rules.

Articles are rows *per edition*: a new draft copies every article, so anything scored or
generated under an older edition keeps pointing at that edition's rows.
"""

import calendar
import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import translation
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..examples import Block, parse_example
from ..measures import MeasureCode, measure_errors


class EditionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("In force")
    RETIRED = "retired", _("Retired")


class Edition(models.Model):
    """One version of the handbook; exactly one is in force (published) at a time."""

    version = models.CharField(_("version"), max_length=32, unique=True)
    title = models.CharField(_("title"), max_length=100)
    status = models.CharField(_("status"), max_length=12, choices=EditionStatus.choices, default=EditionStatus.DRAFT)
    based_on = models.ForeignKey(
        "self", verbose_name=_("based on"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)

    class Meta:
        verbose_name = _("handbook edition")
        verbose_name_plural = _("handbook editions")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["status"], condition=models.Q(status="published"), name="handbook_one_edition_in_force"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.version})"

    @property
    def is_draft(self) -> bool:
        return self.status == EditionStatus.DRAFT


class Part(models.Model):
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="parts")
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=100)

    class Meta:
        ordering = ["edition", "number"]
        constraints = [models.UniqueConstraint(fields=["edition", "number"], name="handbook_part_number_unique")]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class Line(models.TextChoices):
    """大政工: Party, trade union and youth league work run together."""

    PARTY = "party", _("Party")  # 党
    UNION = "union", _("Trade union")  # 工
    LEAGUE = "league", _("Youth league")  # 团


class WhoRole(models.TextChoices):
    SECRETARY = "secretary", _("Branch secretary")  # 支部书记
    ORGANIZING_MEMBER = "organizing_member", _("Organising member")  # 组织委员
    PROPAGANDA_MEMBER = "propaganda_member", _("Propaganda member")  # 宣传委员
    DISCIPLINE_MEMBER = "discipline_member", _("Discipline member")  # 纪检委员
    UNION_CHAIR = "union_chair", _("Trade union chair")  # 工会主席
    LEAGUE_SECRETARY = "league_secretary", _("League secretary")  # 团支部书记
    GROUP_LEADER = "group_leader", _("Party group leader")  # 党小组长
    BRANCH_COMMITTEE = "branch_committee", _("Branch committee")  # 支委会


class Frequency(models.TextChoices):
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    HALF_YEARLY = "half_yearly", _("Half-yearly")
    YEARLY = "yearly", _("Yearly")
    OCCASIONAL = "occasional", _("On occasion")


ALL_QUARTERS = "1234"
# Work done once a year (or half-year) is deducted at the end of its period: a yearly duty
# cannot be missed in Q1. An edition may name other quarters (``Article.assessed_quarters``).
QUARTERS_BY_FREQUENCY = {Frequency.YEARLY: "4", Frequency.HALF_YEARLY: "24"}
# A quarter of the year in words (第二季度): a page never shows it as "Q2".
QUARTER_NAMES = {1: _("first quarter"), 2: _("second quarter"), 3: _("third quarter"), 4: _("fourth quarter")}


def default_quarters(frequency: str) -> str:
    """The quarters in which an article of this frequency is deducted, as digits (``"24"``)."""
    return QUARTERS_BY_FREQUENCY.get(frequency, ALL_QUARTERS)


def clean_quarters(value: object) -> str | None:
    """Quarters written as a list (``[2, 4]``), a number (``4``) or text (``"2,4"``, ``"Q2 Q4"``)
    → sorted digits (``"24"``); ``""`` for none given (``[]`` too: by the frequency); None when
    it is not a set of quarters."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        items: list[object] = [value]
    elif isinstance(value, list | tuple):
        items = list(value)
    elif isinstance(value, str):
        text = value.upper().replace("Q", " ")
        for separator in (",", "，", "、", ";", "/"):
            text = text.replace(separator, " ")
        items = text.split()
        # "24" written without separators is two quarters.
        if len(items) == 1 and len(items[0]) > 1:
            items = list(items[0])
    else:
        return None
    quarters: set[int] = set()
    for item in items:
        if isinstance(item, bool):
            return None
        if isinstance(item, str) and item.strip() in ("1", "2", "3", "4"):
            item = int(item.strip())
        if not isinstance(item, int) or not 1 <= item <= 4 or item in quarters:
            return None
        quarters.add(item)
    return "".join(str(q) for q in sorted(quarters))


def _quarters_valid(value: str) -> None:
    if value and clean_quarters(value) != value:
        raise ValidationError(_("Quarters are written as digits 1 to 4, each once, in order (e.g. 24)."))


class DueKind(models.TextChoices):
    END = "end", _("By the end of the period")
    DAY = "day", _("By day N of the period's last month (weekday N for weekly work)")
    AFTER = "after", _("Within N days after the period ends")
    NONE = "none", _("No fixed date")


class Article(models.Model):
    """One of the 52 articles: 做什么 / 谁来做 / 怎么做 / 何时做 / 做到什么程度."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="articles")
    part = models.ForeignKey(Part, verbose_name=_("part"), on_delete=models.PROTECT, related_name="articles")
    code = models.CharField(_("code"), max_length=16)
    title = models.CharField(_("title"), max_length=100)
    line = models.CharField(_("line"), max_length=8, choices=Line.choices)
    what = models.TextField(_("what to do"))
    who = models.TextField(_("who does it"))
    who_role = models.CharField(_("responsible role"), max_length=20, choices=WhoRole.choices)
    how = models.TextField(_("how to do it"))
    when = models.TextField(_("when"))
    frequency = models.CharField(_("frequency"), max_length=12, choices=Frequency.choices)
    due_kind = models.CharField(_("due rule"), max_length=8, choices=DueKind.choices)
    due_value = models.PositiveSmallIntegerField(_("due rule value"), null=True, blank=True)
    standard = models.TextField(_("standard (to what degree)"))
    evidence = models.TextField(_("evidence / ledger"))
    example = models.TextField(_("example or template"))
    max_score = models.DecimalField(
        _("max score"), max_digits=5, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    # Empty: by the frequency (``default_quarters``). Digits, e.g. "1": the edition says otherwise.
    assessed_quarters = models.CharField(
        _("assessed in quarters"),
        max_length=4,
        blank=True,
        validators=[_quarters_valid],
        help_text=_(
            "The quarters whose scorecard may deduct points on this article. None ticked: by the "
            "frequency (yearly work in Q4, half-yearly work in Q2 and Q4, other work every quarter)."
        ),
    )

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["edition", "part__number", "code"]
        constraints = [models.UniqueConstraint(fields=["edition", "code"], name="handbook_article_code_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @cached_property
    def example_blocks(self) -> list[Block]:
        """The example as paragraphs and tables (``handbook.examples``), for the page and the PDF."""
        return parse_example(self.example)

    @property
    def due_rule(self) -> str:
        """The exchange-format spelling: ``end``, ``day:25``, ``after:15`` or ``none``."""
        if self.due_kind in (DueKind.DAY, DueKind.AFTER):
            return f"{self.due_kind}:{self.due_value}"
        return str(self.due_kind)

    @property
    def due_rule_text(self) -> str:
        """The due rule as a sentence, for people."""
        n = self.due_value or 0
        if self.due_kind == DueKind.DAY and self.frequency == Frequency.WEEKLY:
            return gettext("by weekday %(n)d") % {"n": n}
        if self.due_kind == DueKind.DAY:
            return gettext("by day %(n)d of the period's last month") % {"n": n}
        if self.due_kind == DueKind.AFTER:
            return gettext("within %(n)d days after the period ends") % {"n": n}
        if self.due_kind == DueKind.END:
            return gettext("by the end of the period")
        return gettext("no fixed date")

    @property
    def quarters_assessed(self) -> tuple[int, ...]:
        """The quarters whose scorecard may deduct points on this article."""
        return tuple(int(q) for q in (self.assessed_quarters or default_quarters(self.frequency)))

    def is_assessed_in(self, quarter: int) -> bool:
        return quarter in self.quarters_assessed

    @property
    def quarters_text(self) -> str:
        """ "Every quarter" or "第二季度、第四季度" (Chinese) / "second quarter, fourth quarter", for people."""
        quarters = self.quarters_assessed
        if len(quarters) == 4:
            return gettext("every quarter")
        separator = "、" if (translation.get_language() or "").startswith("zh") else ", "
        return separator.join(str(QUARTER_NAMES[q]) for q in quarters)

    def clean(self) -> None:
        # The frequency's own quarters are stored as "": a later change of frequency carries them.
        if clean_quarters(self.assessed_quarters) == default_quarters(self.frequency):
            self.assessed_quarters = ""
        errors = due_rule_errors(self.frequency, self.due_kind, self.due_value)
        if self.part_id and self.edition_id and self.part.edition_id != self.edition_id:
            errors["part"] = _("The part belongs to another edition.")
        if errors:
            raise ValidationError(errors)

    def due_date(self, period_start: dt.date, period_end: dt.date) -> dt.date | None:
        """When work for the period ``[period_start, period_end]`` is due; None for occasional work."""
        if self.due_kind == DueKind.NONE:
            return None
        if self.due_kind == DueKind.AFTER:
            return period_end + dt.timedelta(days=self.due_value or 0)
        if self.due_kind == DueKind.DAY:
            n = self.due_value or 1
            if self.frequency == Frequency.WEEKLY:
                return period_start + dt.timedelta(days=(n - period_start.isoweekday()) % 7)
            last_day = calendar.monthrange(period_end.year, period_end.month)[1]
            # "The 31st" in a 30-day month means its last day.
            return period_end.replace(day=min(n, last_day))
        return period_end


def due_rule_errors(frequency: str, due_kind: str, due_value: int | None) -> dict[str, str]:
    """The rules a due rule must follow, shared by the model and the importer."""
    errors: dict[str, str] = {}
    if due_kind in (DueKind.DAY, DueKind.AFTER):
        if due_value is None:
            errors["due_value"] = _("This due rule needs a number.")
        elif due_kind == DueKind.DAY and frequency == Frequency.WEEKLY and not 1 <= due_value <= 7:
            errors["due_value"] = _("For weekly work the day is a weekday from 1 (Monday) to 7 (Sunday).")
        elif due_kind == DueKind.DAY and not 1 <= due_value <= 31:
            errors["due_value"] = _("The day must be between 1 and 31.")
        elif due_kind == DueKind.AFTER and due_value > 366:
            errors["due_value"] = _("At most 366 days after the period ends.")
    elif due_value is not None:
        errors["due_value"] = _("Only 'day' and 'after' rules take a number.")
    if due_kind == DueKind.NONE and frequency != Frequency.OCCASIONAL:
        errors["due_kind"] = _("Only occasional work may have no due date.")
    return errors


class Deduction(models.Model):
    """A deduction rule: points off per occurrence, at most ``cap`` in all."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="deductions")
    position = models.PositiveSmallIntegerField(default=0)
    description = models.CharField(_("description"), max_length=300)
    points = models.DecimalField(
        _("points per occurrence"), max_digits=5, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    cap = models.DecimalField(_("at most"), max_digits=5, decimal_places=2, null=True, blank=True)
    # What the ledgers and tasks say about the rule (``handbook.measures``): blank, not measurable.
    measure = models.CharField(_("measure"), max_length=32, blank=True, choices=MeasureCode.choices)
    measure_params = models.JSONField(_("measure parameters"), default=dict, blank=True)

    class Meta:
        verbose_name = _("deduction rule")
        verbose_name_plural = _("deduction rules")
        ordering = ["article", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.description} −{self.points}"

    @property
    def is_once(self) -> bool:
        """A rule that applies once (a duty not done at all: "未开展民主评议党员，扣3分"): its cap
        is its points, so a second occurrence could never take anything more off."""
        return self.cap is not None and self.cap == self.points

    def clean(self) -> None:
        if self.cap is not None and self.article_id and self.cap > self.article.max_score:
            raise ValidationError({"cap": _("The cap cannot be above the article's max score.")})
        if self.cap is not None and self.points and self.points > self.cap:
            raise ValidationError({"points": _("Points per occurrence cannot be above the cap.")})
        measure_problems = measure_errors(self.measure, self.measure_params)
        if measure_problems:
            raise ValidationError({"measure_params": measure_problems})
