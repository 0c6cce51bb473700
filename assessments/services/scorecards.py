"""对标: opening a quarter's scorecard, the branch's line-by-line self-assessment, submitting."""

import calendar
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from branches import audit
from branches.models import Organisation, OrgKind, User
from config.exceptions import Conflict
from config.request_values import is_ascii_digits, parse_quarter
from handbook.selectors import edition_in_force

from ..dashboard_generations import unfinished_card_writes
from ..measures import Measured, measure_card
from ..models import LineDeduction, Scorecard, ScorecardLine, ScorecardStatus, ScoreChange, Side
from ..selectors import may_edit_self
from .claims import ReasonRequired, below_records, claims_for, refuse_unanswered
from .scoring import Applied, line_score, refuse_if_not_assessed

MAX_COUNT = 999


class StaleVersion(Conflict):
    """Someone else saved the scorecard since this page was loaded (a 409 in the API)."""


def quarter_start(year: int, quarter: int) -> dt.date:
    return dt.date(year, quarter * 3 - 2, 1)


def quarter_end(year: int, quarter: int) -> dt.date:
    month = quarter * 3
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def default_deadline(year: int, quarter: int) -> dt.date:
    """The quarter's last day plus ASSESSMENT_DEADLINE_DAYS (10 unless configured)."""
    return quarter_end(year, quarter) + dt.timedelta(days=getattr(settings, "ASSESSMENT_DEADLINE_DAYS", 10))


def current_quarter(today: dt.date | None = None) -> tuple[int, int]:
    today = today or timezone.localdate()
    return today.year, (today.month - 1) // 3 + 1


def parse_period(text: str) -> tuple[int, int]:
    """``2026Q3`` → (2026, 3)."""
    return parse_quarter(text)


def lock_scorecard(scorecard_id: int, version: int | None) -> Scorecard:
    """The card, locked for this transaction; refuses a write based on an older version."""
    card = Scorecard.objects.select_for_update().select_related("branch").get(pk=scorecard_id)
    if version is not None and card.version != version:
        raise StaleVersion(
            _("Someone else saved this scorecard in the meantime. Nothing was changed: reload the page and try again.")
        )
    return card


def bump(card: Scorecard, *fields: str) -> None:
    card.version += 1
    card.full_clean()
    card.save(update_fields=["version", *fields])


@transaction.atomic
def scorecard_open(
    *, branch: Organisation, year: int, quarter: int, by: User | None = None, deadline: dt.date | None = None
) -> Scorecard:
    """Opens the quarter's card with one line per article of the edition in force (idempotent)."""
    existing = Scorecard.objects.filter(branch=branch, year=year, quarter=quarter).first()
    if existing is not None:
        return existing
    if by is not None and not may_edit_self(by, Scorecard(branch=branch)):
        raise PermissionDenied
    if branch.kind != OrgKind.BRANCH or not branch.is_active:
        raise ValidationError(_("Scorecards are kept by active branches."))
    edition = edition_in_force()
    if edition is None:
        raise ValidationError(_("No handbook edition is in force."))
    card = Scorecard(
        branch=branch,
        year=year,
        quarter=quarter,
        edition=edition,
        deadline=deadline or default_deadline(year, quarter),
    )
    articles = list(edition.articles.all())
    card.self_total = sum((a.max_score for a in articles), Decimal(0))
    card.full_clean()
    card.save()
    ScorecardLine.objects.bulk_create(
        ScorecardLine(scorecard=card, article=a, max_score=a.max_score, self_score=a.max_score) for a in articles
    )
    ScoreChange.objects.create(scorecard=card, action="opened", new_score=card.self_total, changed_by=by)
    return card


def clean_counts(line: ScorecardLine, counts: Mapping[int, object], *, quarter: int) -> dict[int, int]:
    """Rule id → count, checked: the rule belongs to the line's article, 0 ≤ count ≤ 999, a
    rule that applies once (``Deduction.is_once``) is counted at most once, and no count at
    all on an article not assessed in the card's ``quarter``."""
    rules = {rule.pk: rule for rule in line.article.deductions.all()}
    cleaned: dict[int, int] = {}
    for rule_id, raw in counts.items():
        rule = rules.get(rule_id)
        if rule is None:
            raise ValidationError(_("That deduction rule does not belong to this article."))
        text = str(raw).strip() or "0"
        if not is_ascii_digits(text, max_digits=6):
            raise ValidationError(_("A count must be a whole number."))
        count = int(text)
        if count < 0 or count > MAX_COUNT:
            raise ValidationError(_("A count must be between 0 and %(max)d.") % {"max": MAX_COUNT})
        if rule.is_once and count > 1:
            raise ValidationError(
                _("“%(rule)s” applies once: its count can only be 0 or 1.") % {"rule": rule.description}
            )
        cleaned[rule_id] = count
    if any(cleaned.values()):
        refuse_if_not_assessed(line.article, quarter)
    return cleaned


def apply_deductions(*, line: ScorecardLine, side: str, counts: dict[int, int]) -> Decimal:
    """Replaces one side's deductions on the line with ``counts``; returns the line's new score on that side."""
    existing = {d.rule_id: d for d in LineDeduction.objects.filter(line=line, side=side)}
    # The counts are the whole picture for this side: a rule not named is not applied.
    wanted = {rule_id: 0 for rule_id in existing} | counts
    for rule_id, count in wanted.items():
        current = existing.get(rule_id)
        if count == 0 and current is not None:
            current.delete()
        elif count and current is None:
            LineDeduction(line=line, rule_id=rule_id, side=side, count=count).save()
        elif count and current is not None and current.count != count:
            current.count = count
            current.save(update_fields=["count"])
    applied = [
        Applied(points=d.rule.points, cap=d.rule.cap, count=d.count)
        for d in LineDeduction.objects.filter(line=line, side=side).select_related("rule")
    ]
    return line_score(line.max_score, applied)


def describe(line: ScorecardLine, counts: dict[int, int]) -> str:
    names = {rule.pk: rule.description for rule in line.article.deductions.all()}
    parts = [f"{names[rule_id]} ×{count}" for rule_id, count in counts.items() if count]
    return f"{line.article.code}: " + ("; ".join(parts) or "—")


class StaleLine(Conflict):
    """Someone saved this line since it was read: the message names who and when, even when it
    is the same user in another tab; ``line`` is the line as it now stands (a 409 in the API)."""

    def __init__(self, line: ScorecardLine) -> None:
        self.line = line
        super().__init__(
            _("%(who)s saved this line at %(when)s. Nothing was changed: compare the two versions and choose.")
            % {"who": saved_by_name(line), "when": saved_when(line)}
        )


def saved_by_name(line: ScorecardLine) -> str:
    return str(line.saved_by) if line.saved_by else _("someone")


def saved_when(line: ScorecardLine) -> str:
    """10:32 today, 05-14 10:32 on another day of the year, 2025-12-30 10:32 before."""
    if line.saved_at is None:
        return ""
    at = timezone.localtime(line.saved_at)
    today = timezone.localdate()
    if at.date() == today:
        return f"{at:%H:%M}"
    return f"{at:%m-%d %H:%M}" if at.year == today.year else f"{at:%Y-%m-%d %H:%M}"


@dataclass(frozen=True)
class LineEdit:
    """What the branch asks of one line: every deduction that applies, the texts (None keeps
    the line's), and the line's version as read (None: the card's version is checked instead)."""

    line_id: int
    counts: Mapping[int, object]
    note: str | None = None
    evidence: str | None = None
    version: int | None = None
    # Rule id → why the count differs from the records' suggestion; None: not asked (kept).
    reasons: Mapping[int, str] | None = None


@transaction.atomic
@unfinished_card_writes()  # a self-editable card: the dashboard reads its scores once final
def scorecard_lines_save(
    *, scorecard: Scorecard, by: User, edits: Sequence[LineEdit], version: int | None = None
) -> Scorecard:
    """Saves several lines of the branch's side, all or none; the scores and total are computed.

    Each write names what it read: the card's ``version`` (any line saved since refuses it) or,
    for every line, the line's own version (only a save of that same line refuses it). A
    refusal of item ``n`` is keyed ``lines.n`` (``lines.n.line`` for a line of another card).
    Bumps the card's version once: a submit based on the card as it was is refused.
    """
    if version is None and any(edit.version is None for edit in edits):
        raise ValidationError(_("The form is missing the scorecard's version: reload the page."))
    card = lock_scorecard(scorecard.pk, version)
    if not may_edit_self(by, card):
        raise PermissionDenied
    if not card.self_editable:
        raise Conflict(_("This scorecard is %(status)s and cannot be changed.") % {"status": card.get_status_display()})
    # The card's row lock (above) serialises every write of its lines.
    lines = {
        line.pk: line
        for line in ScorecardLine.objects.filter(scorecard=card, pk__in=[edit.line_id for edit in edits])
        .select_related("article", "saved_by")
        .prefetch_related("article__deductions")
    }
    unknown = {
        f"lines.{n}.line": [_("This is not a line of this scorecard.")]
        for n, edit in enumerate(edits)
        if edit.line_id not in lines
    }
    if unknown:
        raise ValidationError(unknown)
    now = timezone.now()
    measured = [rule for line in lines.values() for rule in line.article.deductions.all() if rule.measure]
    measures = measure_card(card, rules=measured) if measured else {}
    for n, edit in enumerate(edits):
        line = lines[edit.line_id]
        if edit.version is not None and edit.version != line.version:
            raise StaleLine(line)
        try:
            _line_apply(card, line, edit, by, now, measures)
        except ReasonRequired as exc:
            raise ReasonRequired({f"lines.{n}.{k}": v for k, v in exc.message_dict.items()}) from None
        except ValidationError as exc:
            raise ValidationError({f"lines.{n}": exc.messages}) from None
    sums = ScorecardLine.objects.filter(scorecard=card).aggregate(t=Sum("self_score"), b=Sum("below_records"))
    card.self_total, card.below_records = sums["t"] or 0, sums["b"] or 0
    bump(card, "self_total", "below_records")
    return card


def _line_apply(
    card: Scorecard, line: ScorecardLine, edit: LineEdit, by: User, now: dt.datetime, measures: Mapping[int, Measured]
) -> None:
    cleaned = clean_counts(line, edit.counts, quarter=card.quarter)
    if measures:
        before = dict(
            LineDeduction.objects.filter(line=line, side=Side.SELF).order_by().values_list("rule_id", "count")
        )
        line.claims = claims_for(line, cleaned, measures, edit.reasons, before=before)
    line.below_records = below_records(line.claims)
    old = line.self_score
    line.self_score = apply_deductions(line=line, side=Side.SELF, counts=cleaned)
    if edit.note is not None:
        line.note = edit.note.strip()
    if edit.evidence is not None:
        line.evidence = edit.evidence.strip()
    line.version += 1
    line.saved_by, line.saved_at = by, now
    line.looked_at = line.looked_at or now
    line.full_clean()
    line.save()
    ScoreChange.objects.create(
        scorecard=card,
        line=line,
        side=Side.SELF,
        action="line_saved",
        old_score=old,
        new_score=line.self_score,
        detail=describe(line, cleaned),
        changed_by=by,
    )


def scorecard_line_save(
    *,
    line: ScorecardLine,
    by: User,
    counts: Mapping[int, object],
    version: int | None = None,
    line_version: int | None = None,
    note: str | None = "",
    evidence: str | None = "",
    reasons: Mapping[int, str] | None = None,
) -> ScorecardLine:
    """The branch's deductions, note and evidence for one line (``scorecard_lines_save`` with
    one item); returns the line as saved, its ``scorecard`` the card with the new total.
    ``reasons``: why a measured rule's count differs from the records (``services.claims``)."""
    edit = LineEdit(line_id=line.pk, counts=counts, note=note, evidence=evidence, version=line_version, reasons=reasons)
    try:
        card = scorecard_lines_save(scorecard=line.scorecard, by=by, edits=[edit], version=version)
    except ReasonRequired as exc:
        # One line: each message keyed by its field, without the item's number.
        raise ReasonRequired({k.split(".", 2)[2]: v for k, v in exc.message_dict.items()}) from None
    except ValidationError as exc:
        if isinstance(exc, Conflict) or not hasattr(exc, "error_dict"):
            raise
        raise ValidationError(exc.messages) from None  # one line: its messages, without the key
    saved = ScorecardLine.objects.select_related("article", "saved_by").get(pk=line.pk)
    saved.scorecard = card
    return saved


@unfinished_card_writes()
def scorecard_line_seen(*, line: ScorecardLine, by: User) -> bool:
    """Records that the branch's secretary opened the line (once; no version changes: nothing
    the line says has changed). False when there was nothing to record."""
    card = line.scorecard
    if not card.self_editable or not may_edit_self(by, card):
        return False
    return bool(ScorecardLine.objects.filter(pk=line.pk, looked_at__isnull=True).update(looked_at=timezone.now()))


@transaction.atomic
def scorecard_submit(*, scorecard: Scorecard, by: User, version: int) -> Scorecard:
    """Locks the branch's side. The review starts from the branch's own deductions: the
    reviewer confirms or changes each line, and the gap shows where they differ.

    Strict about the records (``claims.refuse_unanswered``): with the suggestions brought up
    to the records as they stand, a measured rule counted *below* its suggestion without a
    reason refuses the submission (``BelowRecordsUnanswered`` names the lines; nothing is
    changed). A count *above* the suggestion without a reason is let through: the branch
    deducts itself more than the records show, which inflates nothing."""
    card = lock_scorecard(scorecard.pk, version)
    if not may_edit_self(by, card):
        raise PermissionDenied
    if not card.self_editable:
        raise Conflict(_("Only a draft or returned scorecard can be submitted."))
    # Refreshes the lines' claims (the reviewer and the dashboard read them); a refusal rolls
    # the refresh back with the rest.
    refuse_unanswered(card)
    first_time = card.submitted_at is None
    now = timezone.now()
    card.status = ScorecardStatus.SUBMITTED
    card.submitted_at, card.submitted_by = now, by
    if first_time:
        card.is_late = timezone.localdate(now) > card.deadline
    bump(card, "status", "submitted_at", "submitted_by", "is_late")
    lines = list(ScorecardLine.objects.filter(scorecard=card))
    LineDeduction.objects.filter(line__scorecard=card, side=Side.REVIEW).delete()
    LineDeduction.objects.bulk_create(
        LineDeduction(line_id=d.line_id, rule_id=d.rule_id, side=Side.REVIEW, count=d.count)
        for d in LineDeduction.objects.filter(line__scorecard=card, side=Side.SELF)
    )
    for line in lines:
        line.review_score = line.self_score
    ScorecardLine.objects.bulk_update(lines, ["review_score"])
    card.review_total = card.self_total
    card.save(update_fields=["review_total"])
    ScoreChange.objects.create(
        scorecard=card, action="submitted", new_score=card.self_total, changed_by=by, side=Side.SELF
    )
    audit.record(
        audit.Action.SUBMISSION,
        actor=by,
        organisation=card.branch,
        target=f"scorecard {card.year}Q{card.quarter}",
        detail={"self_total": str(card.self_total), "late": card.is_late},
    )
    return card
