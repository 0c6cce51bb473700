"""The assessment dashboard, the scorecard page and the feedback PDF under load.

    python bench/dashboard.py [--branches 20000] [--quarters 8] [--reuse] [--no-tasks] [--spread-due]
        [--no-pdf] [--json]

Builds BRANCHES branches × QUARTERS final quarters × 52 lines (2,000 × 8 × 52 ≈ 830,000 lines
is the issue's size; use PostgreSQL through DATABASE_URL for it; the default is smaller so
that it runs on the embedded SQLite in a minute). Prints the dashboard's server time (median of
several requests), its query count at 20 branches and at all of them, the ratio of the ORM
aggregates to the same aggregates in one hand-written SQL query, the scorecard page (GET and
one line saved) and the feedback PDF; then the dashboard with its figures kept in the cache
(bench/dashboard_cached.py). --spread-due gives the quarter's tasks the default
handbook's spread of due dates (about 41 a branch-quarter) instead of three month ends.
"""

import datetime as dt
import gc
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import Row, emit, setup_django

REQUESTS = 7
PASSWORD = "Bench@2026-x"  # noqa: S105 - a throw-away database


def _arg(name: str, default: int) -> int:
    if name in sys.argv:
        return int(sys.argv[sys.argv.index(name) + 1])
    return default


def build(branches: int, quarters: int) -> dict:
    from django.db import transaction

    from assessments.dashboard import previous_periods
    from assessments.models import Finding, RectificationItem, Scorecard, ScorecardLine
    from assessments.services.scoring import grade_for
    from branches.models import Organisation, OrgKind, Role
    from branches.services import organisation_create, role_grant, user_create
    from handbook.services import load_default_edition

    rng = random.Random(7)
    edition = load_default_edition()
    articles = list(edition.articles.all())
    with transaction.atomic():
        committee = organisation_create(by=None, parent=None, code="BENCH", name="基准党委", kind=OrgKind.COMMITTEE)
        small = organisation_create(
            by=None, parent=committee, code="BENCH-G", name="小党总支", kind=OrgKind.GENERAL_BRANCH
        )
        orgs = Organisation.objects.bulk_create(
            Organisation(
                code=f"BENCH-{i:05d}",
                name=f"基准第{i}党支部",
                kind=OrgKind.BRANCH,
                parent=small if i < 20 else committee,
                depth=2 if i < 20 else 1,
                is_key=i % 5 == 0,
                path="/pending/",
            )
            for i in range(branches)
        )
        for org in orgs:
            org.path = f"{small.path if org.parent_id == small.pk else committee.path}{org.pk}/"
        Organisation.objects.bulk_update(orgs, ["path"], batch_size=1000)
        reviewer = user_create(username="bench-reviewer", full_name="考核员", password=PASSWORD)
        role_grant(by=None, user=reviewer, role=Role.REVIEWER, organisation=committee)
        secretary = user_create(username="bench-secretary", full_name="书记", password=PASSWORD)
        role_grant(by=None, user=secretary, role=Role.SECRETARY, organisation=orgs[0])
    made_secretary = secretary

    periods = previous_periods(2026, 3, quarters)
    for year, quarter in periods:
        with transaction.atomic():
            cards = []
            lines_by_card = []
            for org in orgs:
                lines = []
                for article in articles:
                    cut = Decimal(rng.choice([0, 0, 0, 0, 0.5, 1, 2]))
                    review = max(Decimal(0), article.max_score - cut - Decimal(rng.choice([0, 0, 0, 0.5])))
                    lines.append((article, max(Decimal(0), article.max_score - cut), review))
                self_total = sum(s for _, s, _ in lines)
                review_total = sum(r for _, _, r in lines)
                cards.append(
                    Scorecard(
                        branch=org,
                        year=year,
                        quarter=quarter,
                        edition=edition,
                        status="final",
                        deadline=f"{year}-{quarter * 3:02d}-28",
                        self_total=self_total,
                        review_total=review_total,
                        grade=grade_for(review_total),
                        is_late=rng.random() < 0.1,
                    )
                )
                lines_by_card.append(lines)
            Scorecard.objects.bulk_create(cards, batch_size=1000)
            ScorecardLine.objects.bulk_create(
                (
                    ScorecardLine(
                        scorecard=card, article=article, max_score=article.max_score, self_score=s, review_score=r
                    )
                    for card, lines in zip(cards, lines_by_card, strict=True)
                    for article, s, r in lines
                ),
                batch_size=5000,
            )
            findings = Finding.objects.bulk_create(
                Finding(scorecard=card, article=rng.choice(articles), problem="台账不全", severity="minor")
                for card in cards[::4]
            )
            RectificationItem.objects.bulk_create(
                RectificationItem(
                    finding=f,
                    branch_id=f.scorecard.branch_id,
                    article_code=f.article.code,
                    owner=made_secretary,
                    owner_name="书记",
                    deadline=f"{year}-{quarter * 3:02d}-28",
                    status="open" if (year, quarter) == periods[-1] else "closed",
                )
                for f in findings
            )
    _analyze()
    return {"committee": committee, "small": small, "reviewer": reviewer, "secretary": secretary, "first": orgs[0]}


def _analyze() -> None:
    """The planner statistics a live database keeps up by autovacuum: freshly bulk-loaded
    tables have none (nor at all where autovacuum is off), and without them PostgreSQL picks
    nested loops that make the dashboard ten times slower than it is in service."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


LINES_SQL = """
SELECT 'card', CAST(c.branch_id AS TEXT), c.status, CAST(c.self_total AS TEXT), CAST(c.review_total AS TEXT), c.grade
  FROM assessments_scorecard c JOIN branches_organisation o ON o.id = c.branch_id
 WHERE o.path LIKE %(root)s AND c.year = %(year)s AND c.quarter = %(quarter)s AND o.status = 'active'
UNION ALL
SELECT 'prev', CAST(c.branch_id AS TEXT), NULL, NULL, CAST(c.review_total AS TEXT), NULL
  FROM assessments_scorecard c JOIN branches_organisation o ON o.id = c.branch_id
 WHERE o.path LIKE %(root)s AND c.year = %(pyear)s AND c.quarter = %(pquarter)s AND c.status = 'final'
UNION ALL
SELECT 'branch', CAST(o.id AS TEXT), o.name, o.code, NULL, NULL
  FROM branches_organisation o WHERE o.path LIKE %(root)s AND o.kind = 'branch' AND o.status = 'active'
UNION ALL
SELECT 'trend', CAST(c.year AS TEXT), CAST(c.quarter AS TEXT), CAST(AVG(c.review_total) AS TEXT),
       CAST(COUNT(*) AS TEXT), NULL
  FROM assessments_scorecard c JOIN branches_organisation o ON o.id = c.branch_id
 WHERE o.path LIKE %(root)s AND c.status = 'final' AND (c.year * 4 + c.quarter) > %(since)s
   AND (c.year * 4 + c.quarter) <= %(until)s
 GROUP BY c.year, c.quarter
UNION ALL
SELECT 'article', a.code, a.title || '|' || a.line, CAST(SUM(l.max_score - l.review_score) AS TEXT),
       CAST(SUM(CASE WHEN l.review_score < l.max_score THEN 1 ELSE 0 END) AS TEXT),
       CAST(SUM(l.max_score) AS TEXT) || '|' || CAST(SUM(l.self_score) AS TEXT) || '|'
         || CAST(SUM(l.review_score) AS TEXT) || '|' || CAST(COUNT(*) AS TEXT)
  FROM assessments_scorecardline l
  JOIN assessments_scorecard c ON c.id = l.scorecard_id
  JOIN branches_organisation o ON o.id = c.branch_id
  JOIN handbook_article a ON a.id = l.article_id
 WHERE o.path LIKE %(root)s AND c.year = %(year)s AND c.quarter = %(quarter)s AND c.status = 'final'
 GROUP BY a.code, a.title, a.line
UNION ALL
SELECT 'items', CAST(COUNT(*) AS TEXT), CAST(SUM(CASE WHEN r.deadline < %(today)s THEN 1 ELSE 0 END) AS TEXT),
       NULL, NULL, NULL
  FROM assessments_rectificationitem r JOIN branches_organisation o ON o.id = r.branch_id
 WHERE o.path LIKE %(root)s AND r.status <> 'closed'
UNION ALL
SELECT 'item', i.* FROM (
  SELECT CAST(r.id AS TEXT), o.name, f.problem, CAST(r.deadline AS TEXT), CAST(r.owner_id AS TEXT)
    FROM assessments_rectificationitem r JOIN branches_organisation o ON o.id = r.branch_id
    JOIN assessments_finding f ON f.id = r.finding_id
   WHERE o.path LIKE %(root)s AND r.status <> 'closed' ORDER BY r.deadline, r.id LIMIT 20) i
UNION ALL
SELECT 'tasks', CAST(t.branch_id AS TEXT), CAST(COUNT(*) AS TEXT),
       CAST(COUNT(*) FILTER (WHERE t.status IN ('done', 'checked') OR t.due_on < %(today)s) AS TEXT),
       CAST(COUNT(*) FILTER (WHERE t.status IN ('done', 'checked') AND t.delay_days = 0) AS TEXT),
       CAST(COUNT(*) FILTER (WHERE t.status = 'open' AND t.due_on < %(today)s) AS TEXT)
  FROM tasks_task t JOIN branches_organisation o ON o.id = t.branch_id
 WHERE o.path LIKE %(root)s AND o.kind = 'branch' AND o.status = 'active' AND t.status <> 'cancelled'
   AND t.due_on BETWEEN %(first)s AND %(last)s
 GROUP BY t.branch_id
"""


# The figures the dashboard page shows, as the best hand-written SQL reads them, one statement
# for each of the ORM's queries: the tiles and grades counted, the first hundred of the
# ranking (rank by a window) and the thirty widest gaps cut by LIMIT, the quarters and
# articles from the roll-ups, the plans with their checked entries, the open rectification
# items counted and the oldest twenty, the task totals and the thirty branches worst at their
# tasks from the per-quarter tallies (a past quarter: overdue is the open count). The
# baseline of the 1.2 ratio.
_BRANCHES = "o.path LIKE %(root)s AND o.kind = 'branch' AND o.status = 'active'"
_FINAL_ROW = (
    """o.id, o.name, o.code, o.is_key, c.review_total, c.self_total, c.grade, p.review_total, c.below_records
  FROM branches_organisation o
  JOIN assessments_scorecard c ON c.branch_id = o.id AND c.year = %(year)s AND c.quarter = %(quarter)s
  LEFT JOIN assessments_scorecard p ON p.branch_id = o.id AND p.year = %(pyear)s AND p.quarter = %(pquarter)s
   AND p.status = 'final'
 WHERE """
    + _BRANCHES
    + " AND c.status = 'final'"
)
_TALLIES = (
    """FROM tasks_taskquartertally t JOIN branches_organisation o ON o.id = t.branch_id
 WHERE """
    + _BRANCHES
    + " AND t.year = %(year)s AND t.quarter = %(quarter)s AND t.due > 0"
)
PAGE_SQL = [
    """SELECT COUNT(o.id), COUNT(c.id),
       COUNT(*) FILTER (WHERE c.id IS NULL OR c.status = 'draft'),
       COUNT(*) FILTER (WHERE c.status = 'returned'), COUNT(*) FILTER (WHERE c.status = 'submitted'),
       COUNT(*) FILTER (WHERE c.status = 'reviewed'), COUNT(*) FILTER (WHERE c.status = 'final'),
       COUNT(*) FILTER (WHERE (c.status IN ('draft', 'returned') AND COALESCE(c.deadline, %(fallback)s) < %(today)s)
                          OR (c.status NOT IN ('draft', 'returned') AND c.is_late)
                          OR (c.id IS NULL AND %(fallback)s < %(today)s)),
       COUNT(*) FILTER (WHERE c.status = 'final' AND c.grade = 'good'),
       COUNT(*) FILTER (WHERE c.status = 'final' AND c.grade = 'fairly_good'),
       COUNT(*) FILTER (WHERE c.status = 'final' AND c.grade = 'average'),
       COUNT(*) FILTER (WHERE c.status = 'final' AND c.grade = 'poor')
  FROM branches_organisation o
  LEFT JOIN assessments_scorecard c ON c.branch_id = o.id AND c.year = %(year)s AND c.quarter = %(quarter)s
 WHERE """
    + _BRANCHES,
    "SELECT "
    + _FINAL_ROW.replace("o.id,", "ROW_NUMBER() OVER (ORDER BY c.review_total DESC, o.code), o.id,", 1)
    + " ORDER BY c.review_total DESC, o.code LIMIT 100",
    "SELECT " + _FINAL_ROW + " ORDER BY ABS(c.self_total - c.review_total) DESC, c.review_total DESC, o.code LIMIT 30",
    """SELECT r.year, r.quarter, r.cards, r.reviewed_cards, r.review_sum
  FROM assessments_quarterrollup r WHERE r.unit_id = %(unit)s
UNION ALL
SELECT DISTINCT c.year, c.quarter, 0, 0, 0
  FROM assessments_scorecard c JOIN branches_organisation o ON o.id = c.branch_id
 WHERE o.path LIKE %(root)s AND c.status IN ('draft', 'submitted', 'returned', 'reviewed')""",
    """SELECT p.id, p.year, p.quarter, p.kind, u.name, NULL, FALSE
  FROM assessments_assessmentplan p JOIN branches_organisation u ON u.id = p.organisation_id
 WHERE u.path LIKE %(root)s
UNION ALL
SELECT p.id, p.year, p.quarter, p.kind, u.name, e.branch_id,
       EXISTS (SELECT 1 FROM assessments_scorecard c WHERE c.branch_id = e.branch_id AND c.year = %(year)s
                  AND c.quarter = %(quarter)s AND c.status IN ('reviewed', 'final'))
  FROM assessments_planentry e JOIN assessments_assessmentplan p ON p.id = e.plan_id
  JOIN branches_organisation u ON u.id = p.organisation_id JOIN branches_organisation o ON o.id = e.branch_id
 WHERE o.path LIKE %(root)s AND p.year = %(year)s AND p.quarter = %(quarter)s""",
    """SELECT a.code, a.title, a.line, r.review_points, r.review_deducted, r.max_sum, r.self_sum, r.review_sum, r.lines
  FROM assessments_articlerollup r JOIN handbook_article a ON a.id = r.article_id
 WHERE r.unit_id = %(unit)s AND r.year = %(year)s AND r.quarter = %(quarter)s""",
    """SELECT COUNT(*), COUNT(*) FILTER (WHERE r.deadline < %(today)s)
  FROM assessments_rectificationitem r JOIN branches_organisation o ON o.id = r.branch_id
 WHERE o.path LIKE %(root)s AND r.status <> 'closed'""",
    """SELECT r.id, r.deadline, r.article_code, r.owner_name, o.name, f.problem, u.full_name
  FROM assessments_rectificationitem r JOIN branches_organisation o ON o.id = r.branch_id
  JOIN assessments_finding f ON f.id = r.finding_id LEFT JOIN branches_user u ON u.id = r.owner_id
 WHERE o.path LIKE %(root)s AND r.status <> 'closed' ORDER BY r.deadline, r.id LIMIT 20""",
    "SELECT COUNT(*), SUM(t.done + t.open_tasks), SUM(t.on_time), SUM(t.open_tasks) " + _TALLIES,
    """SELECT o.name, t.branch_id, t.due, t.done, t.on_time, t.open_tasks, t.delay_sum, t.checked, t.quality_sum,
       t.quality_n """
    + _TALLIES
    + """ ORDER BY CASE WHEN t.done + t.open_tasks = 0 THEN 101
               ELSE ROUND(CAST(t.on_time * 100 AS NUMERIC) / (t.done + t.open_tasks), 1) END, o.name, t.branch_id
 LIMIT 30""",
]


def raw_aggregates(root, year: int, quarter: int, sql: str | list[str]) -> list:
    import datetime as dt

    from django.db import connection

    from assessments.services.scorecards import default_deadline

    params = {
        "root": root.path + "%",
        "unit": root.pk,
        "year": year,
        "quarter": quarter,
        "pyear": year if quarter > 1 else year - 1,
        "pquarter": quarter - 1 if quarter > 1 else 4,
        "since": year * 4 + quarter - 8,
        "until": year * 4 + quarter,
        "today": dt.date.today(),
        "fallback": default_deadline(year, quarter),
        "first": dt.date(year, 3 * quarter - 2, 1),
        "last": dt.date(year + quarter // 4, 3 * quarter % 12 + 1, 1) - dt.timedelta(days=1),
    }
    found = []
    with connection.cursor() as cursor:
        for statement in [sql] if isinstance(sql, str) else sql:
            cursor.execute(statement, params)
            found.extend(cursor.fetchall())
    return found


def _page_count(pdf: bytes) -> str:
    """Pages of a PDF, by poppler's pdfinfo (the page tree is compressed, so not by a regex)."""
    tool = shutil.which("pdfinfo")
    if tool is None:
        return "?"
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        info = subprocess.run([tool, handle.name], capture_output=True, text=True, check=False).stdout
    return next((line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")), "?")


def _median_ms(run, n: int = REQUESTS) -> float:
    run()  # warm-up
    times = []
    for _ in range(n):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _paired_medians_ms(first, second, n: int = 21) -> tuple[float, float]:
    """Medians of ``first`` and ``second`` run in turns, so that whatever else the machine is
    doing weighs on both alike."""
    first()
    second()
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(n):
        for run, into in ((first, times[0]), (second, times[1])):
            start = time.perf_counter()
            run()
            into.append((time.perf_counter() - start) * 1000)
    return statistics.median(times[0]), statistics.median(times[1])


def _timed_ms(run, n: int) -> list[float]:
    run()  # warm-up
    times = []
    for _ in range(n):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return times


def _cpu_ms(run, n: int = 7) -> float:
    """The median CPU time of this process (Python, the driver; not PostgreSQL's): what the
    machine's load does not stretch, unlike the wall-clock figures."""
    times = []
    for _ in range(n):
        start = time.process_time()
        run()
        times.append((time.process_time() - start) * 1000)
    return statistics.median(times)


def _p95(times: list[float]) -> float:
    return sorted(times)[max(0, round(0.95 * len(times)) - 1)]


def _load() -> float:
    return os.getloadavg()[0]


def _made() -> dict:
    from assessments.models import Scorecard
    from branches.models import Organisation, User

    committee = Organisation.objects.get(code="BENCH")
    return {
        "committee": committee,
        "small": Organisation.objects.get(code="BENCH-G"),
        "unit": Organisation.objects.filter(code="BENCH-U00").first(),
        "reviewer": User.objects.get(username="bench-reviewer"),
        "secretary": User.objects.get(username="bench-secretary"),
        "first": Organisation.objects.get(code="BENCH-00000"),
        "cards": Scorecard.objects.filter(branch__path__startswith=committee.path).count(),
    }


def _prepare(branches: int, quarters: int, rows: list[Row]) -> dict:
    """The data: built by PostgreSQL itself (bench/bulk_cards.py) or, on SQLite, by the ORM;
    with --reuse, a database already built at this size is used as it is."""
    from django.db import connection

    from bench.bulk_cards import build_pg, rebuild_rollups_timed
    from branches.models import Organisation

    existing = Organisation.objects.filter(code__startswith="BENCH-", kind="branch").count()
    if existing and "--reuse" in sys.argv and existing == branches:
        rows.append(Row(f"data: reused, {branches} branches", 0, "s"))
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # Made again after the first measure, and their tallies with them.
                cursor.execute("TRUNCATE tasks_task, tasks_tasktally, tasks_taskquartertally CASCADE")
        return _made()
    if existing:
        raise SystemExit("The database already holds bench data: give an empty one, or --reuse at its size.")
    timings: dict[str, float] = {}
    if connection.vendor == "postgresql":
        build_pg(branches, quarters, timings, password=PASSWORD)
    else:
        started = time.perf_counter()
        build(branches, quarters)
        timings["cards (ORM)"] = time.perf_counter() - started
    rebuild_rollups_timed(timings)
    made = _made()
    total = sum(timings.values())
    rows.append(Row(f"data: {branches} branches × {quarters} quarters × 52 lines, built", round(total, 1), "s"))
    rows.extend(Row(f"  of which {step}", round(sec, 1), "s") for step, sec in timings.items())
    return made


def _explain(made: dict) -> list[tuple[str, str]]:
    """EXPLAIN (ANALYZE, BUFFERS) of the hot queries: the dashboard's roll-up read, a card's
    lines, the member's task list by assignee and due date, and the task tallies' sums."""
    import datetime as dt

    from django.db import connection

    from assessments.desk import active_branches
    from assessments.models import Scorecard, ScorecardLine
    from assessments.rollups import article_rows_query
    from tasks.selectors import my_tasks
    from tasks.statistics import tally_sums
    from tasks.tallies import overdue_advance

    card = Scorecard.objects.filter(branch=made["first"]).order_by("-year", "-quarter").first()
    branches, today = active_branches(made["committee"]), dt.date.today()
    queries = [
        ("dashboard roll-up read (committee, 2026Q3)", article_rows_query(made["committee"], year=2026, quarter=3)),
        ("a scorecard's lines", ScorecardLine.objects.filter(scorecard=card).select_related("article")),
        ("my tasks (assignee, by status and due date, first 50)", my_tasks(made["secretary"])[:50]),
        (
            "dashboard task tallies (committee, 2026Q3)",
            tally_sums(branches=branches, year=2026, quarter=3, today=today),
        ),
        (
            "dashboard task tallies (committee, 2026Q3 read on 2026-08-20, the daily job run that day)",
            tally_sums(branches=branches, year=2026, quarter=3, today=dt.date(2026, 8, 20)),
        ),
        (
            "dashboard task tallies (committee, 2026Q3 read on 2026-09-10, the daily job run that day)",
            tally_sums(branches=branches, year=2026, quarter=3, today=dt.date(2026, 9, 10)),
        ),
    ]
    if made["unit"] is not None:
        queries.insert(
            1, ("dashboard roll-up read (2,000-branch unit)", article_rows_query(made["unit"], year=2026, quarter=3))
        )
    plans = []
    with connection.cursor() as cursor:
        for title, queryset in queries:
            if "the daily job run that day" in title:
                overdue_advance(today=dt.date.fromisoformat(title.split("read on ")[1][:10]))
            sql, params = queryset.query.sql_with_params()
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            plans.append((title, "\n".join(row[0] for row in cursor.fetchall())))
    return plans


def _sizes() -> list[tuple[str, int, int]]:
    """(table, rows, bytes with its indexes) of the tables that grow."""
    from django.db import connection

    tables = [
        "assessments_scorecardline",
        "assessments_scorecard",
        "assessments_articlerollup",
        "assessments_quarterrollup",
        "tasks_task",
        "tasks_tasktally",
        "tasks_taskquartertally",
    ]
    found = []
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT COUNT(*), pg_total_relation_size('{table}') FROM {table}")
            found.append((table, *cursor.fetchone()))
    return found


def _task_statistics(root) -> None:
    """The old way: the quarter's statistics counted from the tasks."""
    import datetime as dt

    from assessments.desk import active_branches
    from tasks.statistics import task_statistics

    task_statistics(
        branches=active_branches(root), first=dt.date(2026, 7, 1), last=dt.date(2026, 9, 30), today=dt.date.today()
    )


def _tallied_statistics(root, today=None) -> None:
    """What the dashboard runs: the same statistics summed from the task tallies (``today``
    inside the quarter: the per-date open counts read as for the current quarter)."""
    import datetime as dt

    from assessments.desk import active_branches
    from tasks.statistics import tallied_task_rows

    tallied_task_rows(branches=active_branches(root), year=2026, quarter=3, today=today or dt.date.today())


def _measure_dashboard(made: dict, branches: int, pg: bool, label: str, *, full: bool = True) -> list[Row]:
    """The dashboard page of the committee and of a 2,000-branch unit (median and p95), its
    query count at 20, 2,000 and every branch, and the ORM against hand-written SQL."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from assessments.dashboard import dashboard_for
    from assessments.line_subtotals import live_quarter_article_rows
    from assessments.rollups import quarter_article_rows
    from assessments.views.dashboard import RANKING_ROWS

    rows = []
    client = Client()
    client.force_login(made["reviewer"])
    url = reverse("assessments:dashboard")

    def get(org) -> None:
        response = client.get(url, {"org": org.pk, "quarter": "2026Q3"})
        assert response.status_code == 200, response.status_code

    at_size = branches >= 20000 and pg
    whole = _timed_ms(lambda: get(made["committee"]), 15)
    target = "≤ 300 ms" if at_size else "(≤ 300 ms at 20,000 on PostgreSQL)"
    rows.append(Row(f"dashboard GET, committee of {branches}{label} (median)", statistics.median(whole), "ms", target))
    rows.append(Row(f"dashboard GET, committee of {branches}{label} (p95)", _p95(whole), "ms"))
    if full:
        cpu = _cpu_ms(lambda: get(made["committee"]))
        rows.append(Row(f"  the same, CPU time of the Django process (median){label}", cpu, "ms"))
    if made["unit"] is not None:
        part = _timed_ms(lambda: get(made["unit"]), 15)
        target = "≤ 100 ms" if pg else "(≤ 100 ms on PostgreSQL)"
        rows.append(Row(f"dashboard GET, 2,000-branch unit{label} (median)", statistics.median(part), "ms", target))
        rows.append(Row(f"dashboard GET, 2,000-branch unit{label} (p95)", _p95(part), "ms"))
        if full:
            cpu = _cpu_ms(lambda: get(made["unit"]))
            rows.append(Row(f"  the same, CPU time of the Django process (median){label}", cpu, "ms"))
    counts = {}
    for name in ("small", "unit", "committee"):
        if made[name] is not None:
            with CaptureQueriesContext(connection) as captured:
                get(made[name])
            counts[name] = len(captured)
    assert len(set(counts.values())) == 1, counts
    sizes = {"small": "20", "unit": "2,000", "committee": f"{branches:,}"}
    shown = " / ".join(sizes[name] for name in counts)
    rows.append(Row(f"dashboard queries at {shown} branches", counts["committee"], "queries", "constant"))
    orm, raw = _paired_medians_ms(
        lambda: dashboard_for(made["committee"], year=2026, quarter=3, shown=RANKING_ROWS),
        lambda: raw_aggregates(made["committee"], 2026, 3, PAGE_SQL),
    )
    target = "ratio ≤ 1.2" if at_size else "(ratio ≤ 1.2 at 20,000 on PostgreSQL)"
    figures = f"the page's figures{label}: ORM vs the same in hand-written SQL"
    rows.append(Row(figures, orm, "ms", target, raw, orm / raw))
    if not full:
        return rows
    # The same SQL the ORM sends, replayed through a bare cursor: the queries' own cost, without
    # Django building them and making objects of the rows.
    with CaptureQueriesContext(connection) as captured:
        dashboard_for(made["committee"], year=2026, quarter=3, shown=RANKING_ROWS)
    statements = [query["sql"] for query in captured.captured_queries]

    def replay() -> None:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
                cursor.fetchall()

    sent, raw = _paired_medians_ms(replay, lambda: raw_aggregates(made["committee"], 2026, 3, PAGE_SQL))
    rows.append(Row("  the ORM's own SQL replayed raw vs the hand-written SQL", sent, "ms", "", raw, sent / raw))
    every = _median_ms(lambda: dashboard_for(made["committee"], year=2026, quarter=3), n=5)
    rows.append(Row("  the API's figures (every branch's row, the late names)", every, "ms"))
    rolled, live = _paired_medians_ms(
        lambda: quarter_article_rows(made["committee"], year=2026, quarter=3),
        lambda: live_quarter_article_rows(made["committee"], year=2026, quarter=3),
        n=5,
    )
    rows.append(Row("per-article figures: roll-ups vs summing the lines", rolled, "ms", "", live, rolled / live))
    lines_sql = _median_ms(lambda: raw_aggregates(made["committee"], 2026, 3, LINES_SQL), n=3)
    rows.append(Row("the old hand-written SQL over the lines (for comparison)", lines_sql, "ms"))
    return rows


def _measure_current_quarter(made: dict) -> list[Row]:
    """The committee's and the unit's page for 2026Q3 read as on a day inside it (the page's
    clock set to that day): after the daily job moved the overdue counts to the day, and the
    day after without the job (the per-date rows of one day read)."""
    from unittest import mock

    from django.test import Client
    from django.urls import reverse

    from tasks.tallies import overdue_advance

    client = Client()
    client.force_login(made["reviewer"])
    url = reverse("assessments:dashboard")
    rows = []
    for name, size, target in (("committee", "committee", "≤ 300 ms"), ("unit", "2,000-branch unit", "≤ 100 ms")):
        if made[name] is None:
            continue
        job_day = dt.date(2026, 9, 10)
        for day, job in ((job_day, "the job run that day"), (job_day + dt.timedelta(days=1), "the job a day behind")):
            overdue_advance(today=job_day)
            with mock.patch("django.utils.timezone.localdate", return_value=day):
                times = _timed_ms(lambda name=name: client.get(url, {"org": made[name].pk, "quarter": "2026Q3"}), 15)
            label = f"dashboard GET, {size}, 2026Q3 read on {day} ({job})"
            rows.append(Row(f"{label} (median)", statistics.median(times), "ms", target))
            rows.append(Row(f"{label} (p95)", _p95(times), "ms"))
    return rows


def main() -> None:
    setup_django()
    gc.freeze()  # as config/wsgi.py does once the application is loaded
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from assessments.models import Scorecard, ScorecardLine
    from assessments.services.feedback import feedback_sheet_render
    from assessments.services.scorecards import scorecard_open
    from bench.bulk_cards import build_tasks_pg
    from bench.dashboard_cached import measure_cached
    from tasks.tallies import overdue_advance

    branches = _arg("--branches", 200)
    quarters = _arg("--quarters", 8)
    pg = connection.vendor == "postgresql"
    rows = [Row("load average (1 min) at the start", _load(), "")]
    made = _prepare(branches, quarters, rows)
    rows.append(Row("final cards in the bench committee", made["cards"], "cards"))
    rows.append(Row("load average (1 min) after the build", _load(), ""))

    rows.extend(_measure_dashboard(made, branches, pg, ""))
    if pg and "--no-tasks" not in sys.argv:
        timings: dict[str, float] = {}
        count = build_tasks_pg(2026, 3, timings, spread="--spread-due" in sys.argv)
        rows.append(Row(f"tasks of 2026Q3 added ({count:,} rows)", round(sum(timings.values()), 1), "s"))
        rows.extend(Row(f"  of which {step}", round(sec, 1), "s") for step, sec in timings.items())
        rows.extend(_measure_dashboard(made, branches, pg, ", with the quarter's tasks", full=False))
        for name, size in (("committee", "committee"), ("unit", "2,000-branch unit")):
            if made[name] is None:
                continue
            tallied = _median_ms(lambda name=name: _tallied_statistics(made[name]), n=7)
            live = _median_ms(lambda name=name: _task_statistics(made[name]), n=3)
            rows.append(Row(f"  of which the task statistics from the tallies ({size})", tallied, "ms"))
            for day in (dt.date(2026, 8, 20), dt.date(2026, 9, 10)):
                overdue_advance(today=day)  # the daily job, as run that day
                inside = _median_ms(lambda name=name, day=day: _tallied_statistics(made[name], day), n=7)
                rows.append(Row(f"  the same read on {day} (quarter holds today) ({size})", inside, "ms"))
            rows.append(Row(f"  the same counted from the tasks, as before ({size})", live, "ms"))
        rows.extend(_measure_current_quarter(made))
    rows.extend(measure_cached(made, lambda: raw_aggregates(made["committee"], 2026, 3, PAGE_SQL)))

    card = scorecard_open(branch=made["first"], year=2026, quarter=4, by=made["secretary"])
    secretary = Client()
    secretary.force_login(made["secretary"])
    page = reverse("assessments:scorecard", args=[card.pk])
    rows.append(Row("scorecard page GET (median)", _median_ms(lambda: secretary.get(page)), "ms", "≤ 150 ms"))
    with CaptureQueriesContext(connection) as captured:
        secretary.get(page)
    rows.append(Row("scorecard page queries", len(captured), "queries", "≤ 10"))
    line = card.lines.select_related("article").first()
    rule = line.article.deductions.first()
    save_url = reverse("assessments:line_save", args=[card.pk, line.pk])

    def save() -> None:
        # As the page's script saves a line: its own version, a JSON answer.
        version = ScorecardLine.objects.values_list("version", flat=True).get(pk=line.pk)
        response = secretary.post(
            save_url,
            {"line_version": version, f"count-{rule.pk}": version % 3, "note": f"第{version}次"},
            HTTP_ACCEPT="application/json",
        )
        assert response.status_code == 200, response.content

    rows.append(Row("scorecard line save (median)", _median_ms(save), "ms", "≤ 250 ms"))
    if "--no-pdf" not in sys.argv:
        final = Scorecard.objects.filter(branch=made["first"], status="final").first()
        pdf_ms = _median_ms(lambda: feedback_sheet_render(scorecard=final), n=3)
        pages = _page_count(feedback_sheet_render(scorecard=final))
        rows.append(Row(f"feedback PDF ({pages} pages, median)", pdf_ms, "ms", "≤ 1,500 ms"))
    rows.append(Row("load average (1 min) at the end", _load(), ""))
    if pg:
        rows.extend(Row(f"table {t}: rows; total size", n, f"rows; {size / 2**20:,.0f} MiB") for t, n, size in _sizes())
    emit(rows, as_json="--json" in sys.argv)
    if pg and "--json" not in sys.argv:
        for title, plan in _explain(made):
            sys.stdout.write(f"\n-- EXPLAIN (ANALYZE, BUFFERS): {title}\n{plan}\n")


if __name__ == "__main__":
    main()
