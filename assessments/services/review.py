"""核标: the committee's review of a submitted scorecard, returning it, finalising it."""

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from branches import abilities, audit
from branches.models import RoleAssignment, User
from config.exceptions import Conflict

from ..dashboard_generations import unfinished_card_writes
from ..models import (
    Finding,
    LineDeduction,
    Method,
    RectificationItem,
    Scorecard,
    ScorecardLine,
    ScorecardStatus,
    ScoreChange,
    Side,
)
from ..rollups import card_finalised
from ..selectors import may_review
from .checks import written_test_refusal
from .feedback import feedback_sheet_request
from .notices import review_returned
from .plans import upgrade_plan_for
from .scorecards import apply_deductions, bump, clean_counts, describe, lock_scorecard
from .scoring import grade_for

RECTIFY_DAYS = 30


def _reviewable(card: Scorecard, by: User) -> None:
    if not may_review(by, card):
        raise PermissionDenied
    if not card.review_editable:
        raise Conflict(_("Only a submitted scorecard can be reviewed."))


def _review_total(card: Scorecard) -> Decimal:
    return ScorecardLine.objects.filter(scorecard=card).aggregate(t=Sum("review_score"))["t"] or Decimal(0)


@transaction.atomic
@unfinished_card_writes()  # a card under review: the dashboard reads its scores once final
def review_line_save(
    *, line: ScorecardLine, by: User, version: int, counts: Mapping[int, object], review_note: str = ""
) -> ScorecardLine:
    card = lock_scorecard(line.scorecard_id, version)
    _reviewable(card, by)
    line = ScorecardLine.objects.select_related("article").get(pk=line.pk, scorecard=card)
    cleaned = clean_counts(line, counts, quarter=card.quarter)
    old = line.review_score
    line.review_score = apply_deductions(line=line, side=Side.REVIEW, counts=cleaned)
    line.review_note = review_note.strip()
    line.full_clean()
    line.save()
    ScoreChange.objects.create(
        scorecard=card,
        line=line,
        side=Side.REVIEW,
        action="line_reviewed",
        old_score=old,
        new_score=line.review_score,
        detail=describe(line, cleaned),
        changed_by=by,
    )
    card.review_total = _review_total(card)
    bump(card, "review_total")
    line.scorecard = card
    return line


@transaction.atomic
@unfinished_card_writes()  # a card under review: the dashboard reads its scores once final
def review_details_save(
    *, scorecard: Scorecard, by: User, version: int, methods: Iterable[str], written_test_score: Decimal | None
) -> Scorecard:
    """The methods the team used (笔试, 查资料, 看现场, 听汇报, 访谈/座谈) and the written-test score,
    which only a check with the written test has."""
    card = lock_scorecard(scorecard.pk, version)
    _reviewable(card, by)
    chosen = list(dict.fromkeys(methods))
    if any(m not in Method.values for m in chosen):
        raise ValidationError({"methods": _("Unknown assessment method.")})
    if written_test_score is not None and not Decimal(0) <= written_test_score <= Decimal(100):
        raise ValidationError({"written_test_score": _("The written test score must be between 0 and 100.")})
    # A score of a test nobody sat: refused rather than printed on the feedback sheet.
    if written_test_score is not None and Method.WRITTEN_TEST not in chosen:
        raise ValidationError({"written_test_score": written_test_refusal()})
    card.methods, card.written_test_score = chosen, written_test_score
    bump(card, "methods", "written_test_score")
    return card


@transaction.atomic
def finding_add(
    *,
    scorecard: Scorecard,
    by: User,
    article_id: int,
    problem: str,
    severity: str,
    suggestion: str = "",
    rectify_by: dt.date | None = None,
    version: int | None = None,
) -> Finding:
    """A problem the team found (核标), against an article of the card. With ``version``, a card
    saved by someone else since is refused (StaleVersion)."""
    card = lock_scorecard(scorecard.pk, version)
    _reviewable(card, by)
    if not card.lines.filter(article_id=article_id).exists():
        raise ValidationError({"article": _("Choose an article of this scorecard.")})
    finding = Finding(
        scorecard=card,
        article_id=article_id,
        problem=problem.strip(),
        severity=severity,
        suggestion=suggestion.strip(),
        rectify_by=rectify_by,
        created_by=by,
    )
    finding.full_clean()
    finding.save()
    return finding


@transaction.atomic
def finding_delete(*, finding: Finding, by: User, version: int | None = None) -> None:
    card = lock_scorecard(finding.scorecard_id, version)
    _reviewable(card, by)
    finding.delete()


@transaction.atomic
def scorecard_return(*, scorecard: Scorecard, by: User, version: int, reason: str) -> Scorecard:
    """Sends the card back to the branch, which may change and resubmit it; the review restarts."""
    card = lock_scorecard(scorecard.pk, version)
    _reviewable(card, by)
    if not reason.strip():
        raise ValidationError(_("Say why the scorecard is returned."))
    card.status = ScorecardStatus.RETURNED
    card.return_reason = reason.strip()
    card.times_returned += 1
    card.review_total = None
    bump(card, "status", "return_reason", "times_returned", "review_total")
    LineDeduction.objects.filter(line__scorecard=card, side=Side.REVIEW).delete()
    ScorecardLine.objects.filter(scorecard=card).update(review_score=None)
    ScoreChange.objects.create(scorecard=card, action="returned", detail=card.return_reason, changed_by=by)
    review_returned(card)
    return card


@transaction.atomic
def scorecard_mark_reviewed(*, scorecard: Scorecard, by: User, version: int) -> Scorecard:
    card = lock_scorecard(scorecard.pk, version)
    _reviewable(card, by)
    if card.status != ScorecardStatus.SUBMITTED:
        raise Conflict(_("This scorecard has already been reviewed."))
    card.status = ScorecardStatus.REVIEWED
    card.reviewed_by, card.reviewed_at = by, timezone.now()
    card.review_total = _review_total(card)
    card.grade = grade_for(card.review_total)
    bump(card, "status", "reviewed_by", "reviewed_at", "review_total", "grade")
    ScoreChange.objects.create(
        scorecard=card, action="reviewed", side=Side.REVIEW, new_score=card.review_total, changed_by=by
    )
    return card


def _secretary_of(card: Scorecard) -> User | None:
    """The branch's (first) secretary owns its items until someone else is named."""
    holder = (
        RoleAssignment.objects.filter(
            abilities.held_outright("rectification.first_owner"), organisation=card.branch, user__is_active=True
        )
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return holder.user if holder else None


@transaction.atomic
def scorecard_finalise(*, scorecard: Scorecard, by: User, version: int) -> Scorecard:
    """The reviewer's total becomes the final score and grade; each finding becomes a
    rectification item; the feedback sheet is made after the commit."""
    card = lock_scorecard(scorecard.pk, version)
    _reviewable(card, by)
    if card.status != ScorecardStatus.REVIEWED:
        raise Conflict(_("Mark the review as complete before finalising it."))
    today = timezone.localdate()
    owner = _secretary_of(card)
    for finding in card.findings.all():
        RectificationItem.objects.get_or_create(
            finding=finding,
            defaults={
                "branch": card.branch,
                "article_code": finding.article.code,
                "owner": owner,
                "owner_name": str(owner)[:50] if owner else "",
                "deadline": finding.rectify_by or today + dt.timedelta(days=RECTIFY_DAYS),
            },
        )
    card.review_total = _review_total(card)
    card.grade = grade_for(card.review_total)
    card.status = ScorecardStatus.FINAL
    card.finalised_at = timezone.now()
    bump(card, "status", "finalised_at", "review_total", "grade")
    # The dashboard's sums of final cards, in the same transaction (final cards never change).
    card_finalised(card)
    ScoreChange.objects.create(
        scorecard=card, action="finalised", side=Side.REVIEW, new_score=card.review_total, changed_by=by
    )
    audit.record(
        audit.Action.REVIEW,
        actor=by,
        organisation=card.branch,
        target=f"scorecard {card.year}Q{card.quarter}",
        detail={"review_total": str(card.review_total), "grade": card.grade},
    )
    upgrade_plan_for(card)
    # The final status is the sheet's waiting state: if the job cannot be sent, the sweeper
    # (feedback_sheets_sweep) sends it again.
    feedback_sheet_request(card)
    return card
