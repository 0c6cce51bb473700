"""The dashboard's tiles, ranking and gaps are counted, ordered and cut by the database
(``assessments.dashboard_cards``): checked here against the same figures worked out in
Python from the cards, card by card, with the desk's own rules (``state_of``,
``is_late_with``) — ties, missing last-quarter scores, every state and lateness included."""

import datetime as dt
from decimal import Decimal

import pytest

from assessments.dashboard import SORTS, dashboard_for
from assessments.desk import PARTITION, is_late_with, state_of
from assessments.models import Scorecard, ScorecardStatus
from assessments.services.scorecards import default_deadline
from branches.models import OrgStatus
from tests.factories import UserFactory, final_scorecard, make_edition, make_org, open_scorecard

TODAY = dt.date(2026, 10, 20)  # after 2026Q3's default deadline (10 October)
# (review total, self total, last quarter's review total or None) of the final cards:
# equal scores, equal gaps, a fall, a rise, no last quarter.
FINALS = [
    (Decimal("90.0"), Decimal("95.0"), Decimal("80.0")),
    (Decimal("90.0"), Decimal("91.0"), None),
    (Decimal("75.5"), Decimal("80.5"), Decimal("90.0")),
    (Decimal("99.0"), Decimal("99.0"), Decimal("99.0")),
    (Decimal("60.0"), Decimal("70.0"), Decimal("55.0")),
    (Decimal("90.0"), Decimal("85.0"), Decimal("92.0")),
]


@pytest.fixture
def quarter(world):
    """Final cards with chosen totals, and one branch in each other state (early, late,
    flagged), a dissolved branch's final card that must not count."""
    make_edition(version="T1")
    boss = UserFactory(username="boss", is_superuser=True)
    for n, (review, own, previous) in enumerate(FINALS):
        branch = make_org(world.general, name=f"排名支部{n}", code=f"R{5 - n}")
        card = final_scorecard(branch, year=2026, quarter=3, by=boss)
        Scorecard.objects.filter(pk=card.pk).update(review_total=review, self_total=own, grade="good")
        if previous is not None:
            old = final_scorecard(branch, year=2026, quarter=2, by=boss)
            Scorecard.objects.filter(pk=old.pk).update(review_total=previous)
    states = {
        "draft-late": (ScorecardStatus.DRAFT, False, dt.date(2026, 10, 15)),
        "draft-early": (ScorecardStatus.DRAFT, False, dt.date(2026, 10, 30)),
        "returned": (ScorecardStatus.RETURNED, False, None),
        "submitted-late": (ScorecardStatus.SUBMITTED, True, None),
        "submitted": (ScorecardStatus.SUBMITTED, False, None),
        "reviewed": (ScorecardStatus.REVIEWED, False, None),
    }
    for name, (status, flagged, deadline) in states.items():
        card = open_scorecard(make_org(world.general, name=name), year=2026, quarter=3, deadline=deadline)
        Scorecard.objects.filter(pk=card.pk).update(status=status, is_late=flagged)
    make_org(world.general, name="没有卡的支部")
    gone = make_org(world.general, name="撤销的支部")
    final_scorecard(gone, year=2026, quarter=3, by=boss)
    type(gone).objects.filter(pk=gone.pk).update(status=OrgStatus.DISSOLVED, dissolved_on=dt.date(2026, 10, 1))
    return world


def _expected_finals(world):
    cards = Scorecard.objects.filter(
        branch__path__startswith=world.committee.path,
        branch__status=OrgStatus.ACTIVE,
        year=2026,
        quarter=3,
        status=ScorecardStatus.FINAL,
    ).select_related("branch")
    previous = dict(
        Scorecard.objects.filter(year=2026, quarter=2, status=ScorecardStatus.FINAL).values_list(
            "branch_id", "review_total"
        )
    )
    return [
        {
            "id": c.branch_id,
            "code": c.branch.code,
            "score": c.review_total,
            "gap": c.self_total - c.review_total,
            "previous": previous.get(c.branch_id),
        }
        for c in cards
    ]


ORDER_KEYS = {
    "score": lambda r: (-r["score"], r["code"]),
    "gap": lambda r: (-abs(r["gap"]), r["code"]),
    "name": lambda r: (r["code"],),
    "trend": lambda r: (-(r["score"] - r["previous"]) if r["previous"] is not None else 0, r["code"]),
}


@pytest.mark.parametrize("sort", sorted(SORTS))
def test_the_ranking_in_each_order_with_its_ranks_by_score_is_the_one_worked_out_card_by_card(quarter, sort):
    finals = _expected_finals(quarter)
    by_score = sorted(finals, key=ORDER_KEYS["score"])
    rank = {r["id"]: n for n, r in enumerate(by_score, start=1)}
    expected = [(r["id"], rank[r["id"]]) for r in sorted(finals, key=ORDER_KEYS[sort])]
    board = dashboard_for(quarter.committee, year=2026, quarter=3, sort=sort, today=TODAY)
    assert [(r.branch_id, r.rank) for r in board.ranking] == expected
    cut = dashboard_for(quarter.committee, year=2026, quarter=3, sort=sort, today=TODAY, shown=2)
    assert [(r.branch_id, r.rank) for r in cut.ranking] == expected[:2]
    assert board.ranked == cut.ranked == len(FINALS)


def test_the_widest_gaps_are_the_largest_gaps_ties_in_the_rankings_order(quarter):
    by_score = sorted(_expected_finals(quarter), key=ORDER_KEYS["score"])
    expected = [r["id"] for r in sorted(by_score, key=lambda r: -abs(r["gap"]))]  # stable: ties keep the rank order
    board = dashboard_for(quarter.committee, year=2026, quarter=3, today=TODAY, shown=1)
    assert [r.branch_id for r in board.widest_gaps] == expected


def test_the_tiles_and_late_names_are_the_desks_rules_applied_branch_by_branch(quarter):
    from assessments.desk import active_branches

    fallback = default_deadline(2026, 3)
    counts = {state.value: 0 for state in PARTITION}
    late = []
    for branch in active_branches(quarter.committee):
        card = Scorecard.objects.filter(branch=branch, year=2026, quarter=3).first()
        status = card.status if card else None
        counts[state_of(status)] += 1
        if is_late_with(status, bool(card and card.is_late), card and card.deadline, fallback, TODAY):
            late.append(branch.name)
    board = dashboard_for(quarter.committee, year=2026, quarter=3, today=TODAY)
    assert {state.value: board.counts[state.value] for state in PARTITION} == counts
    assert board.counts["late"] == len(late) and board.late_branches == sorted(late)
    assert "draft-late" in late and "submitted-late" in late and "没有卡的支部" in late
    assert "draft-early" not in late and "submitted" not in late
    assert board.counts["branches"] == sum(counts.values())
    assert dict((g, n) for g, _, n in board.grades)["good"] == len(FINALS)
    # The page asks for the first rows only: the same tiles, and no list of names it would not show.
    cut = dashboard_for(quarter.committee, year=2026, quarter=3, today=TODAY, shown=2)
    assert cut.counts == board.counts and cut.late_branches == []


@pytest.mark.parametrize("job_day", [None, dt.date(2026, 8, 10), dt.date(2026, 8, 20), dt.date(2026, 9, 1)])
def test_the_task_figures_of_the_quarter_that_holds_today_are_the_live_counts(world, job_day):
    """Read on 20 August, whether the daily job moved the tallies' day to then, before, after
    or never: the totals and the worst rows (rate, then name) are those counted from the tasks."""
    from handbook.models import Article
    from tasks.models import TaskStatus
    from tasks.statistics import task_statistics
    from tasks.tallies import overdue_advance
    from tests.factories import make_task

    make_edition(version="T1")
    article = Article.objects.order_by("pk").first()
    today = dt.date(2026, 8, 20)
    done = {"status": TaskStatus.DONE, "completed_at": dt.datetime(2026, 7, 30, tzinfo=dt.UTC), "delay_days": 0}
    late = {**done, "delay_days": 3}
    plans = {"乙支部": [done, {}, {}, late], "甲支部": [done, done, {}, {}], "丙支部": [{}, {}, done, done]}
    branches = {}
    for name, fields in plans.items():
        branches[name] = branch = make_org(world.general, name=name)
        for n, extra in enumerate(fields):
            due = dt.date(2026, 7, 15) + dt.timedelta(days=12 * n)  # 15 Jul, 27 Jul, 8 Aug, 20 Aug
            make_task(branch, article, due_on=due, period_key=f"2026-07-{n}", **extra)
    if job_day is not None:
        overdue_advance(today=job_day)
    live = task_statistics(
        branches=type(world.general).objects.filter(pk__in=[b.pk for b in branches.values()]),
        first=dt.date(2026, 7, 1),
        last=dt.date(2026, 9, 30),
        today=today,
    )
    board = dashboard_for(world.committee, year=2026, quarter=3, today=today)
    expected = sorted(
        ((name, live[b.pk]) for name, b in branches.items()),
        key=lambda pair: (pair[1].on_time_rate if pair[1].on_time_rate is not None else 101, pair[0]),
    )
    assert board.tasks.rows == expected
    assert board.tasks.overdue == sum(s.overdue for s in live.values()) == 5
    on_time = sum(s.on_time for s in live.values())
    assert board.tasks.on_time_rate == round(100 * on_time / sum(s.due_so_far for s in live.values()), 1)
    assert board.tasks.branches == 3
