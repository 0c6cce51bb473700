"""The reviewer's dashboard (优标): one quarter over a subtree, in a fixed number of queries
whatever the number of branches. Every aggregate is computed by the database."""

import datetime as dt
import heapq
from dataclasses import dataclass, field
from decimal import Decimal
from operator import itemgetter
from typing import Any, NamedTuple

from django.db.models import Case, Count, F, FilteredRelation, Q, Sum, Value, When, Window
from django.utils import timezone

from branches.models import Organisation, OrgKind, OrgStatus
from branches.selectors import in_subtree
from tasks.statistics import BranchTaskStats, stats_of_tally_row, tallied_task_rows

from .desk import (
    CHECK_DONE,
    PARTITION,
    DeskState,
    OfQuarter,
    PlanProgress,
    active_branches,
    is_late_with,
    partition_counts,
    plans_of,
    quarter_axis_label,
    quarter_choices,
    state_of,
)
from .line_subtotals import LineAverage, line_averages
from .models import (
    ArticleRollup,
    Grade,
    RectificationItem,
    RectificationStatus,
    Scorecard,
    ScorecardLine,
    ScorecardStatus,
    grade_label,
)
from .rollups import quarter_article_rows, quarter_averages
from .services.scorecards import default_deadline
from .services.years import year_end_scores, year_result

TREND_QUARTERS = 8
TASK_ROWS = 30  # the page's table of the branches worst at their tasks


def previous_periods(year: int, quarter: int, count: int) -> list[tuple[int, int]]:
    """The ``count`` quarters ending with (year, quarter), oldest first."""
    index = year * 4 + quarter - 1
    return [((i // 4), (i % 4) + 1) for i in range(index - count + 1, index + 1)]


class Final(NamedTuple):
    """A final card of the quarter as the ranking reads it: a plain tuple (20,000 of them at
    20,000 branches), a ``RankRow`` made only for the rows shown."""

    branch_id: int
    name: str
    code: str
    is_key: bool
    score: Decimal
    self_score: Decimal
    grade: str
    previous: Decimal | None
    below_records: int

    @property
    def gap(self) -> Decimal:
        return self.self_score - self.score


@dataclass
class RankRow:
    branch_id: int
    name: str
    code: str
    is_key: bool
    score: Decimal
    self_score: Decimal
    grade: str
    previous: Decimal | None
    below_records: int = 0  # the second honesty signal: rules claimed below the records
    rank: int = 0

    @property
    def gap(self) -> Decimal:
        return self.self_score - self.score

    @property
    def trend(self) -> str:
        if self.previous is None:
            return ""
        if self.score > self.previous:
            return "up"
        return "down" if self.score < self.previous else "same"

    @property
    def grade_label(self) -> str:
        return grade_label(self.grade)


@dataclass
class Dashboard(OfQuarter):
    root: Organisation
    year: int
    quarter: int
    counts: dict[str, int] = field(default_factory=dict)
    # The ranking in the order asked: every final card, or its first ``shown`` when asked so.
    ranking: list[RankRow] = field(default_factory=list)
    ranked: int = 0  # final cards in the ranking, shown or not
    widest_gaps: list[Final] = field(default_factory=list)
    grades: list[tuple[str, str, int]] = field(default_factory=list)
    trend: list[tuple[str, float | None, int]] = field(default_factory=list)
    top_deducted: list[dict[str, Any]] = field(default_factory=list)
    line_subtotals: list[LineAverage] = field(default_factory=list)
    open_items: int = 0
    overdue_items: int = 0
    items: list[RectificationItem] = field(default_factory=list)
    late_branches: list[str] = field(default_factory=list)
    # The quarter's assessment plans (核标 plans) and the quarters to choose from, newest first.
    plans: list[PlanProgress] = field(default_factory=list)
    quarters: list[str] = field(default_factory=list)
    # 对标 as daily work: the handbook tasks due in the quarter, from the tasks app.
    task_rows: list[tuple[str, BranchTaskStats]] = field(default_factory=list)
    task_branches: int = 0  # branches with tasks due, in task_rows or not
    task_on_time_rate: float | None = None
    tasks_overdue: int = 0

    @property
    def tiles(self) -> list[tuple[str, str, int]]:
        """(state, label, count) of the five states every branch is in exactly one of."""
        return [(state.value, str(state.label), self.counts[state.value]) for state in PARTITION]

    @property
    def empty_charts(self) -> dict[str, bool]:
        """Which charts have nothing to draw: they say so instead of drawing four equal slices
        of nothing or bare axes."""
        return {
            "grades": not any(n for _, _, n in self.grades),
            "trend": all(score is None for _, score, _ in self.trend),
            "deducted": not self.top_deducted,
            "gaps": not self.ranked,
        }

    def chart_data(self) -> dict[str, Any]:
        """What the charts draw, for ``json_script``."""
        gaps = self.widest_gaps
        return {
            "grades": [{"name": label, "value": n} for _, label, n in self.grades],
            "trend": {"periods": [quarter_axis_label(t[0]) for t in self.trend], "scores": [t[1] for t in self.trend]},
            "deducted": {
                "articles": [f"{d['code']} {d['title']}" for d in reversed(self.top_deducted)],
                "points": [float(d["points"]) for d in reversed(self.top_deducted)],
            },
            "gaps": {"branches": [r.name for r in gaps], "gaps": [float(r.gap) for r in gaps]},
        }


SORTS = {
    "score": lambda r: (-r.score, r.code),
    "gap": lambda r: (-abs(r.gap), r.code),
    "name": lambda r: (r.code,),
    "trend": lambda r: (-(r.score - r.previous) if r.previous is not None else 0, r.code),
}


def dashboard_for(
    root: Organisation,
    *,
    year: int,
    quarter: int,
    sort: str = "score",
    today: dt.date | None = None,
    shown: int | None = None,
) -> Dashboard:
    """The ranking holds every final card, or only the first ``shown`` in the order asked
    (each with its rank among all), and the task rows every branch or the ``TASK_ROWS``
    worst: the page shows a hundred and thirty of 20,000, the API all.

    Seven queries whatever the number of branches: the active branches with their card of
    the quarter and last quarter's final score, the quarter roll-ups (the trend, and the
    quarters to choose from), the quarter's plans, the dissolved branches' checked cards, the
    article roll-ups (most-deducted articles, 大政工 subtotals), the open rectification items
    with their counts, and the tasks. No scorecard line is read but a branch's own card's."""
    today = today or timezone.localdate()
    board = Dashboard(root=root, year=year, quarter=quarter)
    in_tree = in_subtree(root, via="branch__path")
    (py, pq) = previous_periods(year, quarter, 2)[0]
    # One row per active branch with its card of the quarter and last quarter's final score
    # (one card per branch and quarter: the joins add no rows).
    rows = list(
        active_branches(root)
        .annotate(
            card=FilteredRelation("scorecards", condition=Q(scorecards__year=year, scorecards__quarter=quarter)),
            previous=FilteredRelation(
                "scorecards",
                condition=Q(scorecards__year=py, scorecards__quarter=pq, scorecards__status=ScorecardStatus.FINAL),
            ),
        )
        .order_by()
        .values_list(
            "pk",
            "name",
            "code",
            "is_key",
            "card__status",
            "card__self_total",
            "card__review_total",
            "card__grade",
            "card__is_late",
            "card__deadline",
            "card__below_records",
            "previous__review_total",
        )
    )
    branches = {pk: (name, code, is_key) for pk, name, code, is_key, *_card in rows}
    fallback = default_deadline(year, quarter)
    started = 0
    late_names = []
    states = []
    grade_counts = dict.fromkeys(Grade.values, 0)
    finals: list[Final] = []
    for pk, name, code, is_key, status, self_total, review_total, grade, flagged, deadline, below, previous in rows:
        started += status is not None
        late = is_late_with(status, bool(flagged), deadline, fallback, today)
        states.append((state_of(status), late))
        if late:
            late_names.append(name)
        if status == ScorecardStatus.FINAL:
            finals.append(Final(pk, name, code, is_key, review_total, self_total, grade, previous, below))
            if grade in grade_counts:
                grade_counts[grade] += 1
    counts = partition_counts(states)
    board.counts = {
        "branches": counts.pop(DeskState.ALL),
        "started": started,
        "not_started": len(branches) - started,
        **counts,
    }
    board.late_branches = sorted(late_names)
    _rank(board, finals, sort, shown)
    board.grades = [(g, str(Grade(g).label), grade_counts[g]) for g in Grade.values]

    # Every quarter with a card in the subtree, with its final cards' average: the trend reads
    # the last eight, the quarter picker all of them. The final cards come summed from the
    # roll-ups; the others only name their quarters.
    averages = quarter_averages(root)
    board.trend = [
        (f"{y}Q{q}", *averages.get((y, q), (None, 0))) for y, q in previous_periods(year, quarter, TREND_QUARTERS)
    ]
    # A plan's done counts the checked cards of dissolved branches too, as the plan page does.
    checked = {branch_id for branch_id, _name, _code, _key, status, *_card in rows if status in CHECK_DONE}
    checked.update(
        Scorecard.objects.filter(in_tree, year=year, quarter=quarter, status__in=CHECK_DONE)
        .exclude(branch__status=OrgStatus.ACTIVE)
        .values_list("branch_id", flat=True)
    )
    board.plans, with_plans = plans_of(root, year=year, quarter=quarter, checked=checked)
    board.quarters = quarter_choices(set(averages), with_plans, (year, quarter))
    # One per-article aggregate of the quarter's final lines: the most-deducted articles and
    # the 大政工 subtotals both read it.
    articles = quarter_article_rows(root, year=year, quarter=quarter)
    deducted = sorted((row for row in articles if row["lines"]), key=lambda row: (-row["points"], row["code"]))
    board.top_deducted = [
        {"code": row["code"], "title": row["title"], "points": row["points"], "lines": row["lines"]}
        for row in deducted[:10]
    ]
    board.line_subtotals = line_averages(articles)
    # The open items' counts ride on the oldest twenty as window aggregates (taken over every
    # open item before the LIMIT): one query for both.
    items = (
        RectificationItem.objects.filter(in_tree)
        .exclude(status=RectificationStatus.CLOSED)
        .select_related("branch", "finding", "owner")
        .annotate(
            open_total=Window(Count("pk")),
            overdue_total=Window(Sum(Case(When(deadline__lt=today, then=Value(1)), default=Value(0)))),
        )
        .order_by("deadline", "pk")
    )
    board.items = list(items[:20])
    first = board.items[0] if board.items else None
    board.open_items = first.open_total if first else 0
    board.overdue_items = first.overdue_total if first else 0
    _add_task_statistics(board, branches, today, shown)
    return board


def _rank(board: Dashboard, finals: list[Final], sort: str, rows: int | None) -> None:
    """The ranking: by score, best first, then by code, numbered; then in the order asked.
    Rank rows are made for the rows kept only; the chart's thirty widest gaps are taken from
    the tuples, as sorted(…, reverse=True)[:30] gives them, without sorting 20,000."""
    board.ranked = len(finals)
    # Two stable sorts on C-level keys (20,000 tuples): code, then score descending.
    by_score = sorted(finals, key=itemgetter(2))
    by_score.sort(key=itemgetter(4), reverse=True)
    board.widest_gaps = heapq.nlargest(30, by_score, key=lambda r: abs(r.self_score - r.score))
    if sort == "score" or sort not in SORTS:
        shown = by_score if rows is None else by_score[:rows]
        ranks = range(1, len(shown) + 1)
    else:
        key = SORTS[sort]
        shown = sorted(finals, key=key) if rows is None else heapq.nsmallest(rows, finals, key=key)
        position = {row.branch_id: n for n, row in enumerate(by_score, start=1)}
        ranks = [position[row.branch_id] for row in shown]
    board.ranking = [RankRow(*row, rank=rank) for row, rank in zip(shown, ranks, strict=True)]


def _add_task_statistics(
    board: Dashboard, branches: dict[int, tuple[str, str, bool]], today: dt.date, shown: int | None
) -> None:
    """One query through the tasks app's own statistics: on-time rate and overdue work per
    branch for the tasks due in the quarter, worst first. Summed from the task tallies (a
    few rows a branch, kept by the tasks services), not from the quarter's tasks; the
    totals from plain tuples, a ``BranchTaskStats`` made only for the rows kept (the page's
    ``TASK_ROWS`` worst when ``shown`` is given, else every branch)."""
    rows = [
        row
        for row in tallied_task_rows(
            # The same branches as a subquery, not 2,000 ids in an IN list.
            branches=active_branches(board.root),
            year=board.year,
            quarter=board.quarter,
            today=today,
        )
        if row[0] in branches
    ]

    def worst_first(row: tuple[int, ...]) -> tuple[float, str]:
        # BranchTaskStats.on_time_rate, 101 when nothing was due so far; then the name.
        return (round(100 * row[4] / row[2], 1) if row[2] else 101, branches[row[0]][0])

    kept = sorted(rows, key=worst_first) if shown is None else heapq.nsmallest(TASK_ROWS, rows, key=worst_first)
    board.task_rows = [(branches[row[0]][0], stats_of_tally_row(row)) for row in kept]
    board.task_branches = len(rows)
    due_so_far = sum(row[2] for row in rows)
    board.task_on_time_rate = round(100 * sum(row[4] for row in rows) / due_so_far, 1) if due_so_far else None
    board.tasks_overdue = sum(row[5] for row in rows)


def reviewed_deductions(organisation: Organisation, year: int, quarter: int) -> dict[int, Decimal]:
    """Points deducted by the final reviews of a quarter below ``organisation``, per article:
    the handbook's study-focus suggestion (明标) reads this through its registry. From the
    unit's roll-up, plus its own final card (a branch's) from its lines."""
    points: dict[int, Decimal] = dict(
        ArticleRollup.objects.filter(unit=organisation, year=year, quarter=quarter, review_points__gt=0).values_list(
            "article_id", "review_points"
        )
    )
    for article_id, lost in ScorecardLine.objects.filter(
        scorecard__branch=organisation,
        scorecard__year=year,
        scorecard__quarter=quarter,
        scorecard__status=ScorecardStatus.FINAL,
        review_score__lt=F("max_score"),
    ).values_list("article_id", F("max_score") - F("review_score")):
        points[article_id] = points.get(article_id, Decimal(0)) + lost
    return points


def year_scores(root: Organisation, year: int) -> list[dict[str, Any]]:
    """A year of final scores per branch, for performance pay (考核兑现): three queries. The
    year score and grade follow ``services.years`` (the year-end check counts once more)."""
    branches = list(
        Organisation.objects.filter(in_subtree(root), kind=OrgKind.BRANCH)
        .order_by("code")
        .values("pk", "code", "name", "is_key", "status")
    )
    cards: dict[int, dict[int, tuple[Decimal, str, bool]]] = {}
    for branch_id, quarter, score, grade, late in Scorecard.objects.filter(
        in_subtree(root, via="branch__path"), year=year, status=ScorecardStatus.FINAL
    ).values_list("branch_id", "quarter", "review_total", "grade", "is_late"):
        cards.setdefault(branch_id, {})[quarter] = (score, grade, late)
    checks = year_end_scores(path=root.path, years=[year])
    rows = []
    for branch in branches:
        quarters = cards.get(branch["pk"], {})
        if not quarters and branch["status"] != OrgStatus.ACTIVE:
            continue
        year_end = checks.get((branch["pk"], year))
        score, grade = year_result({q: s for q, (s, _, _) in quarters.items()}, year_end)
        rows.append(
            {
                **branch,
                "quarters": [quarters.get(q) for q in (1, 2, 3, 4)],
                "year_score": score,
                "year_grade": grade,
                "year_end_score": year_end,
                "late": sum(1 for _, _, late in quarters.values() if late),
            }
        )
    return rows


def default_quarter(today: dt.date | None = None) -> tuple[int, int]:
    today = today or timezone.localdate()
    return today.year, (today.month - 1) // 3 + 1
