"""/api/v1/findings/: the reviewer's findings through the review services, with the version check."""

import pytest
from django.urls import reverse

from assessments.models import Finding, Scorecard
from assessments.services.review import finding_add, scorecard_finalise, scorecard_mark_reviewed
from tests.conftest import World
from tests.factories import RECORDS_REASON, UserFactory, open_scorecard, rectification_item, submit_card

LIST = "/api/v1/findings/"


def _detail(finding: Finding) -> str:
    return reverse("api:finding-detail", kwargs={"pk": finding.pk})


def _error(response: object) -> dict:
    return response.json()["error"]  # type: ignore[attr-defined]


def _problems(response: object) -> list[str]:
    return sorted(r["problem"] for r in response.json()["results"])  # type: ignore[attr-defined]


@pytest.fixture
def boss(world: World):
    return UserFactory(username="boss", is_superuser=True)


@pytest.fixture
def under_review(world: World, default_edition) -> Scorecard:
    card = open_scorecard(world.branch_a, year=2026, quarter=3)
    return submit_card(card, by=world.secretary_a, reason=RECORDS_REASON)


def _article(card: Scorecard, code: str = "1-02") -> int:
    return card.lines.get(article__code=code).article_id


def _new(card: Scorecard, **fields: object) -> dict:
    return {
        "scorecard": card.pk,
        "version": card.version,
        "article": _article(card),
        "problem": "支委会记录不全",
    } | fields


# --- recording findings -----------------------------------------------------------------------


def test_the_reviewer_records_a_finding_on_a_card_under_review(api_as, under_review, world) -> None:
    response = api_as("reviewer").post(
        LIST, _new(under_review, severity="major", suggestion="补齐记录", rectify_by="2026-12-31"), format="json"
    )
    assert response.status_code == 201
    body = response.json()
    assert response["Location"] == _detail(Finding.objects.get())
    assert (body["branch"], body["year"], body["quarter"], body["article_code"]) == (world.branch_a.pk, 2026, 3, "1-02")
    assert (body["severity"], body["rectify_by"], body["rectification"]) == ("major", "2026-12-31", None)


def test_a_stale_version_is_a_conflict_and_writes_nothing(api_as, under_review) -> None:
    response = api_as("reviewer").post(LIST, _new(under_review, version=under_review.version - 1), format="json")
    assert response.status_code == 409
    assert _error(response)["code"] == "conflict"
    assert not Finding.objects.exists()


def test_an_article_not_on_the_card_is_a_field_error(api_as, under_review, world) -> None:
    from handbook.models import Article

    foreign = Article.objects.exclude(pk__in=under_review.lines.values("article_id")).first()
    article = foreign.pk if foreign else 10**17
    response = api_as("reviewer").post(LIST, _new(under_review, article=article), format="json")
    assert response.status_code == 400
    assert "article" in _error(response)["fields"]


@pytest.mark.parametrize("body", [{"problem": ""}, {"severity": "fatal"}, {"rectify_by": "someday"}, {"version": -1}])
def test_bad_input_is_a_400_with_field_errors(api_as, under_review, body) -> None:
    response = api_as("reviewer").post(LIST, _new(under_review, **body), format="json")
    assert response.status_code == 400
    assert set(body) <= set(_error(response)["fields"])


def test_a_draft_or_final_card_takes_no_finding(api_as, world, boss, default_edition) -> None:
    draft = open_scorecard(world.branch_a, year=2026, quarter=4)
    assert api_as("reviewer").post(LIST, _new(draft), format="json").status_code == 409
    final = rectification_item(world.branch_b, by=boss).finding.scorecard
    assert api_as("reviewer").post(LIST, _new(final), format="json").status_code == 409


def test_only_a_reviewer_of_the_branch_records_findings(api_as, under_review) -> None:
    assert api_as("secretary_a").post(LIST, _new(under_review), format="json").status_code == 403
    assert api_as("administrator").post(LIST, _new(under_review), format="json").status_code == 403
    assert api_as("secretary_b").post(LIST, _new(under_review), format="json").status_code == 404
    assert not Finding.objects.exists()


def test_the_reviewer_removes_a_finding_with_the_current_version_only(api_as, under_review, world) -> None:
    finding = finding_add(
        scorecard=under_review, by=world.reviewer, article_id=_article(under_review), problem="x", severity="minor"
    )
    client = api_as("reviewer")
    stale = client.delete(_detail(finding) + f"?version={under_review.version + 5}")
    assert stale.status_code == 409
    assert client.delete(_detail(finding) + f"?version={under_review.version}").status_code == 204
    assert not Finding.objects.exists()


def test_a_finding_of_a_final_review_cannot_be_removed(api_as, boss, world, default_edition) -> None:
    item = rectification_item(world.branch_a, by=boss)
    assert api_as("reviewer").delete(_detail(item.finding)).status_code == 409
    assert Finding.objects.filter(pk=item.finding_id).exists()


# --- reading ----------------------------------------------------------------------------------


def test_the_branch_sees_its_findings_once_the_review_is_final(api_as, under_review, world) -> None:
    finding = finding_add(
        scorecard=under_review,
        by=world.reviewer,
        article_id=_article(under_review),
        problem="党课未上",
        severity="minor",
    )
    assert _problems(api_as("secretary_a").get(LIST)) == []
    assert api_as("secretary_a").get(_detail(finding)).status_code == 403
    assert _problems(api_as("reviewer").get(LIST)) == ["党课未上"]
    card = scorecard_mark_reviewed(scorecard=under_review, by=world.reviewer, version=under_review.version)
    scorecard_finalise(scorecard=card, by=world.reviewer, version=card.version)
    assert _problems(api_as("secretary_a").get(LIST)) == ["党课未上"]
    body = api_as("secretary_a").get(_detail(finding)).json()
    assert body["rectification"] == finding.rectification.pk


def test_the_list_filters_by_branch_period_article_and_severity(api_as, world, boss, default_edition) -> None:
    rectification_item(world.branch_a, by=boss, quarter=1, problem="甲一季度", severity="major")
    rectification_item(world.branch_a, by=boss, quarter=2, problem="甲二季度")
    rectification_item(world.branch_b, by=boss, quarter=2, problem="乙二季度")
    client = api_as("reviewer")
    assert _problems(client.get(LIST, {"branch": world.branch_a.pk})) == ["甲一季度", "甲二季度"]
    assert _problems(client.get(LIST, {"year": 2026, "quarter": 2})) == ["乙二季度", "甲二季度"]
    assert _problems(client.get(LIST, {"severity": "major"})) == ["甲一季度"]
    code = Finding.objects.get(problem="乙二季度").article.code
    assert "乙二季度" in _problems(client.get(LIST, {"article": code}))
    assert _problems(client.get(LIST, {"article": "no-such"})) == []
    assert _problems(api_as("secretary_b").get(LIST)) == ["乙二季度"]


def test_the_list_is_ordered_and_paginated(api_as, world, boss, default_edition) -> None:
    for quarter in (1, 2, 3):
        rectification_item(world.branch_a, by=boss, quarter=quarter, problem=f"第{quarter}季度")
    client = api_as("reviewer")
    first = client.get(LIST, {"page_size": 2})
    assert first.json()["count"] == 3 and len(first.json()["results"]) == 2
    assert [r["quarter"] for r in first.json()["results"]] == [3, 2]
    oldest = client.get(LIST, {"ordering": "created_at"}).json()["results"]
    assert oldest[0]["problem"] == "第1季度"
    assert client.get(LIST, {"page": 9}).status_code == 404


@pytest.mark.parametrize("query", [{"year": "twenty"}, {"quarter": 5}, {"severity": "fatal"}, {"scorecard": -1}])
def test_bad_filters_are_a_400(api_as, query) -> None:
    assert api_as("reviewer").get(LIST, query).status_code == 400


@pytest.mark.parametrize(
    "query", [{"branch": "²"}, {"scorecard": "²"}, {"year": "1999"}, {"quarter": "5"}, {"severity": "fatal"}]
)
def test_a_bad_filter_of_the_list_is_a_400_naming_it(api_as, world, query) -> None:
    response = api_as("reviewer").get(LIST, query)
    assert response.status_code == 400
    assert _error(response)["code"] == "validation_error" and list(_error(response)["fields"]) == list(query)


def test_a_unit_outside_the_scope_is_not_a_filter_of_the_findings(api_as, world) -> None:
    response = api_as("secretary_a").get(LIST, {"branch": world.branch_b.pk})
    assert response.status_code == 400 and list(_error(response)["fields"]) == ["branch"]
