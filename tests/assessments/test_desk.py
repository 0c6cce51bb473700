"""The reviewer's desk: every dashboard tile links to the list it counts and says its length;
the tiles add up to the branches (returned cards included); the quarter's plan progress; the
charts say "no data"; the quarter is chosen from those that exist and a bad one is refused."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.dashboard import dashboard_for
from assessments.desk import PARTITION, DeskState, desk_list
from assessments.models import Scorecard
from assessments.services.plans import assessment_plan_create
from assessments.services.review import scorecard_mark_reviewed, scorecard_return
from assessments.services.scorecards import current_quarter
from branches.models import OrgKind
from tests.conftest import client_for
from tests.factories import (
    RECORDS_REASON,
    UserFactory,
    final_scorecard,
    make_edition,
    make_org,
    open_scorecard,
    submit_card,
)

DASHBOARD = reverse("assessments:dashboard")
LIST = reverse("assessments:desk_list")
FAR = dt.date(2099, 1, 1)  # a deadline not yet passed


@pytest.fixture
def boss(world):
    make_edition(version="T1")
    return UserFactory(username="boss", is_superuser=True)


def _submit(card: Scorecard, by, *, at: dt.datetime | None = None) -> Scorecard:
    card = submit_card(card, by=by, reason=RECORDS_REASON)
    if at is not None:
        Scorecard.objects.filter(pk=card.pk).update(submitted_at=at)
        card.refresh_from_db()
    return card


@pytest.fixture
def mixed(world, boss):
    """2026Q3 (its deadline, 10 October, is behind "today"): one branch in every state.

    A final (submitted late) · B submitted on 20 Sept · C returned · D returned and submitted
    again on 1 Sept · E reviewed · F a draft (late) · G no card (late) · H a draft, deadline ahead.
    """
    made = {"A": world.branch_a, "B": world.branch_b}
    for code in "CDEFGH":
        made[code] = make_org(world.general, name=f"{code}支部", code=f"N{code}")
    final_scorecard(made["A"], year=2026, quarter=3, by=boss)
    _submit(open_scorecard(made["B"], deadline=FAR), boss, at=dt.datetime(2026, 9, 20, tzinfo=dt.UTC))
    card = _submit(open_scorecard(made["C"], deadline=FAR), boss)
    scorecard_return(scorecard=card, by=boss, version=card.version, reason="佐证不全")
    card = _submit(open_scorecard(made["D"], deadline=FAR), boss)
    card = scorecard_return(scorecard=card, by=boss, version=card.version, reason="佐证不全")
    _submit(card, boss, at=dt.datetime(2026, 9, 1, tzinfo=dt.UTC))
    card = _submit(open_scorecard(made["E"], deadline=FAR), boss)
    scorecard_mark_reviewed(scorecard=card, by=boss, version=card.version)
    open_scorecard(made["F"])
    open_scorecard(made["H"], deadline=FAR)
    return made


def _figure(page: str, element_id: str) -> int:
    match = re.search(rf'id="{element_id}">(\d+)<', page)
    assert match, element_id
    return int(match.group(1))


def _codes(page: str) -> list[str]:
    """The branches of a list page, in order, by name."""
    return re.findall(r'<td class="desk-branch"><a href="[^"]+">([^<]+)</a>', page)


def test_each_branch_is_in_exactly_one_tile_and_the_tiles_add_up_returned_included(mixed, world):
    board = dashboard_for(world.committee, year=2026, quarter=3)
    counts = board.counts
    assert (counts["not_submitted"], counts["returned"], counts["submitted"], counts["reviewed"], counts["final"]) == (
        3,
        1,
        2,
        1,
        1,
    )
    assert sum(counts[state] for state in PARTITION) == counts["branches"] == 8
    # Late cuts across: A submitted after the deadline, F a draft and G without a card behind it.
    assert counts["late"] == 3
    assert board.late_branches == sorted(["一号项目部党支部", "F支部", "G支部"])


def test_every_tiles_figure_is_the_length_of_the_list_it_links_to(mixed, world, as_role):
    client = as_role("reviewer")
    page = client.get(DASHBOARD, {"quarter": "2026Q3"}).content.decode()
    for state in DeskState:
        href = f"{LIST}?org={world.committee.pk}&amp;quarter=2026Q3&amp;state={state.value}"
        assert f'href="{href}"' in page, state
        tile = _figure(page, "dash-branches" if state == DeskState.ALL else f"dash-{state.value}")
        listed = client.get(LIST, {"org": world.committee.pk, "quarter": "2026Q3", "state": state.value})
        assert listed.status_code == 200
        body = listed.content.decode()
        assert tile == len(_codes(body)) == _figure(body, "desk-count") == _figure(body, f"desk-tab-{state.value}")


def test_the_review_queue_is_the_submitted_cards_oldest_first_cards_submitted_again_included(mixed, world, as_role):
    body = as_role("reviewer").get(LIST, {"quarter": "2026Q3", "state": "submitted"}).content.decode()
    assert _codes(body) == ["D支部", "二号项目部党支部"]  # 1 Sept (submitted again), then 20 Sept
    assert "Submitted again" in body
    card = Scorecard.objects.get(branch=mixed["D"], year=2026, quarter=3)
    assert reverse("assessments:review", args=[card.pk]) in body


def test_the_lists_of_the_other_states(mixed, world, as_role):
    client = as_role("reviewer")

    def listed(state: str) -> list[str]:
        return _codes(client.get(LIST, {"quarter": "2026Q3", "state": state}).content.decode())

    assert listed("returned") == ["C支部"]
    assert listed("reviewed") == ["E支部"]
    assert listed("final") == ["一号项目部党支部"]
    assert listed("not_submitted") == ["F支部", "G支部", "H支部"]
    assert listed("late") == ["一号项目部党支部", "F支部", "G支部"]
    assert len(listed("all")) == 8


def test_a_list_shows_only_the_chosen_units_subtree(mixed, world, as_role, boss):
    other_general = make_org(world.committee, kind=OrgKind.GENERAL_BRANCH, name="第二党总支", code="G2")
    make_org(other_general, name="外支部", code="X1")
    client = as_role("reviewer")
    everything = _codes(client.get(LIST, {"quarter": "2026Q3", "state": "all"}).content.decode())
    below_g = _codes(client.get(LIST, {"org": world.general.pk, "quarter": "2026Q3", "state": "all"}).content.decode())
    assert "外支部" in everything and "外支部" not in below_g
    assert len(below_g) == 8


def test_a_list_of_another_committee_is_not_found_and_a_secretary_may_not_see_one(world, as_role):
    other = make_org(name="别的党委", code="Z")
    assert as_role("reviewer").get(LIST, {"org": other.pk}).status_code == 404
    assert as_role("secretary_a").get(LIST).status_code == 403


def _list_queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(LIST, {"quarter": "2026Q3", "state": "all"})
    assert response.status_code == 200
    return len(captured)


def test_a_list_takes_no_more_queries_for_many_branches_than_for_one(
    world, boss, as_role, django_assert_max_num_queries
):
    client = as_role("reviewer")
    final_scorecard(world.branch_a, year=2026, quarter=3, by=boss)
    _list_queries(client)  # warms the per-process caches
    few = _list_queries(client)
    for n in range(12):
        branch = make_org(world.general, name=f"多支部{n}", code=f"M{n}")
        card = open_scorecard(branch, deadline=FAR)
        if n % 2:
            _submit(card, boss)
    with django_assert_max_num_queries(few):
        response = client.get(LIST, {"quarter": "2026Q3", "state": "all"})
    assert len(_codes(response.content.decode())) == 14


def test_a_long_list_is_shown_a_page_at_a_time(world, boss, as_role, monkeypatch):
    import assessments.desk

    monkeypatch.setattr(assessments.desk, "LIST_ROWS", 1)
    client = as_role("reviewer")
    first = client.get(LIST, {"quarter": "2026Q3", "state": "all"}).content.decode()
    second = client.get(LIST, {"quarter": "2026Q3", "state": "all", "page": "2"}).content.decode()
    assert _figure(first, "desk-count") == 2
    assert _codes(first) == ["一号项目部党支部"] and _codes(second) == ["二号项目部党支部"]


# --- the quarter's plan on the desk ---------------------------------------------------------


def test_the_desk_shows_the_quarters_plan_done_over_planned_and_links_to_it(world, boss, as_role):
    plan = assessment_plan_create(organisation=world.committee, year=2026, quarter=3, by=world.reviewer, seed=7)
    planned = plan.entries.count()
    assert planned >= 1  # branch A is a key unit: always in the plan
    final_scorecard(world.branch_a, year=2026, quarter=3, by=boss)
    board = dashboard_for(world.committee, year=2026, quarter=3)
    assert [(p.pk, p.done, p.planned) for p in board.plans] == [(plan.pk, 1, planned)]
    page = as_role("reviewer").get(DASHBOARD, {"quarter": "2026Q3"}).content.decode()
    section = page[page.index('id="dash-plans"') :]
    assert reverse("assessments:plan", args=[plan.pk]) in section
    assert f"<strong>1</strong> / {planned}" in section


def test_a_quarter_without_a_plan_says_so(world, boss, as_role):
    page = as_role("reviewer").get(DASHBOARD, {"quarter": "2026Q3"}).content.decode()
    section = page[page.index('id="dash-plans"') :]
    assert "No assessment plan for this quarter." in section


def test_the_plan_progress_of_a_units_desk_counts_its_own_branches(world, boss):
    plan = assessment_plan_create(
        organisation=world.committee, year=2026, quarter=3, by=world.reviewer, seed=7, sample_percent=100
    )
    elsewhere = make_org(world.committee, kind=OrgKind.GENERAL_BRANCH, name="第二党总支", code="G2")
    assert plan.entries.count() == 2
    (progress,) = dashboard_for(world.general, year=2026, quarter=3).plans
    assert (progress.pk, progress.planned, progress.done) == (plan.pk, 2, 0)
    assert dashboard_for(elsewhere, year=2026, quarter=3).plans == []


# --- charts without data ----------------------------------------------------------------------


def test_an_empty_quarter_says_no_data_instead_of_drawing_empty_charts(world, boss):
    page = client_for(world, "reviewer").get(DASHBOARD, {"quarter": "2026Q3"}).content.decode()
    for chart in ("chart-grades", "chart-trend", "chart-deducted", "chart-gaps"):
        assert f'id="{chart}"' not in page, chart
        assert f'id="{chart}-empty">暂无数据<' in page, chart


def test_a_quarter_with_final_cards_draws_its_charts(world, boss, as_role):
    final_scorecard(world.branch_a, year=2026, quarter=3, by=boss, deductions=2)
    page = as_role("reviewer").get(DASHBOARD, {"quarter": "2026Q3"}).content.decode()
    for chart in ("chart-grades", "chart-trend", "chart-deducted", "chart-gaps"):
        assert f'<div class="chart" id="{chart}">' in page, chart
        assert f'id="{chart}-empty"' not in page


# --- choosing the quarter ---------------------------------------------------------------------


def test_the_quarter_is_chosen_from_the_quarters_with_cards_or_plans_newest_first(world, boss, as_role):
    final_scorecard(world.branch_a, year=2025, quarter=2, by=boss)
    assessment_plan_create(organisation=world.committee, year=2024, quarter=4, by=world.reviewer, seed=1)
    page = as_role("reviewer").get(DASHBOARD, {"quarter": "2025Q2"}).content.decode()
    select = page[page.index('<select id="id_quarter"') :]
    select = select[: select.index("</select>")]
    year, quarter = current_quarter()
    values = re.findall(r'<option value="([^"]+)"', select)
    assert values == [f"{year}Q{quarter}", "2025Q2", "2024Q4"]
    assert '<option value="2025Q2" selected>2025, quarter 2</option>' in select
    assert '<input id="id_quarter"' not in page


@pytest.mark.parametrize("bad", ["2026年第三季度", "2026Q9", "garbage", "²026Q1", "2026Q3 and more"])
def test_a_bad_quarter_is_a_clear_message_and_never_another_quarter(world, boss, as_role, bad):
    final_scorecard(world.branch_a, year=2026, quarter=4, by=boss)  # the current quarter has figures
    for url in (DASHBOARD, LIST):
        # In the interface's own language, Chinese.
        response = client_for(world, "reviewer").get(url, {"quarter": bad, "state": "submitted"})
        body = response.content.decode()
        assert response.status_code == 400, url
        assert 'role="alert"' in body and "不是有效的季度" in body, url
        assert "dash-tiles" not in body and 'id="desk-rows"' not in body, url
        assert "一号项目部党支部" not in body, url  # no figure of any quarter


def test_a_bad_state_is_a_clear_message(world, as_role):
    response = as_role("reviewer").get(LIST, {"quarter": "2026Q3", "state": "everything"})
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()


def test_the_late_list_of_a_quarter_still_open_holds_only_late_submissions(world, boss):
    year, quarter = current_quarter()
    card = open_scorecard(
        world.branch_a, year=year, quarter=quarter, deadline=timezone.localdate() - dt.timedelta(days=1)
    )
    _submit(card, boss)
    found = desk_list(world.committee, year=year, quarter=quarter, state=DeskState.LATE)
    # B has no card, but the quarter's own deadline is still ahead.
    assert [row.branch.code for row in found.rows] == ["A"]


def _desk_queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(DASHBOARD, {"quarter": "2026Q3"})
    assert response.status_code == 200
    return len(captured)


def test_the_desk_takes_no_more_queries_with_a_plan_items_and_many_branches_than_with_one(
    world, boss, as_role, django_assert_max_num_queries, settings
):
    from tests.factories import rectification_item

    settings.DASHBOARD_CACHE_SECONDS = 0  # the figures computed, not read from the cache
    client = as_role("reviewer")
    _desk_queries(client)  # warms the per-process caches
    few = _desk_queries(client)
    for n in range(10):
        branch = make_org(world.general, name=f"多支部{n}", code=f"M{n}")
        if n % 3:
            final_scorecard(branch, year=2026, quarter=3, by=boss, deductions=n % 2)
    assessment_plan_create(organisation=world.committee, year=2026, quarter=3, by=world.reviewer, seed=5)
    rectification_item(world.branch_b, by=boss, year=2026, quarter=2, problem="记录不全")
    with django_assert_max_num_queries(few):
        page = client.get(DASHBOARD, {"quarter": "2026Q3"}).content.decode()
    assert _figure(page, "dash-branches") == 12 and _figure(page, "dash-open-items") == 1
    assert 'id="dash-plans"' in page and "No assessment plan for this quarter." not in page
