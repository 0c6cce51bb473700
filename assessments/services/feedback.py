"""优标: the feedback sheet (检查调研情况反馈单) as a PDF, and the branch's acknowledgement."""

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.models import User
from config.exceptions import Conflict
from config.pdf import render_pdf

from ..models import LineDeduction, Scorecard, ScorecardStatus, Side
from ..selectors import lines_of, may_edit_self
from .scoring import Applied, rule_deduction

TEMPLATE = "assessments/pdf/feedback.html"


def feedback_context(card: Scorecard) -> dict[str, object]:
    lines = lines_of(card)
    deductions = (
        LineDeduction.objects.filter(line__scorecard=card, side=Side.REVIEW)
        .select_related("rule", "line__article")
        .order_by("line__article__part__number", "line__article__code", "rule__position")
    )
    findings = card.findings.select_related("article", "rectification", "rectification__owner").order_by(
        "article__code", "pk"
    )
    return {
        "card": card,
        "lines": lines,
        "deductions": [
            (d, rule_deduction(Applied(points=d.rule.points, cap=d.rule.cap, count=d.count))) for d in deductions
        ],
        "findings": findings,
        "made_at": timezone.localtime(),
    }


def feedback_sheet_render(*, scorecard: Scorecard) -> bytes:
    card = Scorecard.objects.select_related("branch", "reviewed_by", "edition").get(pk=scorecard.pk)
    return render_pdf(TEMPLATE, feedback_context(card))


def feedback_filename(card: Scorecard) -> str:
    return f"feedback-{card.branch.code}-{card.period}.pdf"


def feedback_sheet_store(*, scorecard_id: int) -> bool:
    """Makes and stores the sheet once: a conditional update claims the work, so a job that
    runs twice (a retry, a second worker) does nothing the second time."""
    claimed = Scorecard.objects.filter(
        pk=scorecard_id, status=ScorecardStatus.FINAL, feedback_made_at__isnull=True
    ).update(feedback_made_at=timezone.now())
    if not claimed:
        return False
    card = Scorecard.objects.select_related("branch").get(pk=scorecard_id)
    try:
        pdf = feedback_sheet_render(scorecard=card)
    except Exception:
        Scorecard.objects.filter(pk=scorecard_id).update(feedback_made_at=None)
        raise
    card.feedback_pdf.save(feedback_filename(card), ContentFile(pdf), save=False)
    card.save(update_fields=["feedback_pdf"])
    return True


@transaction.atomic
def feedback_acknowledge(*, scorecard: Scorecard, by: User) -> Scorecard:
    card = Scorecard.objects.select_for_update().select_related("branch").get(pk=scorecard.pk)
    if not may_edit_self(by, card):
        raise PermissionDenied
    if not card.feedback_pdf:
        raise Conflict(_("There is no feedback sheet to acknowledge yet."))
    if card.acknowledged_at is None:
        card.acknowledged_by, card.acknowledged_at = by, timezone.now()
        card.save(update_fields=["acknowledged_by", "acknowledged_at"])
    return card
