"""The reviewer's desk (核标): where each branch stands with a quarter's card, the lists the
dashboard's tiles link to, the quarters there are to choose from and the quarter's plan progress.

A branch is in exactly one of five states — not submitted (no card, or a draft), returned,
submitted (waiting for review), reviewed, final — so the tiles add up to the number of
branches; "late" cuts across them. The dashboard's counts and the lists are computed by the
same two functions (``state_of``, ``is_late_with``), so a tile's figure is its list's length.
"""

import datetime as dt
import re
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import BooleanField, Exists, IntegerField, OuterRef, Q, Value
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branches.models import Organisation, OrgKind, OrgStatus
from branches.selectors import in_subtree, under_path
from config.baked import Baked

from .models import AssessmentPlan, PlanEntry, PlanKind, Scorecard, ScorecardStatus
from .models.scorecards import SELF_EDITABLE
from .rollups import quarter_averages
from .services.scorecards import current_quarter, default_deadline

LIST_ROWS = 100
# A plan's branch counts as checked once its card is reviewed or final (as on the plan page).
CHECK_DONE = (ScorecardStatus.REVIEWED, ScorecardStatus.FINAL)


class DeskState(models.TextChoices):
    """What a tile counts and its list shows (a query value, not a stored code)."""

    ALL = "all", _("All branches")
    NOT_SUBMITTED = "not_submitted", _("Not submitted")
    RETURNED = "returned", _("Returned")
    SUBMITTED = "submitted", _("Submitted")
    REVIEWED = "reviewed", _("Reviewed")
    FINAL = "final", _("Final")
    LATE = "late", _("Late")


# The five states every branch is in exactly one of, in the order of the work.
PARTITION = (
    DeskState.NOT_SUBMITTED,
    DeskState.RETURNED,
    DeskState.SUBMITTED,
    DeskState.REVIEWED,
    DeskState.FINAL,
)
HINTS = {
    DeskState.ALL: _("Every active branch of the unit, with where its card stands."),
    DeskState.NOT_SUBMITTED: _("No card opened yet, or a draft not sent."),
    DeskState.RETURNED: _("Sent back to the branch, not submitted again yet."),
    DeskState.SUBMITTED: _("Waiting for review, the oldest submission first (cards submitted again included)."),
    DeskState.REVIEWED: _("Reviewed, waiting to be finalised."),
    DeskState.FINAL: _("Finalised: the score counts."),
    DeskState.LATE: _("Submitted after the deadline, or not in and the deadline has passed."),
}


def state_of(status: str | None) -> str:
    """The desk state of a branch whose card has ``status`` (None: no card)."""
    if status is None or status == ScorecardStatus.DRAFT:
        return DeskState.NOT_SUBMITTED
    return str(status)


def is_late_with(
    status: str | None, flagged: bool, deadline: dt.date | None, fallback: dt.date, today: dt.date
) -> bool:
    """Late with the quarter's card: submitted after its deadline (the flag set on submitting),
    or not in — no card, a draft, returned — when the deadline (the card's, else the
    quarter's default ``fallback``) has passed."""
    if status is None:
        return fallback < today
    if status in SELF_EDITABLE:
        return (deadline or fallback) < today
    return flagged


def partition_counts(states: list[tuple[str, bool]]) -> dict[str, int]:
    """Tile figures from (state, late) per active branch."""
    counts = {state.value: 0 for state in PARTITION}
    for state, _late in states:
        counts[state] += 1
    counts[DeskState.ALL.value] = len(states)
    counts[DeskState.LATE.value] = sum(1 for _state, late in states if late)
    return counts


def active_branch_filter(root: Organisation, *, via: str = "") -> Q:
    """The active branches of ``root``'s subtree, as a Q over the organisation at ``via``
    (``"branch__"``: through a relation, whose join the caller may share)."""
    return active_under(root.path, via=via)


def active_under(path: str, *, via: str = "") -> Q:
    """``active_branch_filter`` by the root's path alone."""
    return under_path(path, via=f"{via}path") & Q(**{f"{via}kind": OrgKind.BRANCH, f"{via}status": OrgStatus.ACTIVE})


def active_branches(root: Organisation) -> models.QuerySet[Organisation]:
    return Organisation.objects.filter(active_branch_filter(root))


@dataclass
class DeskRow:
    branch: Organisation
    card: Scorecard | None
    state: str
    late: bool

    @property
    def state_label(self) -> str:
        return str(DeskState(self.state).label)

    @property
    def resubmitted(self) -> bool:
        return self.card is not None and self.card.status == ScorecardStatus.SUBMITTED and self.card.times_returned > 0


class OfQuarter:
    """A page's quarter: its code (2026Q3) and its words (2026年第3季度)."""

    year: int
    quarter: int

    @property
    def period(self) -> str:
        return f"{self.year}Q{self.quarter}"

    @property
    def period_label(self) -> str:
        return quarter_label(self.year, self.quarter)


@dataclass
class DeskList(OfQuarter):
    root: Organisation
    year: int
    quarter: int
    state: str
    rows: list[DeskRow]
    counts: dict[str, int]

    @property
    def state_label(self) -> str:
        return str(DeskState(self.state).label)

    @property
    def default_deadline(self) -> dt.date:
        """The deadline of a branch that has not opened its card."""
        return default_deadline(self.year, self.quarter)

    @property
    def hint(self) -> str:
        return str(HINTS[DeskState(self.state)])

    def page(self, number: int) -> Page:
        return Paginator(self.rows, LIST_ROWS).get_page(number)


def _submitted_order(row: DeskRow) -> tuple:
    at = row.card.submitted_at if row.card else None
    return (at is None, at or dt.datetime.min.replace(tzinfo=dt.UTC), row.branch.code)


def desk_list(root: Organisation, *, year: int, quarter: int, state: str, today: dt.date | None = None) -> DeskList:
    """The branches of ``root``'s subtree in ``state`` for the quarter: two queries whatever
    their number. The review queue (``submitted``) is the oldest submission first."""
    today = today or timezone.localdate()
    fallback = default_deadline(year, quarter)
    branches = list(active_branches(root).order_by("code", "pk"))
    cards = {
        card.branch_id: card
        for card in Scorecard.objects.filter(
            in_subtree(root, via="branch__path"), year=year, quarter=quarter, branch__status=OrgStatus.ACTIVE
        ).order_by()
    }
    every = []
    for branch in branches:
        card = cards.get(branch.pk)
        if card is not None:
            card.branch = branch  # the one already loaded: no query per row
        status = card.status if card else None
        late = is_late_with(status, bool(card and card.is_late), card.deadline if card else None, fallback, today)
        every.append(DeskRow(branch, card, state_of(status), late))
    counts = partition_counts([(row.state, row.late) for row in every])
    if state == DeskState.ALL:
        rows = every
    elif state == DeskState.LATE:
        rows = [row for row in every if row.late]
    else:
        rows = [row for row in every if row.state == state]
    if state == DeskState.SUBMITTED:
        rows.sort(key=_submitted_order)
    return DeskList(root, year, quarter, state, rows, counts)


# --- the quarters there are, and the quarter's plans -------------------------------------


@dataclass
class PlanProgress:
    pk: int
    unit: str
    kind_label: str
    planned: int
    done: int


def _ancestor_paths(root: Organisation) -> list[str]:
    """ "/1/4/9/" → ["/1/", "/1/4/"]: the units above ``root``, whose plans may cover it."""
    ids = [part for part in root.path.strip("/").split("/") if part]
    return ["/" + "/".join(ids[:n]) + "/" for n in range(1, len(ids))]


def _plans_query(*, above: list[str], path: str, year: int, quarter: int) -> models.QuerySet:
    """``plans_of``'s query: the plans of the units ``above`` and of the subtree at ``path``,
    then the subtree's entries in the quarter's plans with whether each is checked."""
    plans = (
        AssessmentPlan.objects.filter(Q(organisation__path__in=above) | under_path(path, via="organisation__path"))
        .annotate(
            entry_branch=Value(None, output_field=IntegerField()),
            checked=Value(False, output_field=BooleanField()),
        )
        .order_by()
        .values_list("pk", "year", "quarter", "kind", "organisation__name", "entry_branch", "checked")
    )
    checked = Scorecard.objects.filter(
        branch_id=OuterRef("branch_id"), year=year, quarter=quarter, status__in=CHECK_DONE
    )
    entries = (
        PlanEntry.objects.filter(under_path(path, via="branch__path"), plan__year=year, plan__quarter=quarter)
        .annotate(checked=Exists(checked))
        .order_by()
        .values_list(
            "plan_id", "plan__year", "plan__quarter", "plan__kind", "plan__organisation__name", "branch_id", "checked"
        )
    )
    return plans.union(entries, all=True)


PLANS = Baked(_plans_query)


def plans_of(root: Organisation, *, year: int, quarter: int) -> tuple[list[PlanProgress], set[tuple[int, int]]]:
    """One query: the plans made at ``root``, above it or below it (for the quarters any plan
    is for) and, in the same answer, the branches of the subtree listed by the quarter's plans,
    each with whether its card of the quarter is reviewed or final — a plan's ``done`` (as on
    the plan page; a dissolved branch's checked card counts too)."""
    found = PLANS.rows(above=_ancestor_paths(root), path=root.path, year=year, quarter=quarter)
    shown: dict[int, PlanProgress] = {}
    quarters = set()
    for pk, y, q, kind, unit, branch_id, done in found:
        quarters.add((y, q))
        if (y, q) != (year, quarter):
            continue
        plan = shown.setdefault(pk, PlanProgress(pk, unit, _kind_label(kind), 0, 0))
        if branch_id is not None:
            plan.planned += 1
            plan.done += bool(done)
    # A plan above the unit that lists none of its branches is not the unit's to do.
    progress = sorted((p for p in shown.values() if p.planned), key=lambda p: (p.unit, p.kind_label, p.pk))
    return progress, quarters


def _kind_label(kind: str) -> str:
    return str(PlanKind(kind).label) if kind in PlanKind.values else ""


def quarters_for(root: Organisation) -> list[str]:
    """The quarters to choose from when there is no dashboard to read them from (two queries;
    the quarters with cards from the roll-ups, as the dashboard reads them, not by scanning
    every card of the subtree)."""
    with_cards = set(quarter_averages(root))
    _plans, with_plans = plans_of(root, year=0, quarter=0)  # no plan is for year 0: quarters only
    return quarter_choices(with_cards, with_plans, current_quarter())


def quarter_label(year: int, quarter: int) -> str:
    return _("%(year)d, quarter %(quarter)d") % {"year": year, "quarter": quarter}


def quarter_axis_label(code: str) -> str:
    """A quarter's code (2026Q3) as a chart's axis shows it, short and in words (26年第3季度);
    a code of no known form is shown as it is."""
    match = re.fullmatch(r"([0-9]{4})Q([1-4])", code)
    if not match:
        return code
    return _("'%(yy)02d, quarter %(quarter)d") % {"yy": int(match.group(1)) % 100, "quarter": int(match.group(2))}


def quarter_choices(
    with_cards: set[tuple[int, int]], with_plans: set[tuple[int, int]], shown: tuple[int, int]
) -> list[tuple[str, str]]:
    """The quarters to choose from, newest first, as (value, label): those with scorecards or
    plans, the current one and the one shown."""
    every = with_cards | with_plans | {current_quarter(), shown}
    return [(f"{y}Q{q}", quarter_label(y, q)) for y, q in sorted(every, reverse=True)]
