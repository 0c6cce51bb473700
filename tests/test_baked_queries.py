"""``config.baked``: a queryset's SQL compiled once per shape and re-run with new values gives
the rows the queryset itself gives — on SQLite here, on PostgreSQL in CI's second run — and a
builder whose SQL would not follow its values is refused, not run wrong."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Count, Q, Sum
from django.test.utils import CaptureQueriesContext

from assessments.dashboard import OPEN_ITEM_COUNTS
from assessments.dashboard_cards import COUNTS, GAPS, ORDERS, RANKING
from assessments.dashboard_tasks import TOTALS, WORST
from assessments.desk import PLANS, _ancestor_paths
from assessments.models import Scorecard
from assessments.rollups import ARTICLE_ROWS, AVERAGE_ROWS
from assessments.services.scorecards import default_deadline
from branches.models import Organisation
from config.baked import Baked, CannotBake, one_row
from handbook.models import Article
from tasks.statistics import quarter_is
from tests.factories import UserFactory, final_scorecard, make_edition, make_org, make_task, rectification_item

pytestmark = pytest.mark.django_db


class Counted:
    """A builder that counts its calls."""

    def __init__(self, build):
        self.build, self.calls = build, 0
        self.__qualname__ = build.__qualname__

    def __call__(self, **kwargs):
        self.calls += 1
        return self.build(**kwargs)


def _by_name(*, start: str, ids: list[int], code: str) -> object:
    rows = Organisation.objects.filter(Q(name__startswith=start) | Q(pk__in=ids) | Q(code=code))
    return rows.order_by("pk").values_list("pk", "name", "path", "is_key")


def test_rows_are_the_querysets_rows_and_the_sql_is_compiled_once_per_shape(world):
    build = Counted(_by_name)
    baked = Baked(build)
    ids = [world.branch_a.pk, world.general.pk]
    cases = [
        {"start": "一号", "ids": ids, "code": "B"},
        {"start": "二号", "ids": ids[::-1], "code": "C"},
        {"start": "无", "ids": [0, -1], "code": "no such code"},
        {"start": "", "ids": [world.committee.pk, 0], "code": ""},
    ]
    for values in cases:
        assert baked.rows(**values) == list(_by_name(**values)), values
    assert build.calls == 2  # one shape (two ids): compiled twice, on the first call only
    # A list of another length is another shape.
    assert baked.rows(start="x", ids=[world.branch_b.pk], code="A") == list(
        _by_name(start="x", ids=[world.branch_b.pk], code="A")
    )
    assert build.calls == 4
    assert len(baked._plans) == 2


def test_a_hit_sends_one_query_and_builds_nothing(world):
    baked = Baked(_by_name)
    baked.rows(start="一", ids=[1], code="C")
    with CaptureQueriesContext(connection) as captured:
        assert baked.rows(start="二", ids=[2], code="G")
    assert len(captured) == 1


def test_a_string_a_like_pattern_escapes_is_run_through_the_queryset(world):
    for name in ("a_b支部", "axb支部", "a%c支部", "a\\d支部"):
        make_org(world.general, name=name)
    baked = Baked(_by_name)
    for start in ("a_", "a%", "a\\", "ax", "a"):
        found = baked.rows(start=start, ids=[], code="-")
        assert found == list(_by_name(start=start, ids=[], code="-")), start
    assert [row[1] for row in baked.rows(start="a_", ids=[], code="-")] == ["a_b支部"]


def _limited(*, limit: int) -> object:
    return Organisation.objects.order_by("pk").values_list("pk")[:limit]


def _flagged(*, key: bool) -> object:
    return Organisation.objects.filter(is_key=key).values_list("pk")


def _objects(*, code: str) -> object:
    return Organisation.objects.filter(code=code)


def _since(*, when: dt.datetime) -> object:
    return Organisation.objects.filter(created_at__gte=when).values_list("pk")


@pytest.mark.parametrize(
    ("build", "values", "why"),
    [
        (_limited, {"limit": 3}, "the SQL's text depends on a value"),
        (_flagged, {"key": True}, "a boolean decides the SQL's text"),
        (_objects, {"code": "A"}, "values_list"),
        (_since, {"when": dt.datetime(2026, 1, 1, tzinfo=dt.UTC)}, "datetimes are not baked"),
    ],
)
def test_a_builder_whose_sql_would_not_follow_its_values_is_refused(world, build, values, why):
    with pytest.raises(CannotBake, match=why):
        Baked(build).rows(**values)


def _cards(*, year: int, first: dt.date) -> object:
    rows = Scorecard.objects.filter(year=year, deadline__gte=first).order_by("pk")
    return rows.values_list("pk", "review_total", "self_total", "deadline", "year")


def test_decimals_and_dates_come_back_as_the_orm_gives_them(world):
    boss = UserFactory(username="boss-baked", is_superuser=True)
    make_edition(version="T1")
    card = final_scorecard(world.branch_a, year=2026, quarter=3, by=boss)
    Scorecard.objects.filter(pk=card.pk).update(review_total=Decimal("87.5"), deadline=dt.date(2026, 10, 10))
    baked = Baked(_cards)
    found = baked.rows(year=2026, first=dt.date(2026, 10, 1))
    assert found == list(_cards(year=2026, first=dt.date(2026, 10, 1)))
    assert found and [type(v) for v in found[0]] == [int, Decimal, Decimal, dt.date, int]
    assert found[0][1] == Decimal("87.5")
    assert baked.rows(year=2026, first=dt.date(2026, 10, 11)) == []


def _counted(*, start: str) -> object:
    rows = Organisation.objects.filter(path__startswith=start)
    return one_row(rows, n=Count("pk"), keys=Count("pk", filter=Q(is_key=True)), depth=Sum("depth"))


def test_one_row_is_the_aggregate_even_over_no_row(world):
    baked = Baked(_counted)
    for start in (world.committee.path, world.branch_a.path, "/no-such-path/"):
        rows = Organisation.objects.filter(path__startswith=start)
        expected = rows.aggregate(n=Count("pk"), keys=Count("pk", filter=Q(is_key=True)), depth=Sum("depth"))
        assert baked.rows(start=start) == [tuple(expected.values())], start
    assert baked.rows(start="/no-such-path/") == [(0, 0, None)]


def _none_of(*, ids: list[int], code: str) -> object:
    return Organisation.objects.filter(pk__in=ids, code=code).values_list("pk")


def test_a_query_that_can_match_nothing_is_run_through_the_queryset(world):
    baked = Baked(_none_of)
    assert baked.rows(ids=[], code="A") == []
    assert baked.rows(ids=[world.branch_a.pk], code=world.branch_a.code) == [(world.branch_a.pk,)]


# --- the dashboard's baked queries -------------------------------------------------------


@pytest.fixture
def figures(world):
    """Final cards over two quarters, a rectification item, and tasks in the tallies."""
    boss = UserFactory(username="boss-figures", is_superuser=True)
    make_edition(version="T1")
    for branch in (world.branch_a, world.branch_b):
        final_scorecard(branch, year=2026, quarter=2, by=boss, deductions=1)
        final_scorecard(branch, year=2026, quarter=3, by=boss, deductions=2 if branch == world.branch_a else 0)
    rectification_item(make_org(world.general, name="整改支部"), by=boss, year=2026, quarter=1)
    article = Article.objects.order_by("code").first()
    for n, due in enumerate([dt.date(2026, 7, 15), dt.date(2026, 8, 20), dt.date(2026, 9, 25)]):
        make_task(world.branch_a if n % 2 else world.branch_b, article, due_on=due)
    return world


TODAYS = [dt.date(2026, 6, 20), dt.date(2026, 8, 31), dt.date(2026, 10, 20)]  # ahead, current, past


def test_the_dashboards_baked_queries_give_what_their_querysets_give(figures):
    units = [figures.committee, figures.general, figures.branch_a, figures.branch_b]
    for unit in units:
        path = unit.path
        assert AVERAGE_ROWS.rows(unit=unit.pk, path=path) == list(AVERAGE_ROWS.build(unit=unit.pk, path=path))
        plans = {"above": _ancestor_paths(unit), "path": path}
        for year, quarter in [(2026, 2), (2026, 3), (2025, 4)]:
            period = {"year": year, "quarter": quarter}
            assert ARTICLE_ROWS.rows(unit=unit.pk, **period) == list(ARTICLE_ROWS.build(unit=unit.pk, **period))
            assert PLANS.rows(**plans, **period) == list(PLANS.build(**plans, **period))
            place = {"path": path, **period, "pyear": year if quarter > 1 else year - 1, "pquarter": quarter - 1 or 4}
            assert GAPS.rows(**place) == list(GAPS.build(**place))
            for sort in ORDERS:
                for limit in (None, 1):
                    shape = {"sort": sort, "limit": limit}
                    assert RANKING.rows(shape=shape, **place) == list(RANKING.build(**shape, **place)), shape
            for today in TODAYS:
                dated = {"path": path, **period, "today": today}
                fallback = default_deadline(year, quarter)
                counted = {**dated, "fallback": fallback}
                shape = {"passed": fallback < today}
                assert COUNTS.rows(shape=shape, **counted) == list(COUNTS.build(**shape, **counted))
                when = {"when": quarter_is(year, quarter, today)}
                assert TOTALS.rows(shape=when, **dated) == list(TOTALS.build(**when, **dated))
                for limit in (None, 1):
                    shape = {**when, "limit": limit}
                    assert WORST.rows(shape=shape, **dated) == list(WORST.build(**shape, **dated))
        for today in TODAYS:
            assert OPEN_ITEM_COUNTS.rows(path=path, today=today) == list(OPEN_ITEM_COUNTS.build(path=path, today=today))
    # The figures are not empty: the comparisons above compare something.
    committee = {"path": figures.committee.path, "year": 2026, "quarter": 3, "today": TODAYS[1]}
    assert TOTALS.rows(shape={"when": "current"}, **committee)[0][0] == 2
    place = {"path": figures.committee.path, "year": 2026, "quarter": 3, "pyear": 2026, "pquarter": 2}
    assert len(RANKING.rows(shape={"sort": "score", "limit": None}, **place)) == 2
    assert OPEN_ITEM_COUNTS.rows(path=figures.committee.path, today=TODAYS[2]) == [(1, 1)]
