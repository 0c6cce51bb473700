"""核标 plans: every key unit, a reproducible random sample of the others, all at year end;
优标 upgrade plans for branches graded 一般 or 较差, open until the grade improves."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from assessments.models import EntryReason, Grade, PlanKind
from assessments.services.plans import assessment_plan_create, draw_sample, plan_reproduces, upgrade_target_update
from assessments.services.review import review_line_save, scorecard_finalise, scorecard_mark_reviewed
from tests.factories import (
    RECORDS_REASON,
    UserFactory,
    final_scorecard,
    make_edition,
    make_org,
    open_scorecard,
    submit_card,
)


@pytest.fixture
def many(world):
    for i in range(10):
        make_org(world.general, name=f"支部{i}", is_key=i < 2)
    return world


def test_a_plan_takes_every_key_unit_and_a_sample_of_the_others(many):
    plan = assessment_plan_create(
        organisation=many.committee, year=2026, quarter=3, by=many.reviewer, sample_percent=50, seed=42
    )
    reasons = list(plan.entries.values_list("reason", flat=True))
    assert reasons.count(EntryReason.KEY) == 3  # A and two more
    assert reasons.count(EntryReason.SAMPLED) == 5  # half of B and the eight others, rounded up
    assert len(plan.population) == 9


def test_the_same_seed_draws_the_same_sample(many):
    first = assessment_plan_create(organisation=many.committee, year=2026, quarter=3, by=many.reviewer, seed=42)
    again = assessment_plan_create(organisation=many.committee, year=2026, quarter=4, by=many.reviewer, seed=42)
    sampled = {
        p.pk: set(p.entries.filter(reason="sampled").values_list("branch_id", flat=True)) for p in (first, again)
    }
    assert sampled[first.pk] == sampled[again.pk]
    assert draw_sample(list(range(100)), percent=10, seed=1) == draw_sample(list(range(100)), percent=10, seed=1)
    assert draw_sample(list(range(100)), percent=10, seed=1) != draw_sample(list(range(100)), percent=10, seed=2)


def test_a_recorded_plan_is_reproduced_from_its_seed_and_a_tampered_one_is_not(many):
    plan = assessment_plan_create(organisation=many.committee, year=2026, quarter=3, by=many.reviewer, seed=9)
    assert plan_reproduces(plan)
    plan.entries.filter(pk=plan.entries.filter(reason="sampled").first().pk).delete()
    assert not plan_reproduces(plan)


def test_the_year_end_check_takes_every_branch(many):
    plan = assessment_plan_create(
        organisation=many.committee, year=2026, quarter=4, kind=PlanKind.YEAR_END, by=many.reviewer
    )
    assert plan.entries.count() == 12
    assert plan.seed is not None


def test_only_a_reviewer_draws_a_plan(many):
    with pytest.raises(PermissionDenied):
        assessment_plan_create(organisation=many.committee, year=2026, quarter=3, by=many.administrator)


def _poor_card(world, quarter=3):
    card = open_scorecard(world.branch_a, quarter=quarter)
    card = submit_card(card, by=world.secretary_a, reason=RECORDS_REASON)
    for line in card.lines.select_related("article").order_by("article__code")[:2]:
        rule = line.article.deductions.order_by("position").last()
        review_line_save(line=line, by=world.reviewer, version=card.version, counts={rule.pk: 100})
        card.refresh_from_db()
    card = scorecard_mark_reviewed(scorecard=card, by=world.reviewer, version=card.version)
    return scorecard_finalise(scorecard=card, by=world.reviewer, version=card.version)


def test_a_poor_grade_opens_an_upgrade_plan_on_the_weakest_articles(world):
    make_edition(version="T1")
    card = _poor_card(world)
    assert card.grade == Grade.POOR
    plan = card.upgrade_plan
    assert plan.is_open
    assert [t.score_then for t in plan.targets.all()] == [0, 0]
    target = upgrade_target_update(
        target=plan.targets.first(), by=world.secretary_a, action="每月开展支委会", progress="已开两次", done=False
    )
    assert target.progress == "已开两次"


def test_the_next_grading_closes_the_upgrade_plan(world):
    make_edition(version="T1")
    plan = _poor_card(world, quarter=2).upgrade_plan
    boss = UserFactory(username="boss", is_superuser=True)
    card = final_scorecard(world.branch_a, year=2026, quarter=3, by=boss)
    plan.refresh_from_db()
    assert not plan.is_open
    assert plan.closed_by_scorecard == card
    assert plan.outcome_grade == Grade.GOOD


def _graded(world, *, quarter, counts_by_code, year=2026):
    """A final card of branch A; ``counts_by_code``: article code → (rule position, count)."""
    card = open_scorecard(world.branch_a, year=year, quarter=quarter)
    card = submit_card(card, by=world.secretary_a, reason=RECORDS_REASON)
    for code, (position, count) in counts_by_code.items():
        line = card.lines.select_related("article").get(article__code=code)
        rule = line.article.deductions.order_by("position")[position]
        review_line_save(line=line, by=world.reviewer, version=card.version, counts={rule.pk: count})
        card.refresh_from_db()
    card = scorecard_mark_reviewed(scorecard=card, by=world.reviewer, version=card.version)
    return scorecard_finalise(scorecard=card, by=world.reviewer, version=card.version)


def test_the_weakest_articles_are_the_lowest_share_of_their_max_on_every_database(world):
    """Whole scores (9 of 10) must not divide to 0 (the SQLite integer division of P03 2026Q3)."""
    make_edition(version="T10", articles=10)  # ten articles of 10 points; Q4 assesses them all
    card = _graded(
        world,
        quarter=4,
        counts_by_code={"1-01": (0, 1), "1-04": (1, 1), "2-05": (1, 999), "2-08": (1, 999), "3-06": (1, 999)},
    )
    assert card.grade == Grade.AVERAGE  # 100 − 1 − 0.5 − 30
    targets = list(card.upgrade_plan.targets.order_by("article_code").values_list("article_code", "score_then"))
    assert targets == [("2-05", 0), ("2-08", 0), ("3-06", 0)]


def test_an_upgrade_plan_stays_open_until_a_better_grade_and_records_each_grading(world):
    make_edition(version="T1")
    poor = {"1-01": (1, 999), "1-04": (1, 999)}  # 50: 较差
    plan = _graded(world, quarter=1, counts_by_code=poor).upgrade_plan
    assert plan.grade == Grade.POOR

    again = _graded(world, quarter=2, counts_by_code=poor)
    plan.refresh_from_db()
    assert plan.is_open
    assert plan.outcome_grade == Grade.POOR
    assert not hasattr(again, "upgrade_plan") or again.upgrade_plan is None  # the open plan carries on
    assert [(g.scorecard, g.grade, g.improved) for g in plan.gradings.all()] == [(again, Grade.POOR, False)]

    better = _graded(world, quarter=3, counts_by_code={"1-01": (1, 999)})  # 75: 一般, better than 较差
    plan.refresh_from_db()
    assert not plan.is_open
    assert plan.closed_by_scorecard == better
    assert plan.outcome_grade == Grade.AVERAGE
    assert [g.improved for g in plan.gradings.all()] == [False, True]
    # Still 一般: a new plan starts from this grading's weakest articles.
    assert better.upgrade_plan.is_open
    assert better.upgrade_plan.grade == Grade.AVERAGE


def test_the_upgrade_page_lists_the_gradings_since_the_plan(world, client):
    make_edition(version="T1")
    poor = {"1-01": (1, 999), "1-04": (1, 999)}
    plan = _graded(world, quarter=1, counts_by_code=poor).upgrade_plan
    _graded(world, quarter=2, counts_by_code=poor)
    client.force_login(world.secretary_a)
    page = client.get(reverse("assessments:upgrade", args=[plan.pk])).content.decode()
    assert "2026年第2季度" in page and "2026Q2" not in page
    assert 'id="upgrade-gradings"' in page
