"""/api/v1/rectification-items/: 整改 through the services of the HTML pages."""

import datetime as dt

import pytest
from django.urls import reverse

from assessments.models import RectificationItem, RectificationStatus
from assessments.services.rectification import rectification_report, rectification_verify
from tests.conftest import World
from tests.factories import UserFactory, rectification_item

LIST = "/api/v1/rectification-items/"


def _url(name: str, item: RectificationItem) -> str:
    return reverse(f"api:rectification-item-{name}", kwargs={"pk": item.pk})


def _error(response: object) -> dict:
    return response.json()["error"]  # type: ignore[attr-defined]


@pytest.fixture
def boss(world: World):
    return UserFactory(username="boss", is_superuser=True)


@pytest.fixture
def items(world: World, boss) -> dict[str, RectificationItem]:
    """A's item of 2026Q1 (long overdue), A's of 2026Q2, B's of 2026Q2."""
    return {
        "a_old": rectification_item(world.branch_a, by=boss, quarter=1, problem="党课记录缺失"),
        "a": rectification_item(
            world.branch_a,
            by=boss,
            quarter=2,
            problem="组织生活会未召开",
            rectify_by=dt.date.today() + dt.timedelta(days=30),
        ),
        "b": rectification_item(world.branch_b, by=boss, quarter=2, problem="乙支部台账不全"),
    }


def _problems(response: object) -> list[str]:
    return [r["problem"] for r in response.json()["results"]]  # type: ignore[attr-defined]


# --- reading ----------------------------------------------------------------------------------


def test_a_secretary_lists_only_their_own_branchs_items(api_as, items) -> None:
    response = api_as("secretary_a").get(LIST)
    assert response.status_code == 200
    assert sorted(_problems(response)) == ["党课记录缺失", "组织生活会未召开"]


def test_the_reviewer_lists_every_branch_below_them_by_deadline(api_as, items) -> None:
    assert _problems(api_as("reviewer").get(LIST)) == ["党课记录缺失", "乙支部台账不全", "组织生活会未召开"]
    newest_first = api_as("reviewer").get(LIST, {"ordering": "-deadline"})
    assert _problems(newest_first)[0] == "组织生活会未召开"


def test_an_item_says_who_owns_it_and_where_it_came_from(api_as, items, world) -> None:
    body = api_as("secretary_a").get(_url("detail", items["a"])).json()
    assert body["branch"] == world.branch_a.pk
    assert body["owner"] == world.secretary_a.pk and body["owner_name"] == "甲支部书记"
    assert (body["year"], body["quarter"], body["status"], body["is_overdue"]) == (2026, 2, "open", False)
    assert body["finding"] == items["a"].finding_id


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"overdue": "true"}, ["党课记录缺失", "乙支部台账不全"]),
        ({"overdue": "false"}, ["组织生活会未召开"]),
        ({"status": "open", "article": "x-99"}, []),
        ({"status": "closed"}, []),
    ],
)
def test_the_list_filters(api_as, items, query, expected) -> None:
    assert _problems(api_as("reviewer").get(LIST, query)) == expected


def test_the_list_filters_by_branch_subtree_and_by_article(api_as, items, world) -> None:
    assert _problems(api_as("reviewer").get(LIST, {"branch": world.branch_b.pk})) == ["乙支部台账不全"]
    assert len(_problems(api_as("reviewer").get(LIST, {"branch": world.general.pk}))) == 3
    code = items["b"].article_code
    assert "乙支部台账不全" in _problems(api_as("reviewer").get(LIST, {"article": code}))


def test_the_list_filters_by_owner_and_mine(api_as, items, world) -> None:
    client = api_as("reviewer")
    client.post(_url("assign", items["a"]), {"owner": world.member.pk}, format="json")
    assert _problems(client.get(LIST, {"owner": world.member.pk})) == ["组织生活会未召开"]
    assert _problems(api_as("secretary_a").get(LIST, {"mine": "true"})) == ["党课记录缺失"]


def test_another_branch_as_a_filter_is_a_400_that_names_nothing(api_as, items, world) -> None:
    response = api_as("secretary_a").get(LIST, {"branch": world.branch_b.pk})
    assert response.status_code == 400
    assert "branch" in _error(response)["fields"]
    assert world.branch_b.name not in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [{"overdue": "perhaps"}, {"mine": "null"}, {"owner": "²"}, {"owner": "0"}, {"status": "lost"}, {"branch": "x"}],
)
def test_a_bad_filter_is_a_400_naming_it(api_as, items, query) -> None:
    response = api_as("reviewer").get(LIST, query)
    assert response.status_code == 400
    assert _error(response)["code"] == "validation_error" and list(_error(response)["fields"]) == list(query)


def test_empty_filters_filter_nothing(api_as, items) -> None:
    every = api_as("reviewer").get(LIST).json()["count"]
    empty = {name: "" for name in ("branch", "status", "overdue", "owner", "mine", "article")}
    assert api_as("reviewer").get(LIST, empty).json()["count"] == every > 0


@pytest.mark.parametrize("query", [{"overdue": "maybe"}, {"status": "lost"}, {"owner": "me"}, {"page": 99}])
def test_bad_filters_are_refused_cleanly(api_as, items, query) -> None:
    assert api_as("reviewer").get(LIST, query).status_code in (400, 404)


# --- report, verify, assign -------------------------------------------------------------------


def test_the_branch_reports_and_the_reviewer_closes_the_item(api_as, items, world) -> None:
    item = items["a"]
    response = api_as("secretary_a").post(
        _url("report", item), {"action_taken": "已补开组织生活会", "evidence": "会议记录第3页"}, format="json"
    )
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["evidence"]) == ("done", "会议记录第3页")
    response = api_as("reviewer").post(_url("verify", item), {"decision": "close"}, format="json")
    assert response.status_code == 200
    item.refresh_from_db()
    assert (item.status, item.closed_by) == (RectificationStatus.CLOSED, world.reviewer)


def test_the_reviewer_sends_an_item_back_only_with_a_reason(api_as, items, world) -> None:
    item = rectification_report(item=items["a"], by=world.secretary_a, action_taken="已补开")
    client = api_as("reviewer")
    refused = client.post(_url("verify", item), {"decision": "send_back"}, format="json")
    assert refused.status_code == 400
    response = client.post(_url("verify", item), {"decision": "send_back", "reason": "记录不全"}, format="json")
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["sent_back_reason"]) == ("open", "记录不全")


def test_reporting_twice_or_verifying_an_open_item_is_a_conflict(api_as, items, world) -> None:
    item = items["a"]
    api_as("secretary_a").post(_url("report", item), {"action_taken": "已补开"}, format="json")
    again = api_as("secretary_a").post(_url("report", item), {"action_taken": "再次上报"}, format="json")
    assert again.status_code == 409
    assert _error(again)["code"] == "conflict"
    assert api_as("reviewer").post(_url("verify", items["b"]), {"decision": "close"}, format="json").status_code == 409
    rectification_verify(item=item, by=world.reviewer, accept=True)
    closed = api_as("reviewer").post(_url("assign", item), {"owner": world.member.pk}, format="json")
    assert closed.status_code == 409


def test_a_report_needs_what_was_done(api_as, items) -> None:
    response = api_as("secretary_a").post(_url("report", items["a"]), {"action_taken": "  "}, format="json")
    assert response.status_code == 400
    assert "action_taken" in _error(response)["fields"]
    assert RectificationItem.objects.get(pk=items["a"].pk).status == RectificationStatus.OPEN


def test_the_owner_must_be_someone_of_the_branch(api_as, items, world) -> None:
    for stranger in (world.secretary_b.pk, world.reviewer.pk, 10**17):
        response = api_as("reviewer").post(_url("assign", items["a"]), {"owner": stranger}, format="json")
        assert response.status_code == 400
        # The interface language by default (Chinese), like every message of the API.
        assert _error(response)["fields"]["owner"] == ["责任人必须是本支部的支部书记或党员。"]
    response = api_as("secretary_a").post(_url("assign", items["a"]), {"owner": world.member.pk}, format="json")
    assert response.status_code == 200
    assert (response.json()["owner"], response.json()["owner_name"]) == (world.member.pk, "普通党员")
    response = api_as("reviewer").post(_url("assign", items["a"]), {"owner": None}, format="json")
    assert (response.json()["owner"], response.json()["owner_name"]) == (None, "")


def test_the_branch_may_name_another_owner_when_it_reports(api_as, items, world) -> None:
    response = api_as("secretary_a").post(
        _url("report", items["a"]), {"action_taken": "已补开", "owner": world.member.pk}, format="json"
    )
    assert response.json()["owner"] == world.member.pk


def test_another_branchs_item_is_a_404_for_every_action(api_as, items, world) -> None:
    client = api_as("secretary_b")
    for name, body in (("detail", None), ("report", {"action_taken": "x"}), ("assign", {"owner": None})):
        method = client.get if body is None else client.post
        response = method(_url(name, items["a"]), body, format="json") if body else method(_url(name, items["a"]))
        assert response.status_code == 404
    assert RectificationItem.objects.get(pk=items["a"].pk).status == RectificationStatus.OPEN
