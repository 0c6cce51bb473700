"""优标: the feedback sheet (检查调研情况反馈单) as a PDF, and the branch's acknowledgement.

A final card without its sheet is waiting for it (since ``finalised_at``, written with the
status); ``feedback_made_at`` is the claim of the job making it. ``feedback_sheets_sweep``,
a periodic job, sends again the job of a card that waited too long (the broker was down)
and takes back the claim of a job whose worker died.
"""

import datetime as dt
import logging
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from branches.models import Organisation, User
from branches.selectors import committee_of, issuer_name
from config.exceptions import Conflict
from config.jobs import enqueue
from config.pdf import html_to_pdf
from handbook.models import Deduction

from ..models import (
    CheckRecord,
    FeedbackNumber,
    LineDeduction,
    Method,
    PlanKind,
    RectificationItem,
    RectificationStatus,
    Scorecard,
    ScorecardStatus,
    Side,
)
from ..selectors import lines_of, may_edit_self
from .scoring import Applied, rule_deduction

logger = logging.getLogger(__name__)

TEMPLATE = "assessments/pdf/feedback.html"
# A final card still without its sheet this long after it was finalised: its job never
# reached a worker. The sweeper sends it again (a job that finds the sheet made does nothing).
RESEND_AFTER = dt.timedelta(minutes=5)
# A sheet takes seconds to make: a claim this old belongs to a job whose worker died.
STALE_AFTER = dt.timedelta(minutes=10)
# Tries at a free number when other sheets of the same committee are numbered at the same moment.
NUMBER_ATTEMPTS = 5


def feedback_record(card: Scorecard) -> CheckRecord | None:
    """The check record the sheet reports: the year-end check's if there was one, else the quarter's."""
    records = {r.kind: r for r in card.check_records.all()}
    return records.get(PlanKind.YEAR_END) or records.get(PlanKind.QUARTERLY)


def _team(card: Scorecard, record: CheckRecord | None) -> tuple[str, list[str]]:
    """(leader, other members) of the team that checked; without a record, the reviewer alone."""
    if record is None:
        return (str(card.reviewed_by) if card.reviewed_by_id else ""), []
    members = sorted(record.team.all(), key=lambda u: (str(u), u.pk))
    return (str(record.leader) if record.leader_id else ""), [str(u) for u in members if u.pk != record.leader_id]


def _written_scores(card: Scorecard, record: CheckRecord | None) -> list[tuple[str, Decimal]]:
    if record is not None:
        return [(s.person_name, s.score) for s in record.written_scores.all()] if record.has_written_test else []
    if Method.WRITTEN_TEST in card.methods and card.written_test_score is not None:
        return [("", card.written_test_score)]
    return []


def _findings_by_method(record: CheckRecord | None) -> list[tuple[str, str]]:
    """(method, what the team found by it), for each method used that has notes."""
    if record is None:
        return []
    found = []
    for method in record.methods:
        field = CheckRecord.METHOD_NOTES.get(method)
        text = getattr(record, field, "") if field else ""
        if text.strip():
            found.append((str(Method(method).label), text))
    return found


def _shown_count(rule: Deduction, count: int) -> int:
    # A rule that applies once is printed once, even on a card saved before the check existed.
    return min(count, 1) if rule.is_once else count


def carried_items(card: Scorecard, *, on: dt.date) -> list[RectificationItem]:
    """The branch's items from earlier checks that the sheet reports again: those still open,
    and those closed since the branch's previous sheet. ``state`` is set on each, as of ``on``."""
    earlier = Q(finding__scorecard__year__lt=card.year) | Q(
        finding__scorecard__year=card.year, finding__scorecard__quarter__lt=card.quarter
    )
    previous_sheet = (
        Scorecard.objects.filter(branch_id=card.branch_id, status=ScorecardStatus.FINAL)
        .filter(Q(year__lt=card.year) | Q(year=card.year, quarter__lt=card.quarter))
        .order_by("-year", "-quarter")
        .values_list("finalised_at", flat=True)
        .first()
    )
    closed_since = Q(status=RectificationStatus.CLOSED)
    if previous_sheet is not None:
        closed_since &= Q(closed_at__gte=previous_sheet)
    items = list(
        RectificationItem.objects.filter(earlier, branch_id=card.branch_id)
        .filter(~Q(status=RectificationStatus.CLOSED) | closed_since)
        .select_related("finding", "finding__scorecard", "owner")
        .order_by("finding__scorecard__year", "finding__scorecard__quarter", "article_code", "pk")
    )
    for item in items:
        state = item.get_status_display()
        if item.is_open and item.deadline < on:
            state = _("%(state)s, %(days)d days overdue") % {"state": state, "days": item.days_overdue(on)}
        item.state = state  # type: ignore[attr-defined]
    return items


def feedback_context(card: Scorecard) -> dict[str, object]:
    """What the sheet prints. Gives the sheet its number the first time (a final card only)."""
    number = feedback_number_assign(card)
    committee = number.issuer if number else committee_of(card.branch)
    issued_on = number.issued_on if number else timezone.localdate()
    record = feedback_record(card)
    leader, members = _team(card, record)
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
        "number": number,
        "issuer": number.issuer_name if number else issuer_name(committee),
        "issued_on": issued_on,
        "record": record,
        "leader": leader,
        "members": members,
        "methods": record.method_labels if record else card.method_labels,
        "written_scores": _written_scores(card, record),
        "found_by_method": _findings_by_method(record),
        "lines": lines,
        "max_total": sum((line.max_score for line in lines), Decimal(0)),
        "deductions": [
            (
                d,
                _shown_count(d.rule, d.count),
                rule_deduction(Applied(points=d.rule.points, cap=d.rule.cap, count=d.count)),
            )
            for d in deductions
        ],
        "findings": findings,
        "carried": carried_items(card, on=issued_on),
        "good_practices": list(record.good_practices.all()) if record else [],
        "difficulties": list(record.difficulties.all()) if record else [],
        "next_focus": record.next_focus if record else "",
        "made_at": timezone.localtime(),
    }


def _next_serial(issuer: Organisation, year: int) -> int:
    last = FeedbackNumber.objects.filter(issuer=issuer, year=year).aggregate(last=Max("serial"))["last"]
    return (last or 0) + 1


def feedback_number_assign(card: Scorecard) -> FeedbackNumber | None:
    """The sheet's 文号, given the first time a final card's sheet is made and kept after.

    Two sheets numbered at the same moment may both read the same last serial: the unique
    (issuer, year, serial) refuses the second, which reads again and takes the next one.
    """
    if card.status != ScorecardStatus.FINAL:
        return None
    existing = FeedbackNumber.objects.filter(scorecard=card).select_related("issuer").first()
    if existing is not None:
        return existing
    committee = committee_of(card.branch)
    issued_on = timezone.localdate(card.finalised_at) if card.finalised_at else timezone.localdate()
    for _attempt in range(NUMBER_ATTEMPTS):
        try:
            with transaction.atomic():
                return FeedbackNumber.objects.create(
                    scorecard=card,
                    issuer=committee,
                    issuer_name=issuer_name(committee),
                    year=issued_on.year,
                    serial=_next_serial(committee, issued_on.year),
                    issued_on=issued_on,
                )
        except IntegrityError:
            # Another job numbered this very card, or took the serial read here.
            existing = FeedbackNumber.objects.filter(scorecard=card).select_related("issuer").first()
            if existing is not None:
                return existing
    raise Conflict(_("The feedback sheet could not be given a number; try again."))


def feedback_html(card: Scorecard) -> str:
    """The sheet as HTML, always in the site's language: it is one document, issued once and
    read by the branch and the committee alike, whoever's request happened to make it."""
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string(TEMPLATE, feedback_context(card))


def feedback_sheet_render(*, scorecard: Scorecard) -> bytes:
    card = Scorecard.objects.select_related("branch", "reviewed_by", "edition").get(pk=scorecard.pk)
    return html_to_pdf(feedback_html(card))


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
