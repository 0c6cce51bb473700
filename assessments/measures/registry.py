"""The registry of measures: code → the function that, for one branch's ledgers of a quarter
and one rule's parameters, finds the facts and the count.

Every function is pure over ``QuarterLedgers`` (already read, in bulk): the queries are made
once per quarter whatever the number of cards (``measure_cards``).
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from handbook.measures import MeasureCode
from handbook.models import Deduction
from meetings.kinds import MeetingKind

from .ledgers import MeetingRow, QuarterLedgers, quarter_end, quarter_start

# The services (which save what is measured here) import this package: its own copy of the
# largest count (``services.scorecards.MAX_COUNT``, a test keeps the two equal).
MAX_COUNT = 999
MAX_LINKS = 5  # records linked per fact list: the rest are on the meetings page


@dataclass(frozen=True)
class Fact:
    text: str
    url: str = ""


@dataclass
class Measured:
    """A measured rule of one card: what the records show and the count they suggest."""

    rule_id: int
    code: str
    count: int
    facts: list[Fact] = field(default_factory=list)


@dataclass(frozen=True)
class Scope:
    """One card's branch and quarter, as a measure sees them."""

    branch_id: int
    year: int
    quarter: int
    article_id: int

    @property
    def period(self) -> str:
        return f"{self.year}Q{self.quarter}"


def window_start(year: int, quarter: int, per: str) -> dt.date:
    if per == "year":
        return dt.date(year, 1, 1)
    if per == "half":
        return dt.date(year, 1 if quarter <= 2 else 7, 1)
    return quarter_start(year, quarter)


def per_words(per: str) -> str:
    return {"year": _("This year"), "half": _("This half-year")}.get(per, _("This quarter"))


def kind_label(kind: str) -> str:
    return str(MeetingKind(kind).label) if kind in MeetingKind.values else kind


def _meetings_url(scope: Scope, kind: str = "", per: str = "quarter") -> str:
    url = reverse("meetings:unit", args=[scope.branch_id])
    query = [f"kind={kind}"] if kind else []
    if per == "quarter":
        query.append(f"quarter={scope.period}")
    return f"{url}?{'&'.join(query)}" if query else url


def _meeting_links(rows: Iterable[MeetingRow], text: Callable[[MeetingRow], str]) -> list[Fact]:
    rows = list(rows)
    facts = [Fact(text(row), reverse("meetings:detail", args=[row.pk])) for row in rows[:MAX_LINKS]]
    if len(rows) > MAX_LINKS:
        facts.append(Fact(_("and %(n)d more") % {"n": len(rows) - MAX_LINKS}))
    return facts


def _in_window(ledgers: QuarterLedgers, scope: Scope, params: dict[str, Any], kinds: Iterable[str]) -> list[MeetingRow]:
    first = window_start(scope.year, scope.quarter, params.get("per", "quarter"))
    last = quarter_end(scope.year, scope.quarter)
    wanted = set(kinds)
    return [m for m in ledgers.of(scope.branch_id).meetings if m.kind in wanted and first <= m.day <= last]


def _rate(present: int, expected: int) -> Decimal:
    return (Decimal(present) * 100 / Decimal(expected)).quantize(Decimal("1"), rounding=ROUND_HALF_UP)


def _row_text(row: MeetingRow) -> str:
    return f"{kind_label(row.kind)} {row.day:%m-%d}"


def meetings_short(ledgers: QuarterLedgers, scope: Scope, params: dict[str, Any]) -> tuple[int, list[Fact]]:
    """Meetings of each kind held below the number required: count = Σ (required − held)."""
    required: dict[str, int] = params["required"]
    per = params.get("per", "quarter")
    held = _in_window(ledgers, scope, params, required)
    count, facts = 0, []
    for kind, needed in required.items():
        n = sum(1 for m in held if m.kind == kind)
        count += max(0, needed - n)
        text = _("%(period)s %(kind)s %(held)d/%(required)d") % {
            "period": per_words(per),
            "kind": kind_label(kind),
            "held": n,
            "required": needed,
        }
        facts.append(Fact(text, _meetings_url(scope, kind, per)))
    return count, facts


def attendance_low(ledgers: QuarterLedgers, scope: Scope, params: dict[str, Any]) -> tuple[int, list[Fact]]:
    """Meetings whose attendance (present / expected) is below the threshold (and, with
    ``unless_made_up``, that still have an absentee without make-up study)."""
    threshold = params.get("threshold", 90)
    rows = [m for m in _in_window(ledgers, scope, params, params["kinds"]) if m.expected]
    if not rows:
        return 0, [Fact(_("No attendance recorded in these meetings yet."), _meetings_url(scope))]
    low = [m for m in rows if _rate(m.present, m.expected) < threshold]
    if params.get("unless_made_up"):
        low = [m for m in low if m.absent_open]
    average = _rate(sum(m.present for m in rows), sum(m.expected for m in rows))
    facts = [
        Fact(
            _("Average attendance %(rate)s%% over %(n)d meetings; %(low)d below %(threshold)d%%")
            % {"rate": average, "n": len(rows), "low": len(low), "threshold": threshold},
            _meetings_url(scope),
        )
    ]
    facts += _meeting_links(low, lambda m: f"{_row_text(m)} · {_rate(m.present, m.expected)}%")
    return len(low), facts


def absent_no_makeup(ledgers: QuarterLedgers, scope: Scope, params: dict[str, Any]) -> tuple[int, list[Fact]]:
    """Absentees whose make-up study (补学) is not recorded."""
    rows = [m for m in _in_window(ledgers, scope, params, params["kinds"]) if m.absent_open]
    count = sum(m.absent_open for m in rows)
    facts = [Fact(_("%(n)d absentees without make-up study") % {"n": count}, _meetings_url(scope))]
    facts += _meeting_links(rows, lambda m: f"{_row_text(m)} · {m.absent_open}")
    return count, facts


def meetings_unsigned(ledgers: QuarterLedgers, scope: Scope, params: dict[str, Any]) -> tuple[int, list[Fact]]:
    """Meetings recorded without a host or without any file (the sign-in sheet, photos)."""
    rows = _in_window(ledgers, scope, params, params["kinds"])
    bad = [m for m in rows if not m.signed]
    facts = [
        Fact(
            _("%(bad)d of %(n)d meetings without a host or a sign-in sheet") % {"bad": len(bad), "n": len(rows)},
            _meetings_url(scope),
        )
    ]
    facts += _meeting_links(bad, _row_text)
    return len(bad), facts


def talks_uncovered(ledgers: QuarterLedgers, scope: Scope, params: dict[str, Any]) -> tuple[int, list[Fact]]:
    """Members on the roll not talked with (谈心谈话) in the period."""
    per = params.get("per", "half")
    figures = ledgers.of(scope.branch_id)
    text = _("%(period)s %(talked)d of %(members)d members talked with") % {
        "period": per_words(per),
        "talked": figures.talked,
        "members": figures.members,
    }
    return max(0, figures.members - figures.talked), [Fact(text, _meetings_url(scope, "talk", per))]


def resolutions_overdue(ledgers: QuarterLedgers, scope: Scope, params: dict[str, Any]) -> tuple[int, list[Fact]]:
    n = ledgers.of(scope.branch_id).resolutions_overdue
    return n, [Fact(_("%(n)d resolutions open past their due date") % {"n": n}, reverse("meetings:resolutions"))]


def dues_unpaid(ledgers: QuarterLedgers, scope: Scope, params: dict[str, Any]) -> tuple[int, list[Fact]]:
    figures = ledgers.of(scope.branch_id)
    n, members = figures.dues_unpaid, figures.dues_members
    text = _("%(n)d member-months of dues not paid in full (%(members)d members)") % {"n": n, "members": members}
    return n, [Fact(text, reverse("dues:current", args=[scope.branch_id]))]


def tasks_late(ledgers: QuarterLedgers, scope: Scope, params: dict[str, Any]) -> tuple[int, list[Fact]]:
    n = ledgers.tasks_late.get((scope.branch_id, scope.article_id), 0)
    text = _("%(n)d required tasks of this article not done by their due date") % {"n": n}
    return n, [Fact(text, reverse("tasks:board", args=[scope.branch_id]))]


MeasureFn = Callable[[QuarterLedgers, Scope, dict[str, Any]], tuple[int, list[Fact]]]

REGISTRY: dict[str, MeasureFn] = {
    MeasureCode.MEETINGS_SHORT: meetings_short,
    MeasureCode.ATTENDANCE_LOW: attendance_low,
    MeasureCode.ABSENT_NO_MAKEUP: absent_no_makeup,
    MeasureCode.MEETINGS_UNSIGNED: meetings_unsigned,
    MeasureCode.TALKS_UNCOVERED: talks_uncovered,
    MeasureCode.RESOLUTIONS_OVERDUE: resolutions_overdue,
    MeasureCode.DUES_UNPAID: dues_unpaid,
    MeasureCode.TASKS_LATE: tasks_late,
}


def suggested(rule: Deduction, count: int) -> int:
    """The count as the rule can take it: once for a rule that applies once."""
    return min(count, 1 if rule.is_once else MAX_COUNT)


def measured_rules(edition_ids: Iterable[int]) -> dict[int, list[Deduction]]:
    """Edition → its measured rules (one query)."""
    rules: dict[int, list[Deduction]] = defaultdict(list)
    for rule in (
        Deduction.objects.filter(article__edition_id__in=set(edition_ids))
        .exclude(measure="")
        .select_related("article")
        .order_by("article__code", "position", "pk")
    ):
        rules[rule.article.edition_id].append(rule)
    return rules


def measure_cards(
    cards: Sequence[Any],
    *,
    today: dt.date | None = None,
    rules: Sequence[Deduction] | None = None,
    tasks_late: dict[tuple[int, int], int] | None = None,
) -> dict[int, dict[int, Measured]]:
    """Card id → rule id → ``Measured``, for every measured rule whose article is assessed in
    the card's quarter. Cards need ``pk``, ``branch_id``, ``edition_id``, ``year``, ``quarter``.

    Two queries per quarter among the cards (the meetings with the per-branch figures, the
    late tasks) and one for the rules, whatever the number of cards; a caller that has read
    the rules (with their ``article``) or the late tasks already passes them in."""
    today = today or timezone.localdate()
    result: dict[int, dict[int, Measured]] = {card.pk: {} for card in cards}
    if not cards:
        return result
    by_edition: dict[int, list[Deduction]] = defaultdict(list)
    if rules is None:
        by_edition = measured_rules(card.edition_id for card in cards)
    else:
        for rule in rules:
            if rule.measure:
                by_edition[rule.article.edition_id].append(rule)
    by_quarter: dict[tuple[int, int], list[Any]] = defaultdict(list)
    for card in cards:
        by_quarter[(card.year, card.quarter)].append(card)
    for (year, quarter), group in by_quarter.items():
        group_rules = [r for card in group for r in by_edition.get(card.edition_id, [])]
        if not group_rules:
            continue
        ledgers = QuarterLedgers(
            branch_ids=sorted({card.branch_id for card in group}),
            first=_first(year, quarter, group_rules, exclude=MeasureCode.TALKS_UNCOVERED),
            talks_first=_first(year, quarter, group_rules, only=MeasureCode.TALKS_UNCOVERED),
            quarter_first=quarter_start(year, quarter),
            last=quarter_end(year, quarter),
            today=today,
            article_ids=sorted({r.article_id for r in group_rules if r.measure == MeasureCode.TASKS_LATE}),
        )
        if tasks_late is not None:
            ledgers.__dict__["tasks_late"] = tasks_late
        for card in group:
            for rule in by_edition.get(card.edition_id, []):
                if not rule.article.is_assessed_in(quarter):
                    continue
                scope = Scope(card.branch_id, year, quarter, rule.article_id)
                count, facts = REGISTRY[rule.measure](ledgers, scope, rule.measure_params)
                result[card.pk][rule.pk] = Measured(rule.pk, rule.measure, suggested(rule, count), facts)
    return result


def _first(year: int, quarter: int, rules: list[Deduction], *, exclude: str = "", only: str = "") -> dt.date:
    starts = [
        window_start(year, quarter, r.measure_params.get("per", "half" if r.measure == only else "quarter"))
        for r in rules
        if (not only or r.measure == only) and r.measure != exclude
    ]
    return min(starts, default=quarter_start(year, quarter))


def measure_card(card: Any, *, today: dt.date | None = None, **preread: Any) -> dict[int, Measured]:
    return measure_cards([card], today=today, **preread)[card.pk]
