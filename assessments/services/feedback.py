"""优标: the feedback sheet (检查调研情况反馈单) as a PDF, and the branch's acknowledgement.

A final card without its sheet is waiting for it (since ``finalised_at``, written with the
status); ``feedback_made_at`` is the claim of the job making it. ``feedback_sheets_sweep``,
a periodic job, sends again the job of a card that waited too long (the broker was down)
and takes back the claim of a job whose worker died.
"""

import datetime as dt
import logging

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.models import User
from config.exceptions import Conflict
from config.jobs import enqueue
from config.pdf import render_pdf

from ..models import LineDeduction, Scorecard, ScorecardStatus, Side
from ..selectors import lines_of, may_edit_self
from .scoring import Applied, rule_deduction

logger = logging.getLogger(__name__)

TEMPLATE = "assessments/pdf/feedback.html"
# A final card still without its sheet this long after it was finalised: its job never
# reached a worker. The sweeper sends it again (a job that finds the sheet made does nothing).
RESEND_AFTER = dt.timedelta(minutes=5)
# A sheet takes seconds to make: a claim this old belongs to a job whose worker died.
STALE_AFTER = dt.timedelta(minutes=10)


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
    claim = timezone.now()
    mine = Scorecard.objects.filter(pk=scorecard_id, feedback_made_at=claim)
    claimed = Scorecard.objects.filter(
        pk=scorecard_id, status=ScorecardStatus.FINAL, feedback_made_at__isnull=True, feedback_pdf=""
    ).update(feedback_made_at=claim)
    if not claimed:
        return False
    card = Scorecard.objects.select_related("branch").get(pk=scorecard_id)
    try:
        pdf = feedback_sheet_render(scorecard=card)
    except Exception:
        mine.update(feedback_made_at=None)
        raise
    card.feedback_pdf.save(feedback_filename(card), ContentFile(pdf), save=False)
    # Stored only if the claim is still this job's: the sweeper may have handed the work on.
    if not mine.filter(feedback_pdf="").update(feedback_pdf=card.feedback_pdf.name):
        card.feedback_pdf.delete(save=False)
        return False
    return True


def feedback_sheet_request(card: Scorecard) -> None:
    """Queues the making of the sheet of a card just made final (after the commit)."""
    from ..jobs import make_feedback_sheet

    enqueue(make_feedback_sheet, card.pk)


def feedback_sheets_sweep(*, now: dt.datetime | None = None) -> dict[str, int]:
    """The periodic job that makes sure every final card gets its sheet: sends the job
    again for a card that waited too long, takes back a dead job's claim. Safe to run twice
    at once (only the job that claims a card makes its sheet)."""
    from ..jobs import make_feedback_sheet

    now = now or timezone.now()
    without_sheet = Scorecard.objects.filter(status=ScorecardStatus.FINAL, feedback_pdf="")
    waiting = list(
        without_sheet.filter(feedback_made_at__isnull=True, finalised_at__lt=now - RESEND_AFTER).values_list(
            "pk", flat=True
        )
    )
    taken_back = 0
    stuck = without_sheet.filter(feedback_made_at__lt=now - STALE_AFTER)
    for pk, claim in stuck.values_list("pk", "feedback_made_at"):
        if without_sheet.filter(pk=pk, feedback_made_at=claim).update(feedback_made_at=None):
            logger.warning("scorecard %s: the job making its feedback sheet died; sent again", pk)
            waiting.append(pk)
            taken_back += 1
    for pk in waiting:
        enqueue(make_feedback_sheet, pk)
    return {"sent": len(waiting), "taken_back": taken_back}


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
