"""/api/v1/grades/ and /api/v1/grades/years/: quarter grades, and year grades computed as the
dashboard's yearly export computes them (with the year-end check)."""

from decimal import Decimal

import pytest

from assessments.dashboard import year_scores
from assessments.models import PlanKind, Scorecard
from assessments.services.plans import assessment_plan_create
from tests.conftest import World
from tests.factories import UserFactory, final_scorecard, make_edition, open_scorecard

LIST = "/api/v1/grades/"
YEARS = "/api/v1/grades/years/"


@pytest.fixture
def boss(world: World):
    make_edition(version="T1")
    return UserFactory(username="boss", is_superuser=True)


def _final(branch, year: int, quarter: int, score: int, boss) -> Scorecard:
    card = final_scorecard(branch, year=year, quarter=quarter, by=boss)
    # The stored final total is what grades read; set it straight to keep the sums readable.
    Scorecard.objects.filter(pk=card.pk).update(review_total=Decimal(score), grade=_grade(score))
    return card


def _grade(score: int) -> str:
    from assessments.services.scoring import grade_for

    return grade_for(Decimal(score))


@pytest.fixture
def graded(world: World, boss) -> World:
    """A: 100, 100, 100, 60 in 2026 and 85 in 2025Q4; B: 70 in 2026Q1; A's 2027Q1 only a draft."""
    for quarter, score in ((1, 100), (2, 100), (3, 100), (4, 60)):
        _final(world.branch_a, 2026, quarter, score, boss)
    _final(world.branch_a, 2025, 4, 85, boss)
    _final(world.branch_b, 2026, 1, 70, boss)
    open_scorecard(world.branch_a, year=2027, quarter=1)
    return world


def _rows(response: object) -> list[dict]:
    assert response.status_code == 200, response.content  # type: ignore[attr-defined]
    return response.json()["results"]  # type: ignore[attr-defined]


# --- quarter grades ---------------------------------------------------------------------------


def test_quarter_grades_are_the_final_reviews_newest_first(api_as, graded) -> None:
    rows = _rows(api_as("reviewer").get(LIST))
    assert [(r["branch_code"], r["year"], r["quarter"], r["grade"]) for r in rows] == [
        ("A", 2026, 4, "average"),
        ("A", 2026, 3, "good"),
        ("A", 2026, 2, "good"),
        ("A", 2026, 1, "good"),
        ("B", 2026, 1, "average"),
        ("A", 2025, 4, "fairly_good"),
    ]
    assert rows[0]["score"] == "60.00" and rows[0]["grade_label"] in ("一般", "Average")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"year": 2026, "quarter": 1}, [("A", 1), ("B", 1)]),
        ({"grade": "fairly_good"}, [("A", 4)]),
        ({"year": 2026, "grade": "average"}, [("A", 4), ("B", 1)]),
    ],
)
def test_quarter_grades_filter(api_as, graded, query, expected) -> None:
    rows = _rows(api_as("reviewer").get(LIST, query))
    assert sorted((r["branch_code"], r["quarter"]) for r in rows) == expected


def test_quarter_grades_filter_by_subtree_and_order(api_as, graded) -> None:
    rows = _rows(api_as("reviewer").get(LIST, {"branch": graded.branch_b.pk}))
    assert [r["branch_code"] for r in rows] == ["B"]
    best_first = _rows(api_as("reviewer").get(LIST, {"ordering": "-review_total", "year": 2026}))
    assert [r["score"] for r in best_first][:3] == ["100.00"] * 3 and best_first[-1]["score"] == "60.00"


def test_a_secretary_sees_only_their_branchs_grades(api_as, graded) -> None:
    assert {r["branch_code"] for r in _rows(api_as("secretary_b").get(LIST))} == {"B"}
    assert api_as("secretary_b").get(LIST, {"branch": graded.branch_a.pk}).status_code == 400


# --- year grades ------------------------------------------------------------------------------


def _year(api_as, role: str = "reviewer", **query) -> dict[str, dict]:
    return {r["branch_code"]: r for r in _rows(api_as(role).get(YEARS, {"year": 2026, **query}))}


def test_without_a_year_end_check_the_year_is_the_mean_of_the_final_quarters(api_as, graded) -> None:
    a = _year(api_as)["A"]
    assert (a["year_score"], a["year_grade"], a["year_end_score"]) == ("90.00", "good", None)
    assert [q["quarter"] for q in a["quarters"]] == [1, 2, 3, 4]


def test_the_year_end_checks_own_score_counts_once_more(api_as, graded) -> None:
    import datetime as dt

    from assessments.models import CheckRecord

    assessment_plan_create(
        organisation=graded.committee, year=2026, quarter=4, kind=PlanKind.YEAR_END, by=graded.reviewer
    )
    # The year-end check's record on A's Q4 card (final), with its own score.
    q4 = Scorecard.objects.get(branch=graded.branch_a, year=2026, quarter=4)
    day = dt.date(2026, 12, 10)
    CheckRecord.objects.create(
        scorecard=q4, kind=PlanKind.YEAR_END, started_on=day, ended_on=day, year_end_score=Decimal(80)
    )
    years = _year(api_as)
    a = years["A"]
    # (100 + 100 + 100 + 60 + 80) / 5
    assert (a["year_score"], a["year_grade"]) == ("88.00", "fairly_good")
    assert a["year_grade_label"] in ("较好", "Fairly good")
    assert a["year_end_score"] == "80.00"
    # B has no final review in Q4: the check adds nothing to its year.
    assert (years["B"]["year_score"], years["B"]["year_end_score"]) == ("70.00", None)


def test_year_grades_are_the_dashboard_exports_numbers(api_as, graded) -> None:
    assessment_plan_create(
        organisation=graded.committee, year=2026, quarter=4, kind=PlanKind.YEAR_END, by=graded.reviewer
    )
    exported = {r["code"]: r for r in year_scores(graded.committee, 2026)}
    for code, row in _year(api_as).items():
        assert Decimal(row["year_score"]) == exported[code]["year_score"]
        assert row["year_grade"] == exported[code]["year_grade"]


def test_year_grades_filter_order_and_scope(api_as, graded) -> None:
    assert list(_year(api_as, grade="average")) == ["B"]
    ranked = _rows(api_as("reviewer").get(YEARS, {"year": 2026, "ordering": "-year_score"}))
    assert [r["branch_code"] for r in ranked] == ["A", "B"]
    assert list(_year(api_as, branch=graded.branch_b.pk)) == ["B"]
    assert list(_year(api_as, "secretary_a")) == ["A"]
    last_year = {r["branch_code"]: r for r in _rows(api_as("reviewer").get(YEARS, {"year": 2025}))}
    assert (last_year["A"]["year_score"], last_year["B"]["year_score"]) == ("85.00", None)


@pytest.mark.parametrize(
    "query",
    [{"year": 1999}, {"year": "last"}, {"year": "²026"}, {"ordering": "name"}, {"grade": "great"}, {"branch": "²"}],
)
def test_bad_year_queries_are_a_400_naming_them(api_as, graded, query) -> None:
    response = api_as("reviewer").get(YEARS, query)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error" and list(error["fields"]) == list(query)


def test_a_unit_outside_the_scope_is_a_bad_year_query(api_as, graded) -> None:
    response = api_as("secretary_b").get(YEARS, {"branch": graded.branch_a.pk})
    assert response.status_code == 400 and list(response.json()["error"]["fields"]) == ["branch"]


@pytest.mark.parametrize(
    "query", [{"year": "²026"}, {"quarter": "5"}, {"grade": "great"}, {"branch": "²"}, {"branch": str(2**63)}]
)
def test_bad_quarter_grade_filters_are_a_400_naming_them(api_as, graded, query) -> None:
    response = api_as("reviewer").get(LIST, query)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error" and list(error["fields"]) == list(query)


def test_a_plain_member_reads_no_grades(api_as, graded) -> None:
    assert api_as("member").get(LIST).status_code == 403
    assert api_as("member").get(YEARS).status_code == 403
