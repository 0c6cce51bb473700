"""The branch's answer to what the records suggest: on a measured rule it accepts the
suggested count or claims another with a reason; the line keeps both (``ScorecardLine.claims``)."""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ..measures import Measured, measure_card
from ..models import LineDeduction, Scorecard, ScorecardLine, Side

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
