"""Final scorecards at the issue's size, made by PostgreSQL itself for ``bench/dashboard.py``.

20,000 branches × 8 quarters × 52 lines is 8.3 million lines: too many to send from Python
row by row. The organisations go in with one multi-row insert; every card, line, finding and
rectification item is an ``INSERT … SELECT`` over ``generate_series`` and the handbook's
articles, with seeded random deductions (the same draw as the small SQLite build: a cut of
0, 0.5, 1 or 2 points on the self side, sometimes half a point more on the review side). The
cards' totals and grades are then summed from their lines, and the roll-ups rebuilt by the
same code as ``manage.py rebuild_rollups`` (timed apart).
"""

import time

BRANCHES_PER_UNIT = 2000
SMALL = 20


def build_pg(branches: int, quarters: int, timings: dict[str, float], *, password: str) -> None:
    from django.db import connection, transaction

    from assessments.dashboard import previous_periods
    from assessments.services.scoring import thresholds
    from branches.models import Organisation, OrgKind, Role
    from branches.services import organisation_create, role_grant, user_create
    from handbook.services import load_default_edition

    started = time.perf_counter()
    edition = load_default_edition()
    with transaction.atomic():
        committee = organisation_create(by=None, parent=None, code="BENCH", name="基准党委", kind=OrgKind.COMMITTEE)
        small = organisation_create(
            by=None, parent=committee, code="BENCH-G", name="小党总支", kind=OrgKind.GENERAL_BRANCH
        )
        units = [small]
        for n in range((max(branches - SMALL, 0) + BRANCHES_PER_UNIT - 1) // BRANCHES_PER_UNIT):
            units.append(
                organisation_create(
                    by=None,
                    parent=committee,
                    code=f"BENCH-U{n:02d}",
                    name=f"第{n + 1}党总支",
                    kind=OrgKind.GENERAL_BRANCH,
                )
            )

        def unit_of(i: int) -> Organisation:
            return small if i < SMALL else units[1 + (i - SMALL) // BRANCHES_PER_UNIT]

        orgs = Organisation.objects.bulk_create(
            (
                Organisation(
                    code=f"BENCH-{i:05d}",
                    name=f"基准第{i}党支部",
                    kind=OrgKind.BRANCH,
                    parent=unit_of(i),
                    depth=2,
                    is_key=i % 5 == 0,
                    path="/pending/",
                )
                for i in range(branches)
            ),
            batch_size=5000,
        )
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE branches_organisation o SET path = p.path || o.id || '/' FROM branches_organisation p"
                " WHERE p.id = o.parent_id AND o.path = '/pending/'"
            )
        reviewer = user_create(username="bench-reviewer", full_name="考核员", password=password)
        role_grant(by=None, user=reviewer, role=Role.REVIEWER, organisation=committee)
        secretary = user_create(username="bench-secretary", full_name="书记", password=password)
        role_grant(by=None, user=secretary, role=Role.SECRETARY, organisation=orgs[0])
    timings["organisations"] = time.perf_counter() - started

    grade_sql = " ".join(f"WHEN s.r >= {low} THEN '{grade}'" for grade, low in thresholds())
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO off")
        cursor.execute("SELECT setseed(0.18)")
        for year, quarter in previous_periods(2026, 3, quarters):
            started = time.perf_counter()
            with transaction.atomic():
                cursor.execute(
                    "INSERT INTO assessments_scorecard (branch_id, year, quarter, edition_id, status, deadline,"
                    " is_late, return_reason, times_returned, self_total, below_records, grade, methods, feedback_pdf,"
                    " version, created_at)"
                    " SELECT o.id, %s, %s, %s, 'final', %s, random() < 0.1, '', 0, 0, 0, '', '[]', '', 1, now()"
                    " FROM branches_organisation o WHERE o.code LIKE 'BENCH-%%' AND o.kind = 'branch'",
                    [year, quarter, edition.pk, f"{year}-{quarter * 3:02d}-28"],
                )
                cursor.execute(
                    "INSERT INTO assessments_scorecardline (scorecard_id, article_id, max_score, self_score, note,"
                    " evidence, review_score, review_note, version, claims, below_records)"
                    " SELECT d.card, d.article, d.m, GREATEST(0, d.m - d.cut), '', '',"
                    " GREATEST(0, d.m - d.cut - d.extra), '', 1, '{}', 0 FROM ("
                    "  SELECT c.id AS card, a.id AS article, a.max_score AS m,"
                    "   (ARRAY[0, 0, 0, 0, 0.5, 1, 2])[1 + floor(random() * 7)::int] AS cut,"
                    "   (ARRAY[0, 0, 0, 0.5])[1 + floor(random() * 4)::int] AS extra"
                    "  FROM assessments_scorecard c CROSS JOIN handbook_article a"
                    "  WHERE c.year = %s AND c.quarter = %s AND a.edition_id = %s ORDER BY c.id, a.id) d",
                    [year, quarter, edition.pk],
                )
                cursor.execute(
                    "UPDATE assessments_scorecard c SET self_total = s.s, review_total = s.r,"
                    f" grade = CASE {grade_sql} ELSE 'poor' END, finalised_at = now()"
                    " FROM (SELECT scorecard_id, SUM(self_score) AS s, SUM(review_score) AS r"
                    "  FROM assessments_scorecardline l JOIN assessments_scorecard c2 ON c2.id = l.scorecard_id"
                    "  WHERE c2.year = %s AND c2.quarter = %s GROUP BY scorecard_id) s WHERE c.id = s.scorecard_id",
                    [year, quarter],
                )
                # A finding on every fourth card, its rectification item open in the last quarter.
                cursor.execute(
                    "INSERT INTO assessments_finding (scorecard_id, article_id, problem, severity, suggestion,"
                    " created_at) SELECT c.id, (SELECT MIN(a.id) FROM handbook_article a WHERE a.edition_id = %s)"
                    " + (c.id %% 52), '台账不全', 'minor', '', now() FROM assessments_scorecard c"
                    " WHERE c.year = %s AND c.quarter = %s AND c.id %% 4 = 0",
                    [edition.pk, year, quarter],
                )
                cursor.execute(
                    "INSERT INTO assessments_rectificationitem (finding_id, branch_id, article_code, owner_id,"
                    " owner_name, deadline, status, action_taken, evidence, sent_back_reason, created_at)"
                    " SELECT f.id, c.branch_id, a.code, %s, '书记', %s, %s, '', '', '', now()"
                    " FROM assessments_finding f JOIN assessments_scorecard c ON c.id = f.scorecard_id"
                    " JOIN handbook_article a ON a.id = f.article_id WHERE c.year = %s AND c.quarter = %s",
                    [
                        secretary.pk,
                        f"{year}-{quarter * 3:02d}-28",
                        "open" if (year, quarter) == (2026, 3) else "closed",
                        year,
                        quarter,
                    ],
                )
            timings[f"cards {year}Q{quarter}"] = time.perf_counter() - started
        started = time.perf_counter()
        cursor.execute("ANALYZE")
        timings["analyze"] = time.perf_counter() - started


def rebuild_rollups_timed(timings: dict[str, float]) -> None:
    from django.db import connection

    from assessments.rollups import rebuild_all

    started = time.perf_counter()
    rebuild_all()
    timings["roll-ups rebuilt"] = time.perf_counter() - started
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE assessments_articlerollup")
            cursor.execute("ANALYZE assessments_quarterrollup")


def build_tasks_pg(year: int, quarter: int, timings: dict[str, float], *, spread: bool = False) -> int:
    """A quarter's handbook tasks for every bench branch, as task generation makes them: 181
    a branch (each article monthly, 25 of them quarterly too), 70 % done on time, 10 % late,
    20 % open; the first branch's go to its secretary (the "my tasks" list), the rest to nobody.
    All due at the end of their month, or with ``spread`` (``--spread-due``) each article on its
    own day of the period as the default handbook's generation has them (due so many days into
    the period): 14 days a month, 2 days apart, 42–45 due dates a branch-quarter (41 there)."""
    import datetime as dt

    from django.db import connection, transaction

    from branches.models import User
    from handbook.selectors import edition_in_force

    secretary = User.objects.get(username="bench-secretary")
    edition_id = edition_in_force().pk
    first_article = min(edition_in_force().articles.values_list("pk", flat=True))
    months = [(dt.date(year, 3 * quarter - 2 + n, 1)) for n in range(3)]
    periods = [
        (f"{m:%Y-%m}", m, (m.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1), 52)
        for m in months
    ]
    periods.append((f"{year}Q{quarter}", months[0], periods[-1][2], 25))
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for key, first, last, articles in periods:
            cursor.execute(
                "INSERT INTO tasks_task (branch_id, article_id, title, frequency, period_key, period_start,"
                " period_end, due_on, status, assignee_id, completed_at, completion_note, delay_days, quality,"
                " check_comment, cancel_reason, supervised, created_at)"
                " SELECT d.branch, d.article, d.title, 'monthly', %s, %s, %s,"
                "  CASE WHEN %s THEN LEAST(%s::date + ((d.article %% 14) * 2)::int, %s::date) ELSE %s::date END,"
                "  CASE WHEN d.x < 0.8 THEN 'done' ELSE 'open' END, d.assignee,"
                "  CASE WHEN d.x < 0.8 THEN now() END, '', CASE WHEN d.x < 0.7 THEN 0 WHEN d.x < 0.8 THEN 3 END,"
                "  '', '', '', false, now()"
                " FROM (SELECT o.id AS branch, a.id AS article, LEFT(a.title, 100) AS title, random() AS x,"
                "   CASE WHEN o.code = 'BENCH-00000' THEN %s END AS assignee"
                "  FROM branches_organisation o JOIN handbook_article a ON a.edition_id = %s"
                "  WHERE o.code LIKE 'BENCH-%%' AND o.kind = 'branch' AND a.id < %s) d",
                [key, first, last, spread, first, last, last, secretary.pk, edition_id, first_article + articles],
            )
        cursor.execute("ANALYZE tasks_task")
        cursor.execute("SELECT COUNT(*) FROM tasks_task")
        count = cursor.fetchone()[0]
    timings[f"tasks {year}Q{quarter}"] = time.perf_counter() - started
    # Inserted around the services: counted into the tallies as manage.py rebuild_task_tallies does.
    from tasks.tallies import tally_rebuild

    started = time.perf_counter()
    tally_rebuild()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE tasks_tasktally")
        cursor.execute("ANALYZE tasks_taskquartertally")
    timings["task tallies rebuilt"] = time.perf_counter() - started
    return count
