"""The reviewer's dashboard (优标): one quarter over a subtree, in a fixed number of queries
whatever the number of branches. Every aggregate is computed by the database."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from branches.models import Organisation, OrgKind, OrgStatus
from branches.selectors import in_subtree, under_path
from config.baked import Baked, one_row
from tasks.statistics import BranchTaskStats

from .dashboard_cards import ORDERS, Final, Place, RankRow, late_names, quarter_counts, ranking_rows, widest_gaps
from .dashboard_tasks import task_totals, worst_at_tasks
from .desk import (
    PARTITION,
    DeskState,
    OfQuarter,
    PlanProgress,
    plans_of,
    quarter_axis_label,
    quarter_choices,
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
)
from .rollups import quarter_article_rows, quarter_averages
from .services.scorecards import default_deadline
from .services.years import year_end_scores, year_result

TREND_QUARTERS = 8
TASK_ROWS = 30  # the page's table of the branches worst at their tasks
# What the page and the API show of an open rectification item: the rows sorted are narrow.
ITEM_FIELDS = (
    "branch_id",
    "finding_id",
    "owner_id",
    "article_code",
    "owner_name",
    "deadline",
    "status",
    "branch__name",
    "finding__problem",
    "owner__full_name",
    "owner__username",
)


def previous_periods(year: int, quarter: int, count: int) -> list[tuple[int, int]]:
    """The ``count`` quarters ending with (year, quarter), oldest first."""
    index = year * 4 + quarter - 1
    return [((i // 4), (i % 4) + 1) for i in range(index - count + 1, index + 1)]


@dataclass
class TaskFigures:
    """对标 as daily work: the handbook tasks due in the quarter, from the tasks app."""

    rows: list[tuple[str, BranchTaskStats]] = field(default_factory=list)
    branches: int = 0  # branches with tasks due, in rows or not
    on_time_rate: float | None = None
    overdue: int = 0


@dataclass
class Dashboard(OfQuarter):
    root: Organisation
    year: int
    quarter: int
    counts: dict[str, int] = field(default_factory=dict)
    # The ranking in the order asked: every final card, or its first ``shown`` when asked so.
    ranking: list[RankRow] = field(default_factory=list)  # each with its rank
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
    tasks: TaskFigures = field(default_factory=TaskFigures)
    # Where the card and the task figures are kept in the cache (``dashboard_cache``), by
    # group; None when computed.
    kept_as: dict[str, str] | None = None

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


SORTS = ORDERS  # the orders the ranking can be asked in


def _open_items(path: str) -> QuerySet[RectificationItem]:
    """The subtree's rectification items not closed."""
    items = RectificationItem.objects.filter(under_path(path, via="branch__path"))
    return items.exclude(status=RectificationStatus.CLOSED).order_by()


def _open_item_counts(*, path: str, today: dt.date) -> QuerySet:
    return one_row(_open_items(path), open_total=Count("pk"), overdue_total=Count("pk", filter=Q(deadline__lt=today)))


OPEN_ITEM_COUNTS = Baked(_open_item_counts)


def dashboard_for(
    root: Organisation,
    *,
    year: int,
    quarter: int,
    sort: str = "score",
    today: dt.date | None = None,
    shown: int | None = None,
    with_tasks: bool = True,
) -> Dashboard:
    """The ranking holds every final card, or only the first ``shown`` in the order asked
    (each with its rank among all), and the task rows every branch or the ``TASK_ROWS``
    worst: the page shows a hundred and thirty of 20,000, the API all.

    A fixed number of queries whatever the number of branches, each counted, summed or cut
    by the database (``dashboard_cards``, ``dashboard_tasks``): the tiles and grades, the
    ranking's rows, the widest gaps, the quarter roll-ups (the trend, and the quarters to
    choose from), the quarter's plans with their checked entries, the article roll-ups
    (most-deducted articles, 大政工 subtotals), the open rectification items and their counts,
    the task totals and the worst branches at their tasks (``task_figures``; left out with
    ``with_tasks=False``); the late branches' names only when every row is asked for (the
    API). No scorecard line is read but a branch's own."""
    today = today or timezone.localdate()
    board = Dashboard(root=root, year=year, quarter=quarter)
    (pyear, pquarter), _ = previous_periods(year, quarter, 2)
    place = Place(root.path, year, quarter, pyear, pquarter)
    fallback = default_deadline(year, quarter)
    counts = quarter_counts(root.path, year=year, quarter=quarter, fallback=fallback, today=today)
    board.counts = {
        "branches": counts["branches"],
        "started": counts["started"],
        "not_started": counts["branches"] - counts["started"],
        **{state.value: counts[state.value] for state in PARTITION},
        DeskState.LATE.value: counts["late"],
    }
    board.grades = [(g, str(Grade(g).label), counts[f"grade-{g}"]) for g in Grade.values]
    board.ranked = counts[ScorecardStatus.FINAL.value]
    board.ranking = ranking_rows(place, sort=sort, limit=shown)
    board.widest_gaps = widest_gaps(place)
    if shown is None:
        board.late_branches = late_names(root.path, year=year, quarter=quarter, fallback=fallback, today=today)

    # Every quarter with a card in the subtree, with its final cards' average: the trend reads
    # the last eight, the quarter picker all of them. The final cards come summed from the
    # roll-ups; the others only name their quarters.
    averages = quarter_averages(root)
    board.trend = [
        (f"{y}Q{q}", *averages.get((y, q), (None, 0))) for y, q in previous_periods(year, quarter, TREND_QUARTERS)
    ]
    board.plans, with_plans = plans_of(root, year=year, quarter=quarter)
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
    ((board.open_items, board.overdue_items),) = OPEN_ITEM_COUNTS.rows(path=root.path, today=today)
    oldest = (
        _open_items(root.path)
        .select_related("branch", "finding", "owner")
        .only(*ITEM_FIELDS)
        .order_by("deadline", "pk")
    )
    board.items = list(oldest[:20])
    if with_tasks:
        board.tasks = task_figures(root, year=year, quarter=quarter, today=today, shown=shown)
    return board


def task_figures(root: Organisation, *, year: int, quarter: int, today: dt.date, shown: int | None) -> TaskFigures:
    """The tasks due in the quarter, from the tasks app's tallies: on-time rate and overdue
    work over every branch, and the branches worst at their tasks (the page's ``TASK_ROWS``
    when ``shown`` is given, else every one). Two queries."""
    period = {"year": year, "quarter": quarter, "today": today}
    totals = task_totals(root.path, **period)
    due_so_far = totals["due_so_far"]
    return TaskFigures(
        rows=worst_at_tasks(root.path, **period, limit=None if shown is None else TASK_ROWS),
        branches=totals["branches"],
        on_time_rate=round(100 * totals["on_time"] / due_so_far, 1) if due_so_far else None,
        overdue=totals["overdue"],
    )


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
