"""核标 检查记录 over the API: the written test refused without 笔试 (the record and the
review alike), a record outside the plan."""

import pytest

from assessments.models import CheckRecord, Method, Scorecard
from tests.factories import RECORDS_REASON, open_scorecard, submit_card


@pytest.fixture
def card(world, default_edition) -> Scorecard:
    found = open_scorecard(world.branch_a)
    return submit_card(found, by=world.secretary_a, reason=RECORDS_REASON)


def test_the_api_refuses_a_written_test_score_without_the_written_test(world, card, api_as):
    url = f"/api/v1/scorecards/{card.pk}/review/"
    response = api_as("reviewer").post(
        url, {"version": card.version, "methods": ["interview"], "written_test_score": "88"}, format="json"
    )
    assert response.status_code == 400
    assert "written_test_score" in response.json()["error"]["fields"]


def test_the_api_records_the_check_and_refuses_scores_without_the_written_test(world, card, api_as):
    body = {
        "scorecard": card.pk,
        "leader": world.reviewer.pk,
        "started_on": "2026-10-10",
        "ended_on": "2026-10-11",
        "methods": [Method.DOCUMENTS],
        "written_scores": [{"person_name": "刘洋", "score": "90"}],
    }
    refused = api_as("reviewer").post("/api/v1/check-records/", body, format="json")
    assert refused.status_code == 400
    assert "written_scores" in refused.json()["error"]["fields"]
    assert not CheckRecord.objects.exists()
    body["methods"] = [Method.DOCUMENTS, Method.WRITTEN_TEST]
    made = api_as("reviewer").post("/api/v1/check-records/", body, format="json")
    assert made.status_code == 201
    data = made.json()
    assert data["in_plan"] is False and data["team"] == [world.reviewer.pk]
    assert data["written_scores"] == [{"person_name": "刘洋", "score": "90.0"}]
