"""The reviewer's dashboard: counts, ranking with trend arrows, grades, trend, most-deducted
articles, gaps, open items; a fixed number of queries whatever the number of branches; the
drill-down branch page and the yearly xlsx export."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from assessments.dashboard import dashboard_for, previous_periods
from tests.factories import UserFactory, final_scorecard, make_edition, make_org, open_scorecard


@pytest.fixture
def boss(world):
    make_edition(version="T1")
    return UserFactory(username="boss", is_superuser=True)


@pytest.fixture
def quarter_of_scores(world, boss):
    final_scorecard(world.branch_a, year=2026, quarter=2, by=boss, deductions=3)
    final_scorecard(world.branch_a, year=2026, quarter=3, by=boss, deductions=1)
    final_scorecard(world.branch_b, year=2026, quarter=3, by=boss, deductions=50)
    return world


def test_previous_periods_cross_the_year():
    assert previous_periods(2026, 1, 3) == [(2025, 3), (2025, 4), (2026, 1)]


def test_the_dashboard_ranks_branches_with_trend_gap_and_grade(quarter_of_scores):
    world = quarter_of_scores
    board = dashboard_for(world.committee, year=2026, quarter=3)
    assert board.counts == {
        "branches": 2,
        "started": 2,
        "not_started": 0,
        "not_submitted": 0,
        "returned": 0,
        "submitted": 0,
        "reviewed": 0,
        "final": 2,
        "late": 2,  # the 2026Q3 deadline (10 October) has passed
    }
    first, second = board.ranking
    assert (first.name, first.rank, first.trend) == ("一号项目部党支部", 1, "up")
    assert first.gap == first.self_score - first.score
    assert second.trend == ""
    assert dict((g, n) for g, _, n in board.grades)["good"] == 2
    assert board.top_deducted[0]["code"] == "1-01"
    assert [p for p, s, n in board.trend if n] == ["2026Q2", "2026Q3"]


def test_the_dashboard_page_passes_chart_data_through_json_script(quarter_of_scores, as_role):
    response = as_role("reviewer").get(reverse("assessments:dashboard") + "?quarter=2026Q3&sort=gap")
    body = response.content.decode()
    assert response.status_code == 200
    assert '<script id="dash-data" type="application/json">' in body
    assert "echarts.min.js" in body
    assert "▲" in body


def test_the_dashboard_of_another_subtree_is_not_found(world, as_role):
    other = make_org(name="别的党委", code="X")
    response = as_role("reviewer").get(reverse("assessments:dashboard") + f"?org={other.pk}")
    assert response.status_code == 404


def _branches(world, boss, n):
    for i in range(n):
        branch = make_org(world.general, name=f"测试支部{i}")
        final_scorecard(branch, year=2026, quarter=2, by=boss, deductions=i % 4)
        final_scorecard(branch, year=2026, quarter=3, by=boss, deductions=i % 3)
        if i % 2:
            open_scorecard(branch, year=2026, quarter=4)


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("assessments:dashboard") + "?quarter=2026Q3")
    assert response.status_code == 200
    return len(captured)


def test_the_dashboard_takes_the_same_number_of_queries_for_3_and_30_branches(
    world, boss, as_role, django_assert_num_queries, settings
):
    settings.DASHBOARD_CACHE_SECONDS = 0  # the figures computed, not read from the cache
    client = as_role("reviewer")
    _branches(world, boss, 1)  # with A and B: 3 branches
    _queries(client)  # warms the per-process caches (content types, translations)
    few = _queries(client)
    _branches(world, boss, 27)
    with django_assert_num_queries(few):
        client.get(reverse("assessments:dashboard") + "?quarter=2026Q3")
    assert dashboard_for(world.committee, year=2026, quarter=3).counts["branches"] == 30


def test_the_branch_page_tells_its_story(quarter_of_scores, as_role):
    page = as_role("secretary_a").get(reverse("assessments:branch", args=[quarter_of_scores.branch_a.pk]))
    body = page.content.decode()
    # The quarters in words, the chart's axis too; their codes only in links and attributes.
    assert "2026, quarter 2" in body and "2026, quarter 3" in body
    assert page.context["chart"]["periods"] == ["'26, quarter 2", "'26, quarter 3"]
    assert "Grades by year" in body
    assert 'id="branch-data"' in body


def test_a_year_of_scores_exports_to_xlsx_with_formula_like_text_escaped(quarter_of_scores, boss, as_role):
    evil = make_org(quarter_of_scores.general, name='=HYPERLINK("http://x")', code="EVIL")
    final_scorecard(evil, year=2026, quarter=3, by=boss)
    response = as_role("administrator").get(reverse("assessments:export") + "?year=2026")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["A"][3] is None and rows["A"][4] is not None and rows["A"][5] is not None
    assert rows["EVIL"][1].startswith("'=")


def test_a_long_ranking_shows_the_first_rows_and_offers_the_rest(world, boss, as_role):
    from assessments.views import dashboard as dashboard_views

    _branches(world, boss, 3)
    client = as_role("reviewer")
    original = dashboard_views.RANKING_ROWS
    dashboard_views.RANKING_ROWS = 2
    try:
        cut = client.get(reverse("assessments:dashboard") + "?quarter=2026Q3").content.decode()
        full = client.get(reverse("assessments:dashboard") + "?quarter=2026Q3&all=1").content.decode()
    finally:
        dashboard_views.RANKING_ROWS = original
    assert "Showing the first 2 of 3 branches." in cut
    assert cut.count("trend trend-") == 2
    assert full.count("trend trend-") == 3


@pytest.mark.parametrize("sort", ["score", "gap", "trend", "name", "unknown"])
def test_a_ranking_cut_to_its_first_rows_is_the_full_rankings_head_with_the_same_ranks(world, boss, sort):
    _branches(world, boss, 7)
    full = dashboard_for(world.committee, year=2026, quarter=3, sort=sort)
    cut = dashboard_for(world.committee, year=2026, quarter=3, sort=sort, shown=3)
    assert full.ranked == cut.ranked == len(full.ranking) == 7
    assert len(cut.ranking) == 3
    assert [(r.branch_id, r.rank) for r in cut.ranking] == [(r.branch_id, r.rank) for r in full.ranking[:3]]
    assert sorted(r.rank for r in full.ranking) == list(range(1, 8))
    assert cut.chart_data() == full.chart_data()


def test_the_pages_task_rows_are_the_worst_of_the_full_list_and_the_totals_count_every_branch(world, boss, monkeypatch):
    import datetime as dt

    from assessments import dashboard
    from handbook.models import Article
    from tasks.models import TaskStatus
    from tests.factories import make_task

    article = Article.objects.order_by("pk").first()  # of the boss fixture's edition
    done = {"status": TaskStatus.DONE, "completed_at": dt.datetime(2026, 8, 20, tzinfo=dt.UTC), "delay_days": 0}
    for i in range(5):
        branch = make_org(world.general, name=f"任务支部{i}")
        for day in range(1, 5):
            make_task(
                branch, article, due_on=dt.date(2026, 8, day), period_key=f"2026-08-{day}", **(done if day <= i else {})
            )
    monkeypatch.setattr(dashboard, "TASK_ROWS", 2)
    today = dt.date(2026, 11, 30)
    full = dashboard_for(world.committee, year=2026, quarter=3, today=today)
    cut = dashboard_for(world.committee, year=2026, quarter=3, today=today, shown=100)
    assert len(full.tasks.rows) == full.tasks.branches == cut.tasks.branches == 5
    assert cut.tasks.rows == full.tasks.rows[:2]
    assert [name for name, _ in cut.tasks.rows] == ["任务支部0", "任务支部1"]
    assert (cut.tasks.on_time_rate, cut.tasks.overdue) == (full.tasks.on_time_rate, full.tasks.overdue) == (50.0, 10)
