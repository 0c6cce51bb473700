"""/api/v1/dashboard/summary/: the reviewer's dashboard as JSON, from the very code of the
dashboard page (``assessments.dashboard.dashboard_for``)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.dashboard import dashboard_for
from assessments.services.review import finding_add, scorecard_finalise, scorecard_mark_reviewed
from assessments.services.scorecards import current_quarter
from tests.factories import (
    RECORDS_REASON,
    UserFactory,
    final_scorecard,
    make_edition,
    make_org,
    make_task,
    open_scorecard,
    submit_card,
)

URL = "/api/v1/dashboard/summary/"


@pytest.fixture
def boss(world):
    make_edition(version="T1")
    return UserFactory(username="boss", is_superuser=True)


@pytest.fixture
def quarter(world, boss):
    """2026Q3: A final with one deduction (and 2026Q2 before it), B final with many; B's 2026Q2
    review found a problem, still open."""
    final_scorecard(world.branch_a, year=2026, quarter=2, by=boss, deductions=3)
    final_scorecard(world.branch_a, year=2026, quarter=3, by=boss, deductions=1)
    final_scorecard(world.branch_b, year=2026, quarter=3, by=boss, deductions=50)
    card = open_scorecard(world.branch_b, year=2026, quarter=2)
    card = submit_card(card, by=boss, reason=RECORDS_REASON)
    finding_add(scorecard=card, by=boss, article_id=card.lines.first().article_id, problem="记录不全", severity="minor")
    card = scorecard_mark_reviewed(scorecard=card, by=boss, version=card.version)
    scorecard_finalise(scorecard=card, by=boss, version=card.version)
    return world


def test_the_summary_is_the_dashboards_own_figures(world, api_as, quarter) -> None:
    response = api_as("reviewer").get(URL, {"organisation": world.committee.pk, "period": "2026Q3"})
    assert response.status_code == 200, response.content
    data = response.json()
    board = dashboard_for(world.committee, year=2026, quarter=3)
    assert data["organisation"] == {"id": world.committee.pk, "code": "C", "name": "测试公司党委", "kind": "committee"}
    assert (data["period"], data["sort"]) == ("2026Q3", "score")
    assert data["counts"] == board.counts
    assert data["late_branches"] == board.late_branches
    assert [(r["branch"], r["rank"], r["trend"], Decimal(r["score"])) for r in data["ranking"]] == [
        (r.branch_id, r.rank, r.trend, r.score) for r in board.ranking
    ]
    first = data["ranking"][0]
    assert (first["branch"], first["trend"], first["grade"]) == (world.branch_a.pk, "up", "good")
    assert Decimal(first["gap"]) == Decimal(first["self_score"]) - Decimal(first["score"])
    assert [g["count"] for g in data["grades"]] == [n for _, _, n in board.grades]
    assert [(t["period"], t["average"], t["count"]) for t in data["trend"]] == board.trend
    assert [(d["code"], Decimal(d["points"])) for d in data["top_deducted"]] == [
        (d["code"], d["points"]) for d in board.top_deducted
    ]
    assert data["gaps"][0]["branch"] == world.branch_b.pk  # the widest gap first
    assert data["rectification"]["open"] == board.open_items == 1
    item = data["rectification"]["oldest"][0]
    assert (item["branch"], item["problem"], item["status"]) == (world.branch_b.pk, "记录不全", "open")


def test_the_ranking_sorts_as_asked(world, api_as, quarter) -> None:
    data = api_as("reviewer").get(URL, {"period": "2026Q3", "sort": "name"}).json()
    assert [r["code"] for r in data["ranking"]] == ["A", "B"]
    data = api_as("reviewer").get(URL, {"period": "2026Q3", "sort": "gap"}).json()
    assert [r["code"] for r in data["ranking"]] == ["B", "A"]


def test_by_default_the_summary_is_of_the_highest_unit_and_this_quarter(world, api_as, boss) -> None:
    open_scorecard(world.branch_a, year=current_quarter()[0], quarter=current_quarter()[1])
    data = api_as("administrator").get(URL).json()
    year, q = current_quarter()
    assert (data["organisation"]["id"], data["period"]) == (world.committee.pk, f"{year}Q{q}")
    assert data["counts"]["started"] == 1


def test_task_on_time_rates_come_from_the_tasks_app(world, api_as, boss) -> None:
    year, q = current_quarter()
    article = make_edition(version="T2", published=False).articles.first()
    make_task(world.branch_a, article, due_on=dt.date(year, q * 3 - 2, 1))  # open and past due
    data = api_as("reviewer").get(URL).json()
    board = dashboard_for(world.committee, year=year, quarter=q)
    assert data["tasks"]["overdue"] == board.tasks.overdue == 1
    assert [(row["branch"], row["overdue"]) for row in data["tasks"]["branches"]] == [
        (row.branch_id, row.overdue) for _, row in board.tasks.rows
    ]


def test_a_secretary_a_member_or_someone_without_a_role_may_not_see_it(world, api_as) -> None:
    for role in ("secretary_a", "member", "outsider"):
        response = api_as(role).get(URL, {"organisation": world.branch_a.pk})
        assert response.status_code == 403, role


def test_a_unit_outside_the_scope_is_not_found(world, api_as) -> None:
    other = make_org(name="别的党委", code="X")
    response = api_as("reviewer").get(URL, {"organisation": other.pk})
    assert response.status_code == 404
    assert "别的党委" not in response.content.decode()


@pytest.mark.parametrize(
    "query", [{"period": "2026Q9"}, {"period": "now"}, {"sort": "luck"}, {"organisation": "x"}, {"organisation": 0}]
)
def test_bad_parameters_are_a_400(world, api_as, query) -> None:
    response = api_as("reviewer").get(URL, query)
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == list(query)


def test_the_summary_takes_as_many_queries_for_many_branches_as_for_two(world, api_as, boss) -> None:
    client = api_as("reviewer")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL, {"period": "2026Q3"}).status_code == 200
        return len(captured)

    final_scorecard(world.branch_a, year=2026, quarter=3, by=boss, deductions=1)
    queries()  # the token's first use is written down once
    few = queries()
    for n in range(5):
        branch = make_org(world.general, name=f"测试支部{n}", code=f"T{n}")
        final_scorecard(branch, year=2026, quarter=3, by=boss, deductions=n)
    assert len(client.get(URL, {"period": "2026Q3"}).json()["ranking"]) == 6
    assert queries() == few


@pytest.mark.parametrize("period", ["2026年第三季度", "2026Q9", "garbage", "2026Q3x"])
def test_a_period_that_is_not_a_quarter_is_a_400_that_says_so_never_another_quarter(world, api_as, period) -> None:
    response = api_as("reviewer").get(URL, {"period": period})
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["period"] == ["不是有效的季度：季度写作 2026Q3。"]


def test_the_summary_lists_the_quarters_to_choose_from_and_the_quarters_plans(world, api_as, boss) -> None:
    from assessments.services.plans import assessment_plan_create

    plan = assessment_plan_create(organisation=world.committee, year=2025, quarter=4, by=world.reviewer, seed=3)
    final_scorecard(world.branch_a, year=2025, quarter=4, by=boss)
    data = api_as("reviewer").get(URL, {"period": "2025Q4"}).json()
    year, q = current_quarter()
    assert data["quarters"] == [f"{year}Q{q}", "2025Q4"]
    assert data["plans"] == [
        {"id": plan.pk, "unit": "测试公司党委", "kind_label": "季度检查", "planned": plan.entries.count(), "done": 1}
    ]
    counts = data["counts"]
    assert counts["final"] == 1 and counts["not_submitted"] == 1
    assert sum(counts[k] for k in ("not_submitted", "returned", "submitted", "reviewed", "final")) == counts["branches"]
