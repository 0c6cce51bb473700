"""/api/v1/scorecards/: the quarterly scorecard over the API, through the same selectors and
services as the pages; every write names the version it read."""

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import LineDeduction, Scorecard, ScorecardStatus, ScoreChange
from assessments.services.review import finding_add, scorecard_finalise, scorecard_mark_reviewed
from assessments.services.scorecards import current_quarter
from tests.api.conftest import api_client_for
from tests.factories import RECORDS_REASON, UserFactory, make_edition, make_org, open_scorecard, submit_card

LIST = "/api/v1/scorecards/"
STALE = "Someone else saved this scorecard in the meantime. Nothing was changed: reload the page and try again."


@pytest.fixture
def api_as(world):
    """As tests/api's ``api_as``, asking for English: the messages are read as their source strings."""

    def make(role: str):
        client = api_client_for(world, role)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return make


def _url(card: Scorecard, action: str = "") -> str:
    if not action:
        return reverse("api:scorecard-detail", kwargs={"pk": card.pk})
    return reverse(f"api:scorecard-{action}", kwargs={"pk": card.pk})


def _error(response: object) -> dict:
    return response.json()["error"]  # type: ignore[attr-defined]


def _version(card: Scorecard) -> int:
    return Scorecard.objects.values_list("version", flat=True).get(pk=card.pk)


def _lines(card: Scorecard) -> list:
    return list(card.lines.select_related("article").order_by("article__code"))


def _rules(line: object) -> list[int]:
    return list(line.article.deductions.order_by("position", "pk").values_list("pk", flat=True))  # type: ignore[attr-defined]


@pytest.fixture
def card(world) -> Scorecard:
    return open_scorecard(world.branch_a, deadline=dt.date(2099, 1, 10))


def _submitted(world, card: Scorecard) -> Scorecard:
    return submit_card(card, by=world.secretary_a, reason=RECORDS_REASON)


# --- the whole life of a card ------------------------------------------------------------------


def test_a_card_goes_through_every_state_over_the_api_and_ends_with_a_feedback_pdf(
    world, api_as, card, django_capture_on_commit_callbacks
) -> None:
    secretary, reviewer = api_as("secretary_a"), api_as("reviewer")
    first, second = _lines(card)[:2]
    rule = _rules(first)[0]  # −1 each time, at most −3

    # 对标: the secretary saves two lines at once, with the ETag as If-Match.
    etag = secretary.get(_url(card))["ETag"]
    body = {
        "lines": [
            {"line": first.pk, "deductions": [{"rule": rule, "count": 2}], "note": "少开两次支委会"},
            {"line": second.pk, "deductions": [], "evidence": "会议记录本"},
        ]
    }
    response = secretary.post(_url(card, "lines"), body, HTTP_IF_MATCH=etag)
    assert response.status_code == 200, response.content
    saved = response.json()
    assert saved["version"] == card.version + 1  # one write, all or none: one new version
    assert response["ETag"] == f'"{saved["version"]}"'
    assert Decimal(saved["self_total"]) == Decimal(98)
    line = next(x for x in saved["lines"] if x["id"] == first.pk)
    assert (Decimal(line["self_score"]), line["note"]) == (first.max_score - 2, "少开两次支委会")
    assert [(d["rule"], d["self_count"]) for d in line["deductions"] if d["self_count"]] == [(rule, 2)]

    response = secretary.post(_url(card, "submit"), {"version": saved["version"]})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "submitted"
    assert response.json()["can_edit"] is False

    # 核标: returned with a reason, saved again, submitted again.
    response = reviewer.post(_url(card, "return"), {"reason": "请补充佐证资料"}, HTTP_IF_MATCH=response["ETag"])
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["return_reason"]) == ("returned", "请补充佐证资料")
    version = response.json()["version"]
    body = {"version": version, "lines": [{"line": first.pk, "deductions": [{"rule": rule, "count": 1}]}]}
    response = secretary.post(_url(card, "lines"), body)
    assert response.status_code == 200, response.content
    assert next(x for x in response.json()["lines"] if x["id"] == first.pk)["note"] == "少开两次支委会"  # kept
    response = secretary.post(_url(card, "submit"), {}, HTTP_IF_MATCH=response["ETag"])
    assert response.status_code == 200, response.content

    # The reviewer scores a line, the methods and the written test, then completes and finalises.
    body = {
        "lines": [
            {"line": second.pk, "deductions": [{"rule": _rules(second)[0], "count": 3}], "review_note": "缺记录"}
        ],
        "methods": ["documents", "written_test"],
        "written_test_score": "88.5",
    }
    response = reviewer.post(_url(card, "review"), body, HTTP_IF_MATCH=response["ETag"])
    assert response.status_code == 200, response.content
    reviewed = response.json()
    assert reviewed["methods"] == ["documents", "written_test"]
    assert reviewed["written_test_score"] == "88.5"
    assert Decimal(reviewed["review_total"]) == Decimal(96)  # the branch's −1 carried over, and −3
    response = reviewer.post(_url(card, "mark-reviewed"), {"version": reviewed["version"]})
    assert response.status_code == 200, response.content
    assert response.json()["grade"] == "good"
    with django_capture_on_commit_callbacks(execute=True):
        response = reviewer.post(_url(card, "finalise"), {"version": response.json()["version"]})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "final"

    # 优标: the branch downloads the sheet and acknowledges it.
    response = secretary.get(_url(card, "feedback"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "attachment" in response["Content-Disposition"]
    response = secretary.post(_url(card, "acknowledge"), {})
    assert response.status_code == 200, response.content
    assert response.json()["acknowledged_at"] is not None
    assert ScoreChange.objects.filter(scorecard=card, action="returned").count() == 1


def test_the_secretary_opens_this_quarters_card_once(world, api_as) -> None:
    make_edition()
    client = api_as("secretary_a")
    response = client.post(LIST, {"branch": world.branch_a.pk})
    assert response.status_code == 201, response.content
    year, quarter = current_quarter()
    assert response.json()["period"] == f"{year}Q{quarter}"
    assert len(response.json()["lines"]) == 4
    assert response["Location"] == reverse("api:scorecard-detail", kwargs={"pk": response.json()["id"]})
    again = client.post(LIST, {"branch": world.branch_a.pk})
    assert (again.status_code, again.json()["id"]) == (200, response.json()["id"])


def test_a_group_has_no_scorecard(world, api_as) -> None:
    make_edition()
    response = api_as("secretary_a").post(LIST, {"branch": world.group_a1.pk})
    assert response.status_code == 400
    assert not Scorecard.objects.exists()


# --- versions ------------------------------------------------------------------------------------


def test_the_etag_is_the_version_and_changes_with_every_write(world, api_as, card) -> None:
    client = api_as("secretary_a")
    before = client.get(_url(card))
    assert before["ETag"] == f'"{card.version}"'
    line = _lines(card)[0]
    body = {"lines": [{"line": line.pk, "deductions": []}]}
    after = client.post(_url(card, "lines"), body, HTTP_IF_MATCH=before["ETag"])
    assert after["ETag"] == f'"{card.version + 1}"' == client.get(_url(card))["ETag"]


def test_a_stale_version_is_a_409_and_changes_nothing(world, api_as, card) -> None:
    client = api_as("secretary_a")
    line = _lines(card)[0]
    rule = _rules(line)[0]
    etag = client.get(_url(card))["ETag"]
    first = {"lines": [{"line": line.pk, "deductions": [{"rule": rule, "count": 1}], "note": "第一次"}]}
    assert client.post(_url(card, "lines"), first, HTTP_IF_MATCH=etag).status_code == 200
    saved = Scorecard.objects.get(pk=card.pk)
    changes = ScoreChange.objects.count()

    # A second client still holding the first ETag.
    second = {"lines": [{"line": line.pk, "deductions": [{"rule": rule, "count": 3}], "note": "第二次"}]}
    for response in (
        client.post(_url(card, "lines"), second, HTTP_IF_MATCH=etag),
        client.post(_url(card, "lines"), {**second, "version": card.version}),
        client.post(_url(card, "submit"), {}, HTTP_IF_MATCH=f"W/{etag}"),
    ):
        assert response.status_code == 409
        assert _error(response) == {"code": "conflict", "message": STALE}
    line.refresh_from_db()
    assert (line.note, line.self_score) == ("第一次", line.max_score - 1)
    assert LineDeduction.objects.get(line=line).count == 1
    now = Scorecard.objects.get(pk=card.pk)
    assert (now.version, now.status, now.self_total) == (saved.version, ScorecardStatus.DRAFT, saved.self_total)
    assert ScoreChange.objects.count() == changes


def test_two_clients_saving_different_lines_with_line_versions_both_succeed(world, api_as, card) -> None:
    one, two = api_as("secretary_a"), api_as("secretary_a")
    read = one.get(_url(card)).json()["lines"]
    first, second = read[0], read[1]
    assert (first["version"], first["saved_by"], first["looked_at"]) == (1, None, None)
    body = {"lines": [{"line": first["id"], "deductions": [], "note": "甲", "version": first["version"]}]}
    assert one.post(_url(card, "lines"), body).status_code == 200
    # The second client read the card before the first saved; it names only its line's version.
    body = {"lines": [{"line": second["id"], "deductions": [], "note": "乙", "version": second["version"]}]}
    response = two.post(_url(card, "lines"), body)
    assert response.status_code == 200, response.content
    lines = {x["id"]: x for x in response.json()["lines"]}
    assert (lines[first["id"]]["note"], lines[second["id"]]["note"]) == ("甲", "乙")
    assert (lines[second["id"]]["version"], lines[second["id"]]["saved_by"]) == (2, "甲支部书记")
    assert lines[second["id"]]["looked_at"] is not None


def test_a_stale_line_version_is_a_409_naming_who_saved_it_and_all_or_none_is_kept(world, api_as, card) -> None:
    client = api_as("secretary_a")
    first, second = _lines(card)[:2]
    client.post(_url(card, "lines"), {"lines": [{"line": first.pk, "deductions": [], "note": "先", "version": 1}]})
    changes = ScoreChange.objects.count()
    body = {
        "lines": [
            {"line": second.pk, "deductions": [], "note": "不应保存", "version": 1},
            {"line": first.pk, "deductions": [], "note": "后", "version": 1},
        ]
    }
    response = client.post(_url(card, "lines"), body)
    assert response.status_code == 409
    assert _error(response)["message"].startswith("甲支部书记 saved this line at ")
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.note, first.version, second.note, second.version) == ("先", 2, "", 1)
    assert ScoreChange.objects.count() == changes


def test_lines_without_a_line_version_still_need_the_cards(world, api_as, card) -> None:
    first, second = _lines(card)[:2]
    body = {"lines": [{"line": first.pk, "deductions": [], "version": 1}, {"line": second.pk, "deductions": []}]}
    response = api_as("secretary_a").post(_url(card, "lines"), body)
    assert response.status_code == 400
    assert "version" in _error(response)["fields"]


def test_a_write_must_name_a_version(world, api_as, card) -> None:
    client = api_as("secretary_a")
    response = client.post(_url(card, "submit"), {})
    assert response.status_code == 400
    assert "version" in _error(response)["fields"]
    response = client.post(_url(card, "submit"), {}, HTTP_IF_MATCH="*")
    assert "If-Match" in _error(response)["fields"]
    response = client.post(_url(card, "submit"), {"version": card.version + 1}, HTTP_IF_MATCH=f'"{card.version}"')
    assert response.status_code == 400
    assert _version(card) == card.version
    assert Scorecard.objects.get(pk=card.pk).status == ScorecardStatus.DRAFT


def test_the_schema_documents_if_match_and_the_etag(world, api_as) -> None:
    schema = api_as("anonymous").get(reverse("api:schema"), {"format": "json"}).json()
    submit = schema["paths"]["/api/v1/scorecards/{id}/submit/"]["post"]
    assert "If-Match" in [p["name"] for p in submit["parameters"] if p["in"] == "header"]
    assert "409" in submit["responses"]
    assert "ETag" in schema["paths"]["/api/v1/scorecards/{id}/"]["get"]["responses"]["200"]["headers"]
    feedback = schema["paths"]["/api/v1/scorecards/{id}/feedback/"]["get"]["responses"]
    assert "application/pdf" in feedback["200"]["content"]


# --- states ----------------------------------------------------------------------------------------


def test_a_submitted_card_refuses_the_branchs_writes_with_409(world, api_as, card) -> None:
    card = _submitted(world, card)
    client = api_as("secretary_a")
    line = _lines(card)[0]
    response = client.post(
        _url(card, "lines"), {"version": card.version, "lines": [{"line": line.pk, "deductions": []}]}
    )
    assert response.status_code == 409
    assert _error(response)["message"] == "This scorecard is Submitted and cannot be changed."
    assert client.post(_url(card, "submit"), {"version": card.version}).status_code == 409
    assert _version(card) == card.version


def test_a_final_card_refuses_every_write_with_409(world, api_as, card) -> None:
    card = _submitted(world, card)
    card = scorecard_mark_reviewed(scorecard=card, by=world.reviewer, version=card.version)
    card = scorecard_finalise(scorecard=card, by=world.reviewer, version=card.version)
    reviewer, secretary = api_as("reviewer"), api_as("secretary_a")
    line = _lines(card)[0]
    for client, action, body in [
        (reviewer, "review", {"methods": ["documents"]}),
        (reviewer, "return", {"reason": "再看看"}),
        (reviewer, "mark-reviewed", {}),
        (reviewer, "finalise", {}),
        (secretary, "lines", {"lines": [{"line": line.pk, "deductions": []}]}),
        (secretary, "submit", {}),
    ]:
        response = client.post(_url(card, action), {**body, "version": card.version})
        assert response.status_code == 409, (action, response.content)
    assert _version(card) == card.version


def test_the_feedback_sheet_is_a_409_until_it_is_made(world, api_as, card) -> None:
    response = api_as("secretary_a").get(_url(card, "feedback"))
    assert response.status_code == 409
    assert _error(response)["message"] == "The feedback sheet is made once the review is final."
    assert api_as("secretary_a").post(_url(card, "acknowledge"), {}).status_code == 409


# --- who may do what -----------------------------------------------------------------------------


def test_each_step_is_for_its_role_only(world, api_as, card) -> None:
    line = _lines(card)[0]
    save = {"version": card.version, "lines": [{"line": line.pk, "deductions": []}]}
    for role in ("reviewer", "administrator", "member"):
        assert api_as(role).post(_url(card, "lines"), save).status_code == 403, role
        assert api_as(role).post(_url(card, "submit"), {"version": card.version}).status_code == 403, role
    card = _submitted(world, card)
    for role in ("secretary_a", "administrator", "member"):
        response = api_as(role).post(_url(card, "return"), {"version": card.version, "reason": "x"})
        assert response.status_code == 403, role
        assert _error(response)["code"] == "permission_denied"
        assert api_as(role).post(_url(card, "review"), {"version": card.version, "methods": []}).status_code == 403
    assert _version(card) == card.version


def test_another_branchs_card_is_not_found(world, api_as, card) -> None:
    client = api_as("secretary_b")
    line = _lines(card)[0]
    assert client.get(_url(card)).status_code == 404
    response = client.post(
        _url(card, "lines"), {"version": card.version, "lines": [{"line": line.pk, "deductions": []}]}
    )
    assert response.status_code == 404
    assert client.post(_url(card, "submit"), {"version": card.version}).status_code == 404
    assert _version(card) == card.version


def test_the_branch_sees_the_reviewers_scores_only_once_final(world, api_as, card) -> None:
    card = _submitted(world, card)
    line = _lines(card)[0]
    body = {
        "version": card.version,
        "lines": [{"line": line.pk, "deductions": [{"rule": _rules(line)[0], "count": 2}]}],
    }
    assert api_as("reviewer").post(_url(card, "review"), body).status_code == 200
    for role, shown in [("secretary_a", False), ("reviewer", True), ("administrator", True)]:
        data = api_as(role).get(_url(card)).json()
        first = next(x for x in data["lines"] if x["id"] == line.pk)
        assert (data["review_total"] is not None) is shown, role
        assert (first["review_score"] is not None) is shown, role
        assert (first["deductions"][0]["review_count"] == 2) is shown, role
        listed = api_as(role).get(LIST).json()["results"][0]
        assert (listed["review_total"] is not None) is shown, role
    card.refresh_from_db()
    card = scorecard_mark_reviewed(scorecard=card, by=world.reviewer, version=card.version)
    scorecard_finalise(scorecard=card, by=world.reviewer, version=card.version)
    data = api_as("secretary_a").get(_url(card)).json()
    assert (data["review_total"], data["grade"]) == ("98.00", "good")


def test_open_rectification_items_of_earlier_quarters_are_focus_items_on_their_line(world, api_as) -> None:
    earlier = _submitted(world, open_scorecard(world.branch_a, year=2026, quarter=2))
    line = _lines(earlier)[0]
    finding_add(scorecard=earlier, by=world.reviewer, article_id=line.article_id, problem="记录不全", severity="major")
    earlier = scorecard_mark_reviewed(scorecard=earlier, by=world.reviewer, version=earlier.version)
    scorecard_finalise(scorecard=earlier, by=world.reviewer, version=earlier.version)
    card = open_scorecard(world.branch_a, year=2026, quarter=3)
    lines = api_as("secretary_a").get(_url(card)).json()["lines"]
    focus = {x["article_code"]: x["focus_items"] for x in lines}
    assert [item["problem"] for item in focus[line.article.code]] == ["记录不全"]
    assert sum(len(items) for items in focus.values()) == 1


# --- bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [-1, 1000, "many", 1.5, None])
def test_a_count_out_of_range_is_a_400_and_changes_nothing(world, api_as, card, count) -> None:
    line = _lines(card)[0]
    body = {
        "version": card.version,
        "lines": [{"line": line.pk, "deductions": [{"rule": _rules(line)[0], "count": count}]}],
    }
    response = api_as("secretary_a").post(_url(card, "lines"), body)
    assert response.status_code == 400
    assert "lines.0.deductions.0.count" in _error(response)["fields"]
    assert not LineDeduction.objects.exists()
    assert _version(card) == card.version


def test_a_rule_or_line_of_something_else_is_a_400_and_no_line_is_saved(world, api_as, card) -> None:
    client = api_as("secretary_a")
    first, second = _lines(card)[:2]
    other = open_scorecard(world.branch_b)
    good = {"line": first.pk, "deductions": [{"rule": _rules(first)[0], "count": 1}], "note": "不应保存"}
    response = client.post(
        _url(card, "lines"),
        {
            "version": card.version,
            "lines": [good, {"line": second.pk, "deductions": [{"rule": _rules(first)[0], "count": 1}]}],
        },
    )
    assert response.status_code == 400
    assert _error(response)["fields"] == {"lines.1": ["That deduction rule does not belong to this article."]}
    response = client.post(
        _url(card, "lines"), {"version": card.version, "lines": [good, {"line": _lines(other)[0].pk, "deductions": []}]}
    )
    assert response.status_code == 400
    assert list(_error(response)["fields"]) == ["lines.1.line"]
    first.refresh_from_db()
    assert (first.note, first.self_score) == ("", first.max_score)
    assert _version(card) == card.version


@pytest.mark.parametrize(
    "body",
    [
        {"lines": []},
        {"lines": "all"},
        {"lines": [{"line": 1}]},
        {"lines": [{"line": 10**20, "deductions": []}]},
        {"lines": [{"line": 1, "deductions": [{"rule": 1, "count": 1}, {"rule": 1, "count": 2}]}]},
        {"lines": [{"line": 1, "deductions": [], "note": "长" * 2001}]},
    ],
)
def test_a_malformed_save_is_a_400(world, api_as, card, body) -> None:
    response = api_as("secretary_a").post(_url(card, "lines"), {"version": card.version, **body})
    assert response.status_code == 400
    assert _error(response)["code"] == "validation_error"


@pytest.mark.parametrize(
    "body",
    [{}, {"methods": ["guessing"]}, {"written_test_score": "100.5"}, {"written_test_score": "NaN"}, {"lines": [{}]}],
)
def test_a_malformed_review_is_a_400(world, api_as, card, body) -> None:
    card = _submitted(world, card)
    response = api_as("reviewer").post(_url(card, "review"), {"version": card.version, **body})
    assert response.status_code == 400
    assert _version(card) == card.version


def test_a_return_needs_a_reason(world, api_as, card) -> None:
    card = _submitted(world, card)
    response = api_as("reviewer").post(_url(card, "return"), {"version": card.version, "reason": "  "})
    assert response.status_code == 400
    assert Scorecard.objects.get(pk=card.pk).status == ScorecardStatus.SUBMITTED


# --- the list ---------------------------------------------------------------------------------------


@pytest.fixture
def cards(world) -> dict[str, Scorecard]:
    make_edition()
    a3 = open_scorecard(world.branch_a, year=2026, quarter=3, deadline=dt.date(2026, 1, 1))
    return {
        "a3": submit_card(a3, by=world.secretary_a, reason=RECORDS_REASON),  # late
        "a2": open_scorecard(world.branch_a, year=2026, quarter=2),
        "b3": open_scorecard(world.branch_b, year=2026, quarter=3),
    }


def _ids(response: object) -> list[int]:
    return [row["id"] for row in response.json()["results"]]  # type: ignore[attr-defined]


def test_the_list_filters_by_quarter_unit_status_and_lateness(world, api_as, cards) -> None:
    client = api_as("reviewer")
    assert sorted(_ids(client.get(LIST))) == sorted(c.pk for c in cards.values())
    assert sorted(_ids(client.get(LIST, {"period": "2026Q3"}))) == sorted([cards["a3"].pk, cards["b3"].pk])
    assert sorted(_ids(client.get(LIST, {"year": 2026, "quarter": 3}))) == sorted([cards["a3"].pk, cards["b3"].pk])
    assert _ids(client.get(LIST, {"quarter": 2})) == [cards["a2"].pk]
    assert sorted(_ids(client.get(LIST, {"branch": world.branch_a.pk}))) == sorted([cards["a3"].pk, cards["a2"].pk])
    assert _ids(client.get(LIST, {"status": "submitted"})) == [cards["a3"].pk]
    assert _ids(client.get(LIST, {"late": "true"})) == [cards["a3"].pk]
    assert _ids(client.get(LIST, {"period": "2026Q3", "search": "二号"})) == [cards["b3"].pk]
    row = client.get(LIST, {"late": "true"}).json()["results"][0]
    assert (row["branch"], row["branch_name"], row["period"], row["is_late"]) == (
        world.branch_a.pk,
        "一号项目部党支部",
        "2026Q3",
        True,
    )


def test_the_list_orders_and_pages(world, api_as, cards) -> None:
    client = api_as("reviewer")
    assert _ids(client.get(LIST)) == [cards["a3"].pk, cards["b3"].pk, cards["a2"].pk]
    assert _ids(client.get(LIST, {"ordering": "year,quarter,-branch__code"})) == [
        cards["a2"].pk,
        cards["b3"].pk,
        cards["a3"].pk,
    ]
    page = client.get(LIST, {"page_size": 2, "page": 2}).json()
    assert (page["count"], len(page["results"]), page["next"]) == (3, 1, None)
    assert client.get(LIST, {"page": 9}).status_code == 404


def test_a_secretary_lists_only_their_branchs_cards(world, api_as, cards) -> None:
    assert sorted(_ids(api_as("secretary_a").get(LIST))) == sorted([cards["a3"].pk, cards["a2"].pk])
    assert _ids(api_as("secretary_b").get(LIST)) == [cards["b3"].pk]


@pytest.mark.parametrize(
    "query",
    [
        {"period": "2026Q5"},
        {"period": "soon"},
        {"period": "²026Q1"},
        {"year": "²026"},
        {"quarter": "1.5"},
        {"branch": "²"},
        {"quarter": 5},
        {"status": "lost"},
        {"late": "perhaps"},
        {"branch": "x"},
    ],
)
def test_a_bad_filter_is_a_400(world, api_as, cards, query) -> None:
    response = api_as("reviewer").get(LIST, query)
    assert response.status_code == 400
    assert list(_error(response)["fields"]) == list(query)


def test_a_unit_outside_the_scope_is_a_400_and_shows_nothing(world, api_as, cards) -> None:
    response = api_as("secretary_a").get(LIST, {"branch": world.branch_b.pk})
    assert response.status_code == 400
    assert "二号" not in response.content.decode()


def test_the_list_takes_as_many_queries_for_many_cards_as_for_one(world, api_as) -> None:
    make_edition()
    client = api_as("reviewer")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(LIST, {"period": "2026Q3"}).status_code == 200
        return len(captured)

    boss = UserFactory(username="boss", is_superuser=True)
    open_scorecard(world.branch_a)
    queries()  # the token's first use is written down once
    one = queries()
    for n in range(6):
        card = open_scorecard(make_org(world.general, name=f"测试支部{n}", code=f"T{n}"))
        if n % 2:
            submit_card(card, by=boss, reason=RECORDS_REASON)
    assert client.get(LIST, {"period": "2026Q3"}).json()["count"] == 7
    assert queries() == one
