"""The dashboard's roll-ups of final cards: written when a card is finalised, taken out when it
leaves final, moved with a subtree, rebuilt from the lines — and always the figures the lines
give."""

import io
import random
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Avg, Count, Q
from django.urls import reverse

from assessments.dashboard import reviewed_deductions
from assessments.line_subtotals import live_quarter_article_rows
from assessments.models import ArticleRollup, QuarterRollup, Scorecard, ScorecardStatus
from assessments.rollups import card_finalised, card_left_final, quarter_article_rows, quarter_averages
from assessments.services.review import review_line_save, scorecard_finalise, scorecard_mark_reviewed
from assessments.services.scorecards import scorecard_line_save
from branches.models import OrgKind
from branches.selectors import in_subtree
from branches.services import organisation_move
from tests.factories import (
    RECORDS_REASON,
    UserFactory,
    final_scorecard,
    first_rule_counts,
    make_edition,
    make_org,
    open_scorecard,
    submit_card,
)

CENT = Decimal("0.01")


@pytest.fixture
def boss(world):
    make_edition(version="T1")
    return UserFactory(username="boss", is_superuser=True)


def _random_final_card(branch, *, year, quarter, by, rng):
    """A final card with random deductions on both sides (some lines left at full score)."""
    card = open_scorecard(branch, year=year, quarter=quarter)
    lines = [
        line
        for line in card.lines.select_related("article").order_by("article__code")
        if line.article.is_assessed_in(quarter) and line.article.deductions.exists()
    ]
    for line in rng.sample(lines, min(2, len(lines))):
        card.refresh_from_db()
        scorecard_line_save(line=line, by=by, version=card.version, counts=first_rule_counts(line, 1))
    card.refresh_from_db()
    card = submit_card(card, by=by, reason=RECORDS_REASON)
    for line in rng.sample(lines, min(3, len(lines))):
        card.refresh_from_db()
        review_line_save(line=line, by=by, version=card.version, counts=first_rule_counts(line, rng.randint(1, 3)))
    card.refresh_from_db()
    card = scorecard_mark_reviewed(scorecard=card, by=by, version=card.version)
    return scorecard_finalise(scorecard=card, by=by, version=card.version)


def _norm(rows):
    """Article rows as comparable tuples (the live aggregate has None where nothing summed)."""
    keys = ("m", "s", "r", "points")
    return sorted(
        (row["code"], row["line"], *(Decimal(row[k] or 0).quantize(CENT) for k in keys), row["lines"], row["cards"])
        for row in rows
    )


def _live_averages(root):
    rows = (
        Scorecard.objects.filter(in_subtree(root, via="branch__path"))
        .values("year", "quarter")
        .annotate(
            avg=Avg("review_total", filter=Q(status=ScorecardStatus.FINAL)),
            n=Count("pk", filter=Q(status=ScorecardStatus.FINAL)),
        )
        .order_by()
    )
    return {(r["year"], r["quarter"]): (round(float(r["avg"]), 2) if r["n"] else None, r["n"]) for r in rows}


def _assert_rollups_match_lines(units, periods):
    for unit in units:
        assert quarter_averages(unit) == _live_averages(unit), unit
        for year, quarter in periods:
            assert _norm(quarter_article_rows(unit, year=year, quarter=quarter)) == _norm(
                live_quarter_article_rows(unit, year=year, quarter=quarter)
            ), (unit, year, quarter)


def test_finalising_a_card_adds_it_to_the_units_above_its_branch_only(world, boss):
    card = final_scorecard(world.branch_a, year=2026, quarter=3, by=boss, deductions=2)
    units = set(QuarterRollup.objects.values_list("unit_id", flat=True))
    assert units == {world.committee.pk, world.general.pk}
    rolled = QuarterRollup.objects.get(unit=world.committee, year=2026, quarter=3)
    assert (rolled.cards, rolled.review_sum, rolled.self_sum) == (1, card.review_total, card.self_total)
    assert ArticleRollup.objects.filter(unit=world.general, year=2026, quarter=3).count() == card.lines.count()
    deducted = ArticleRollup.objects.get(unit=world.general, year=2026, quarter=3, review_deducted=1)
    assert deducted.review_points == Decimal(100) - card.review_total
    # The branch's own figures come from its card, and agree with the units above.
    _assert_rollups_match_lines([world.committee, world.general, world.branch_a], [(2026, 3)])


def test_a_card_that_leaves_final_is_taken_out_and_finalised_again_is_written_again(world, boss):
    first = final_scorecard(world.branch_a, year=2026, quarter=3, by=boss, deductions=1)
    second = final_scorecard(world.branch_b, year=2026, quarter=3, by=boss, deductions=4)
    # No page returns a final card yet: the service that does must call card_left_final in
    # its transaction, while the lines still hold the final scores, as done here.
    card_left_final(second)
    Scorecard.objects.filter(pk=second.pk).update(status=ScorecardStatus.REVIEWED)
    _assert_rollups_match_lines([world.committee, world.general], [(2026, 3)])
    assert QuarterRollup.objects.get(unit=world.committee, year=2026, quarter=3).cards == 1
    card_left_final(first)
    Scorecard.objects.filter(pk=first.pk).update(status=ScorecardStatus.REVIEWED)
    assert not QuarterRollup.objects.exists() and not ArticleRollup.objects.exists()
    Scorecard.objects.filter(pk__in=[first.pk, second.pk]).update(status=ScorecardStatus.FINAL)
    card_finalised(first)
    card_finalised(second)
    _assert_rollups_match_lines([world.committee, world.general, world.branch_b], [(2026, 3)])
    assert reviewed_deductions(world.committee, 2026, 3) == reviewed_deductions(world.branch_a, 2026, 3) | {
        k: v + reviewed_deductions(world.branch_a, 2026, 3).get(k, 0)
        for k, v in reviewed_deductions(world.branch_b, 2026, 3).items()
    }


def test_roll_ups_equal_the_lines_on_a_random_dataset_and_a_rebuild_changes_nothing(world, boss):
    rng = random.Random(18)
    other = make_org(world.committee, kind=OrgKind.GENERAL_BRANCH, name="第二党总支", code="G2")
    branches = [world.branch_a, world.branch_b, make_org(other, name="三号党支部", code="P3")]
    periods = [(2026, 2), (2026, 3)]
    for branch in branches:
        for year, quarter in periods:
            if rng.random() < 0.8:
                _random_final_card(branch, year=year, quarter=quarter, by=boss, rng=rng)
    open_scorecard(make_org(other, name="四号党支部", code="P4"), year=2026, quarter=4)
    units = [world.committee, world.general, other, *branches]
    _assert_rollups_match_lines(units, periods)
    before = sorted(
        ArticleRollup.objects.values_list("unit_id", "year", "quarter", "article_id", "lines", "review_points")
    )
    # Spoiled rows, and a unit with nothing below it any more, are put right.
    ArticleRollup.objects.filter(unit=world.committee).update(lines=99, review_points=7)
    QuarterRollup.objects.create(unit=world.branch_a, year=2020, quarter=1, cards=5)
    out = io.StringIO()
    call_command("rebuild_rollups", stdout=out)
    call_command("rebuild_rollups", stdout=out)  # idempotent
    assert out.getvalue().count("Rebuilt the roll-ups of 3 unit(s)") == 2
    after = sorted(
        ArticleRollup.objects.values_list("unit_id", "year", "quarter", "article_id", "lines", "review_points")
    )
    assert after == before
    assert not QuarterRollup.objects.filter(unit=world.branch_a).exists()
    _assert_rollups_match_lines(units, periods)


def test_a_moved_branch_takes_its_sums_to_its_new_units(world, boss):
    final_scorecard(world.branch_a, year=2026, quarter=3, by=boss, deductions=1)
    final_scorecard(world.branch_b, year=2026, quarter=3, by=boss, deductions=3)
    other = make_org(world.committee, kind=OrgKind.GENERAL_BRANCH, name="第二党总支", code="G2")
    organisation_move(by=None, organisation=world.branch_b, new_parent=other)
    world.general.refresh_from_db()
    other.refresh_from_db()
    _assert_rollups_match_lines([world.committee, world.general, other], [(2026, 3)])
    assert QuarterRollup.objects.get(unit=other).cards == 1
    # A whole general branch, moved below a committee of its own: its sums go along.
    sub = make_org(world.committee, kind=OrgKind.COMMITTEE, name="分公司党委", code="S")
    organisation_move(by=None, organisation=other, new_parent=sub)
    for unit in (world.general, other, sub):
        unit.refresh_from_db()
    _assert_rollups_match_lines([world.committee, world.general, other, sub], [(2026, 3)])
    assert QuarterRollup.objects.get(unit=sub).cards == 1
    assert QuarterRollup.objects.get(unit=world.committee).cards == 2


def _general_with(world, boss, n):
    unit = make_org(world.committee, kind=OrgKind.GENERAL_BRANCH, name=f"{n}支部党总支", code=f"N{n}")
    for i in range(n):
        branch = make_org(unit, name=f"党总支{n}支部{i}", code=f"N{n}-{i}")
        final_scorecard(branch, year=2026, quarter=3, by=boss, deductions=i % 3)
    return unit


def test_the_dashboard_takes_as_many_queries_for_a_unit_of_1_branch_as_for_one_of_30(
    world, boss, as_role, django_assert_num_queries, settings
):
    settings.DASHBOARD_CACHE_SECONDS = 0  # the figures computed, not read from the cache
    client = as_role("reviewer")
    one, thirty = _general_with(world, boss, 1), _general_with(world, boss, 30)
    url = reverse("assessments:dashboard")
    client.get(url, {"org": one.pk, "quarter": "2026Q3"})  # warms the per-process caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url, {"org": one.pk, "quarter": "2026Q3"})
    with django_assert_num_queries(len(few)):
        page = client.get(url, {"org": thirty.pk, "quarter": "2026Q3"})
    assert page.status_code == 200
    assert not [q for q in few.captured_queries if "scorecardline" in q["sql"] and "GROUP BY" in q["sql"]]
