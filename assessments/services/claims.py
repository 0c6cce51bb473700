"""The branch's answer to what the records suggest: on a measured rule it accepts the
suggested count or claims another with a reason; the line keeps both (``ScorecardLine.claims``)."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from branches.models import User
from config.exceptions import Conflict

from ..measures import Measured, measure_card
from ..models import LineDeduction, Scorecard, ScorecardLine, Side
from ..selectors import may_edit_self

REASON_MAX = 300


class ReasonRequired(ValidationError):
    """A claimed count differs from the suggestion without a reason: keyed ``reason-<rule id>``,
    so that a form shows each message beside its field."""


def reason_field(rule_id: int) -> str:
    return f"reason-{rule_id}"


def claims_for(
    line: ScorecardLine,
    counts: Mapping[int, int],
    measures: Mapping[int, Measured],
    reasons: Mapping[int, str] | None,
    *,
    before: Mapping[int, int] | None = None,
) -> dict[str, dict[str, Any]]:
    """The line's claims for ``counts`` (rule id → count; a rule not named is 0).

    With ``reasons`` (the page posts one field per measured rule), a count the branch sets —
    other than its count ``before`` this save — must be the suggested one or come with a
    reason, else ``ReasonRequired``. A rule left as it was does not stop the line's note from
    being saved: it stays unanswered, shown to the reviewer and counted by the dashboard when
    below the records. Without ``reasons`` (a client that does not show the suggestions, the
    submission) nothing is refused and the reasons already given are kept."""
    errors: dict[str, str] = {}
    claims: dict[str, dict[str, Any]] = {}
    for rule in line.article.deductions.all():
        measured = measures.get(rule.pk)
        if measured is None:
            continue
        claimed = counts.get(rule.pk, 0)
        kept = (line.claims.get(str(rule.pk)) or {}).get("reason", "")
        reason = (kept if reasons is None else reasons.get(rule.pk, "")).strip()[:REASON_MAX]
        if claimed == measured.count:
            reason = ""
        elif reasons is not None and not reason and before is not None and claimed != before.get(rule.pk, 0):
            errors[reason_field(rule.pk)] = _(
                "The records suggest %(suggested)d, you count %(claimed)d: accept the suggestion or say why."
            ) % {"suggested": measured.count, "claimed": claimed}
        claims[str(rule.pk)] = {"suggested": measured.count, "claimed": claimed, "reason": reason}
    if errors:
        raise ReasonRequired(errors)
    return claims


def below_records(claims: Mapping[str, Mapping[str, Any]]) -> int:
    """How many measured rules the branch claimed below what its records suggest."""
    return sum(1 for claim in claims.values() if claim["claimed"] < claim["suggested"])


def claims_refresh(card: Scorecard) -> None:
    """At submission: the suggestions as the records stand, beside the counts submitted (the
    reasons given are kept). The reviewer and the dashboard read these."""
    measures = measure_card(card)
    if not any(measures):
        return
    counts = {
        (line_id, rule_id): count
        for line_id, rule_id, count in LineDeduction.objects.filter(line__scorecard=card, side=Side.SELF)
        .order_by()
        .values_list("line_id", "rule_id", "count")
    }
    lines = list(card.lines.select_related("article").prefetch_related("article__deductions"))
    for line in lines:
        line_counts = {rule.pk: counts.get((line.pk, rule.pk), 0) for rule in line.article.deductions.all()}
        line.claims = claims_for(line, line_counts, measures, None)
        line.below_records = below_records(line.claims)
    ScorecardLine.objects.bulk_update(lines, ["claims", "below_records"])
    card.below_records = sum(line.below_records for line in lines)
    card.save(update_fields=["below_records"])


@dataclass(frozen=True)
class Unanswered:
    """A measured rule the branch counts below what its records suggest, with no reason."""

    line_id: int
    rule_id: int
    code: str
    title: str
    rule: str
    suggested: int
    claimed: int

    @classmethod
    def of(cls, line: ScorecardLine, rule: Any, suggested: int, claimed: int) -> "Unanswered":
        return cls(line.pk, rule.pk, line.article.code, line.article.title, rule.description, suggested, claimed)

    def __str__(self) -> str:
        return _("%(code)s %(title)s (%(rule)s: the records suggest %(suggested)d, you count %(claimed)d)") % {
            "code": self.code,
            "title": self.title,
            "rule": self.rule,
            "suggested": self.suggested,
            "claimed": self.claimed,
        }


class BelowRecordsUnanswered(Conflict):
    """The submission is refused: measured rules counted below the records without a reason.
    ``lines`` names each one, so that a page can link to it (a 409 in the API: the card can be
    submitted once its lines are answered)."""

    def __init__(self, lines: list[Unanswered]) -> None:
        self.lines = lines
        super().__init__(
            _(
                "The scorecard was not submitted: on these lines your count is below what the records "
                "suggest and you gave no reason: %(lines)s. Accept the suggestion or give a reason on each "
                "line, or accept every suggestion from the records at once."
            )
            % {"lines": _("; ").join(str(line) for line in lines)}
        )


def unanswered_below(card: Scorecard) -> list[Unanswered]:
    """The measured rules of the card counted below the suggestion with no reason, as the
    lines' claims stand (``claims_refresh`` brings them up to the records first)."""
    lines = (
        card.lines.filter(below_records__gt=0)
        .select_related("article")
        .prefetch_related("article__deductions")
        .order_by("article__part__number", "article__code")
    )
    found = []
    for line in lines:
        for rule in line.article.deductions.all():
            claim = line.claims.get(str(rule.pk))
            if claim and claim["claimed"] < claim["suggested"] and not claim.get("reason"):
                found.append(Unanswered.of(line, rule, claim["suggested"], claim["claimed"]))
    return found


def refuse_unanswered(card: Scorecard) -> None:
    """At submission (strict): every measured rule counted *below* the records needs a reason,
    else ``BelowRecordsUnanswered`` names the lines. A count *above* the suggestion without a
    reason does not stop the submission: the branch deducts itself more than its records show,
    which inflates nothing (the line save still asks why when the secretary sets it)."""
    claims_refresh(card)
    unanswered = unanswered_below(card)
    if unanswered:
        raise BelowRecordsUnanswered(unanswered)


@transaction.atomic
def claims_accept_all(*, scorecard: Scorecard, by: User, version: int) -> tuple[Scorecard, int]:
    """采纳全部台账建议: every measured rule counted below what the records suggest and left
    without a reason takes the suggested count, saved as the secretary's line saves are (score
    computed, line versions bumped, each line in the card's history, total updated). Rules
    answered with a reason are left as they are. Returns the card and how many rules changed."""
    # The line save lives in ``scorecards``, which imports this module for the claims.
    from .scorecards import LineEdit, lock_scorecard, scorecard_lines_save

    card = lock_scorecard(scorecard.pk, version)
    if not may_edit_self(by, card):
        raise PermissionDenied
    if not card.self_editable:
        raise Conflict(_("This scorecard is %(status)s and cannot be changed.") % {"status": card.get_status_display()})
    lines, accepted = _acceptances(card)
    if not lines:
        return card, 0
    # The counts are the whole picture of a line; its texts and reasons are kept (None).
    edits = [LineEdit(line_id=pk, counts=counts, note=None, evidence=None) for pk, counts in lines.items()]
    return scorecard_lines_save(scorecard=card, by=by, edits=edits, version=version), accepted


def _acceptances(card: Scorecard) -> tuple[dict[int, dict[int, int]], int]:
    """Line id → its self counts with every unanswered suggestion taken; how many were taken."""
    measures = measure_card(card)
    if not measures:
        return {}, 0
    counts: dict[int, dict[int, int]] = {}
    for line_id, rule_id, count in (
        LineDeduction.objects.filter(line__scorecard=card, side=Side.SELF)
        .order_by()
        .values_list("line_id", "rule_id", "count")
    ):
        counts.setdefault(line_id, {})[rule_id] = count
    lines: dict[int, dict[int, int]] = {}
    accepted = 0
    for line in card.lines.select_related("article").prefetch_related("article__deductions").order_by("pk"):
        line_counts = dict(counts.get(line.pk, {}))
        changed = False
        for rule in line.article.deductions.all():
            measured = measures.get(rule.pk)
            if measured is None or line_counts.get(rule.pk, 0) >= measured.count:
                continue
            if (line.claims.get(str(rule.pk)) or {}).get("reason"):
                continue  # answered: the branch said why it counts less
            line_counts[rule.pk] = measured.count
            changed = True
            accepted += 1
        if changed:
            lines[line.pk] = line_counts
    return lines, accepted
