"""/api/v1/tasks/ and /api/v1/task-evidence/: the task life cycle through tasks.selectors and
tasks.services, as on the web pages (the role × endpoint table is in endpoints.py)."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from handbook.models import Article, Edition
from tasks.models import EventKind, Notification, Task, TaskStatus
from tasks.periods import local_today
from tasks.services import task_complete, task_supervise
from tests.conftest import World
from tests.factories import make_task

LIST = "/api/v1/tasks/"


def _url(name: str, task: Task) -> str:
    return reverse(f"api:task-{name}", kwargs={"pk": task.pk})


def _error(response: object) -> dict:
    return response.json()["error"]  # type: ignore[attr-defined]


def _ids(response: object) -> list[int]:
    return [row["id"] for row in response.json()["results"]]  # type: ignore[attr-defined]


@pytest.fixture
def articles(default_edition: Edition) -> dict[str, Article]:
    by_frequency = {}
    for article in default_edition.articles.order_by("code"):
        by_frequency.setdefault(article.frequency, article)
    return by_frequency


@pytest.fixture
def task_a(world: World, articles: dict[str, Article]) -> Task:
    """An open monthly task of branch A, due in the future."""
    return make_task(world.branch_a, articles["monthly"], due_on=local_today() + dt.timedelta(days=5))


@pytest.fixture
def done_a(world: World, task_a: Task) -> Task:
    return task_complete(task=task_a, by=world.secretary_a, note="已召开支委会")


def _complete(client: object, task: Task, data: dict) -> object:
    """Completes with evidence as a browser or script would: multipart/form-data."""
    return client.post(_url("complete", task), data, format="multipart")  # type: ignore[attr-defined]


def _pdf(name: str = "记录.pdf", content: bytes = b"%PDF-1.4 record") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


# --- the list -------------------------------------------------------------------------------


@pytest.fixture
def spread(world: World, articles: dict[str, Article]) -> dict[str, Task]:
    today = local_today()
    monthly, quarterly = articles["monthly"], articles["quarterly"]
    tasks = {
        "a_open": make_task(world.branch_a, monthly, due_on=today + dt.timedelta(days=3), period_key="2026-12"),
        "a_overdue": make_task(world.branch_a, monthly, due_on=today - dt.timedelta(days=3), period_key="2026-10"),
        "a_mine": make_task(
            world.branch_a, quarterly, due_on=today + dt.timedelta(days=9), period_key="2026-Q4", assignee=world.member
        ),
        "b_open": make_task(world.branch_b, monthly, due_on=today + dt.timedelta(days=3), period_key="2026-12"),
    }
    tasks["a_done"] = task_complete(
        task=make_task(world.branch_a, monthly, due_on=today - dt.timedelta(days=30), period_key="2026-09"),
        by=world.secretary_a,
        note="done",
    )
    return tasks


def test_a_secretary_lists_only_their_own_branchs_tasks(api_as, world: World, spread) -> None:
    response = api_as("secretary_a").get(LIST)
    assert response.status_code == 200
    rows = response.json()["results"]
    assert {row["id"] for row in rows} == {spread[k].pk for k in ("a_open", "a_overdue", "a_mine", "a_done")}
    assert {row["branch"] for row in rows} == {world.branch_a.pk}
    assert world.branch_b.name not in response.content.decode()


def test_the_reviewer_lists_every_branch_below_them(api_as, spread) -> None:
    assert set(_ids(api_as("reviewer").get(LIST))) == {task.pk for task in spread.values()}


def test_a_plain_member_lists_the_tasks_assigned_to_them_and_an_outsider_nothing(api_as, spread) -> None:
    assert _ids(api_as("member").get(LIST)) == [spread["a_mine"].pk]
    assert api_as("outsider").get(LIST).json()["count"] == 0


def test_the_list_says_which_tasks_are_overdue(api_as, spread) -> None:
    rows = {row["id"]: row for row in api_as("secretary_a").get(LIST).json()["results"]}
    assert rows[spread["a_overdue"].pk]["overdue"] is True
    assert rows[spread["a_open"].pk]["overdue"] is False
    assert rows[spread["a_done"].pk]["status"] == "done" and rows[spread["a_done"].pk]["overdue"] is False


def test_the_list_filters_by_status_including_overdue(api_as, spread) -> None:
    client = api_as("reviewer")
    assert _ids(client.get(LIST, {"status": "overdue"})) == [spread["a_overdue"].pk]
    assert _ids(client.get(LIST, {"status": "done"})) == [spread["a_done"].pk]
    assert len(_ids(client.get(LIST, {"status": "open"}))) == 4
    assert len(_ids(client.get(LIST, {"status": ""}))) == 5  # an empty filter is no filter


def test_the_list_filters_by_branch_subtree_period_code_frequency_and_assignee(
    api_as, world: World, spread, articles
) -> None:
    client = api_as("reviewer")
    assert set(_ids(client.get(LIST, {"branch": world.branch_b.pk}))) == {spread["b_open"].pk}
    assert len(_ids(client.get(LIST, {"branch": world.general.pk}))) == 5  # a unit above: its whole subtree
    assert set(_ids(client.get(LIST, {"period": "2026-12"}))) == {spread["a_open"].pk, spread["b_open"].pk}
    assert _ids(client.get(LIST, {"code": articles["quarterly"].code})) == [spread["a_mine"].pk]
    assert _ids(client.get(LIST, {"frequency": "quarterly"})) == [spread["a_mine"].pk]
    assert _ids(client.get(LIST, {"assignee": world.member.pk})) == [spread["a_mine"].pk]


def test_the_list_filters_by_due_dates_supervision_and_title(api_as, world: World, spread) -> None:
    client = api_as("reviewer")
    today = local_today()
    soon = {"due_from": today.isoformat(), "due_to": (today + dt.timedelta(days=4)).isoformat()}
    assert set(_ids(client.get(LIST, soon))) == {spread["a_open"].pk, spread["b_open"].pk}
    task_supervise(task=spread["b_open"], by=world.reviewer, comment="请按时完成")
    assert _ids(client.get(LIST, {"supervised": "true"})) == [spread["b_open"].pk]
    assert len(_ids(client.get(LIST, {"supervised": "false"}))) == 4
    assert _ids(client.get(LIST, {"search": spread["a_mine"].title})) == [spread["a_mine"].pk]


def test_the_list_orders_and_pages(api_as, spread) -> None:
    client = api_as("reviewer")
    due = [row["due_on"] for row in client.get(LIST, {"ordering": "-due_on"}).json()["results"]]
    assert due == sorted(due, reverse=True)
    first = client.get(LIST, {"page_size": 2}).json()
    assert first["count"] == 5 and len(first["results"]) == 2 and first["next"]
    assert client.get(LIST, {"page": 9}).status_code == 404


def test_a_bad_filter_is_a_400_on_that_parameter_and_another_branch_is_not_a_filter(
    api_as, world: World, spread
) -> None:
    response = api_as("secretary_a").get(LIST, {"status": "late", "branch": world.branch_b.pk, "due_from": "x"})
    assert response.status_code == 400
    assert set(_error(response)["fields"]) == {"status", "branch", "due_from"}
    assert world.branch_b.name not in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        {"supervised": "perhaps"},
        {"assignee": "²"},
        {"assignee": str(2**63)},
        {"requirement": "0"},
        {"due_to": "10/31/2026"},
        {"due_from": "²026-01-01"},
        {"frequency": "hourly"},
    ],
)
def test_a_bad_value_of_any_filter_is_a_400_naming_it(api_as, spread, query) -> None:
    response = api_as("reviewer").get(LIST, query)
    assert response.status_code == 400
    assert _error(response)["code"] == "validation_error" and list(_error(response)["fields"]) == list(query)


def test_empty_filters_filter_nothing(api_as, spread) -> None:
    every = api_as("reviewer").get(LIST).json()["count"]
    empty = {name: "" for name in ("branch", "status", "period", "code", "frequency", "assignee", "supervised")}
    assert api_as("reviewer").get(LIST, empty).json()["count"] == every == 5


def test_the_list_costs_the_same_number_of_queries_for_3_or_30_tasks(
    api_as, world: World, articles, django_assert_max_num_queries
) -> None:
    client = api_as("reviewer")
    today = local_today()
    branches = [world.branch_a, world.branch_b]
    for n in range(3):
        make_task(branches[n % 2], articles["monthly"], due_on=today, period_key=f"p{n}", assignee=world.member)
    with CaptureQueriesContext(connection) as few:
        assert client.get(LIST).json()["count"] == 3
    for n in range(3, 30):
        make_task(branches[n % 2], articles["weekly"], due_on=today, period_key=f"p{n}", assignee=world.secretary_a)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(LIST).json()["count"] == 30


# --- one task ---------------------------------------------------------------------------------


def test_the_detail_gives_the_article_evidence_events_and_what_the_user_may_do(
    api_as, world: World, task_a: Task
) -> None:
    complete = _complete(api_as("secretary_a"), task_a, {"note": "已召开", "files": [_pdf()]})
    assert complete.status_code == 200
    body = api_as("reviewer").get(_url("detail", task_a)).json()
    assert body["code"] == task_a.article.code and body["what"] == task_a.article.what
    assert [e["original_name"] for e in body["evidence"]] == ["记录.pdf"]
    assert [e["kind"] for e in body["events"]] == [EventKind.EVIDENCE, EventKind.COMPLETED]
    assert body["events"][1]["by_name"] == world.secretary_a.full_name
    assert (body["may_work"], body["may_complete"], body["may_check"]) == (False, False, True)
    mine = api_as("secretary_a").get(_url("detail", task_a)).json()
    assert (mine["may_work"], mine["may_complete"], mine["may_check"]) == (True, True, False)


def test_another_branchs_task_is_a_404_and_a_plain_member_gets_403_unless_it_is_theirs(
    api_as, world: World, task_a: Task
) -> None:
    assert _error(api_as("secretary_b").get(_url("detail", task_a)))["code"] == "not_found"
    assert api_as("member").get(_url("detail", task_a)).status_code == 403
    task_a.assignee = world.member
    task_a.save()
    assert api_as("member").get(_url("detail", task_a)).status_code == 200
    assert api_as("member").get(reverse("api:task-detail", kwargs={"pk": 987654321})).status_code == 404


# --- complete with evidence -------------------------------------------------------------------


def test_a_secretary_completes_a_task_with_evidence_in_one_step(api_as, world: World, task_a: Task) -> None:
    files = [_pdf(), SimpleUploadedFile("签到表.xlsx", b"PK\x03\x04rest", content_type="application/octet-stream")]
    response = api_as("secretary_a").post(
        _url("complete", task_a), {"note": "已召开支委会", "files": files}, format="multipart"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "done" and body["completion_note"] == "已召开支委会"
    assert body["delay_days"] == 0 and body["completed_at"]
    assert [e["original_name"] for e in body["evidence"]] == ["记录.pdf", "签到表.xlsx"]
    task_a.refresh_from_db()
    assert task_a.status == TaskStatus.DONE and task_a.completed_by == world.secretary_a


def test_a_note_alone_may_be_sent_as_json(api_as, task_a: Task) -> None:
    response = api_as("secretary_a").post(_url("complete", task_a), {"note": "已完成"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "done"


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("virus.exe", b"MZ\x90\x00", content_type="application/octet-stream"),
        SimpleUploadedFile("fake.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"),
        SimpleUploadedFile("empty.pdf", b"", content_type="application/pdf"),
    ],
    ids=["wrong extension", "wrong first bytes", "empty"],
)
def test_a_bad_evidence_file_is_a_400_and_nothing_changes(api_as, task_a: Task, upload) -> None:
    response = _complete(api_as("secretary_a"), task_a, {"note": "x", "files": [_pdf(), upload]})
    assert response.status_code == 400
    assert _error(response)["code"] == "validation_error"
    task_a.refresh_from_db()
    assert task_a.status == TaskStatus.OPEN and not task_a.evidence.exists() and not task_a.events.exists()


def test_a_file_larger_than_the_limit_is_a_400(api_as, settings, task_a: Task) -> None:
    settings.UPLOAD_MAX_BYTES = 10
    response = _complete(api_as("secretary_a"), task_a, {"files": [_pdf(content=b"%PDF-" + b"x" * 20)]})
    assert response.status_code == 400
    task_a.refresh_from_db()
    assert task_a.status == TaskStatus.OPEN


def test_completing_with_neither_note_nor_file_is_a_400(api_as, task_a: Task) -> None:
    assert api_as("secretary_a").post(_url("complete", task_a), {"note": "  "}).status_code == 400


def test_completing_a_task_that_is_not_open_is_a_409(api_as, done_a: Task) -> None:
    response = api_as("secretary_a").post(_url("complete", done_a), {"note": "again"})
    assert response.status_code == 409
    assert _error(response)["code"] == "conflict"


def test_the_assignee_may_complete_their_own_task_and_no_other_plain_member(api_as, world: World, task_a) -> None:
    assert api_as("member").post(_url("complete", task_a), {"note": "我已完成"}).status_code == 403
    task_a.assignee = world.member
    task_a.save()
    assert api_as("member").post(_url("complete", task_a), {"note": "我已完成"}).status_code == 200
    assert api_as("secretary_b").post(_url("complete", task_a), {"note": "x"}).status_code == 404


# --- evidence download --------------------------------------------------------------------------


def test_evidence_is_served_as_an_attachment_with_its_type_to_whoever_may_read_the_task(api_as, task_a: Task) -> None:
    _complete(api_as("secretary_a"), task_a, {"files": [_pdf(content=b"%PDF-1.4 the record")]})
    evidence = task_a.evidence.get()
    url = reverse("api:task-evidence-detail", kwargs={"pk": evidence.pk})
    for role in ("reviewer", "administrator", "secretary_a"):
        response = api_as(role).get(url)
        assert response.status_code == 200
        assert response.content == b"%PDF-1.4 the record"
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment")
        assert response["X-Content-Type-Options"] == "nosniff"
    # Whatever the client accepts, the file comes with its own type.
    assert api_as("reviewer").get(url, HTTP_ACCEPT="application/pdf").status_code == 200
    assert api_as("member").get(url).status_code == 403


def test_another_branchs_evidence_is_a_404_in_json_even_when_a_file_is_asked_for(api_as, task_a: Task) -> None:
    _complete(api_as("secretary_a"), task_a, {"files": [_pdf()]})
    url = reverse("api:task-evidence-detail", kwargs={"pk": task_a.evidence.get().pk})
    response = api_as("secretary_b").get(url, HTTP_ACCEPT="application/pdf")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert _error(response)["code"] == "not_found"


# --- check ------------------------------------------------------------------------------------


def test_a_reviewer_checks_the_work_done_with_a_quality_rating(api_as, world: World, done_a: Task) -> None:
    response = api_as("reviewer").post(_url("check", done_a), {"quality": "excellent", "comment": "记录完整"})
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["quality"], body["check_comment"]) == ("checked", "excellent", "记录完整")
    assert body["events"][-1]["kind"] == EventKind.CHECKED and body["events"][-1]["changes"] == {"quality": "excellent"}


def test_checking_needs_a_reviewer_and_a_task_that_is_done(api_as, task_a: Task) -> None:
    assert api_as("secretary_a").post(_url("check", task_a), {"quality": "good"}).status_code == 403
    assert api_as("administrator").post(_url("check", task_a), {"quality": "good"}).status_code == 403
    response = api_as("reviewer").post(_url("check", task_a), {"quality": "good"})
    assert response.status_code == 409
    task_a.refresh_from_db()
    assert task_a.status == TaskStatus.OPEN


def test_a_quality_outside_the_four_ratings_is_a_400_on_that_field(api_as, done_a: Task) -> None:
    response = api_as("reviewer").post(_url("check", done_a), {"quality": "perfect"})
    assert response.status_code == 400
    assert list(_error(response)["fields"]) == ["quality"]


# --- supervision --------------------------------------------------------------------------------


def test_a_reviewer_supervises_comments_the_branch_answers_and_the_reviewer_releases(
    api_as, world: World, task_a: Task
) -> None:
    reviewer, secretary = api_as("reviewer"), api_as("secretary_a")
    response = reviewer.post(_url("supervise", task_a), {"comment": "本月底前补开支委会"})
    assert response.status_code == 200 and response.json()["supervised"] is True
    assert Notification.objects.filter(branch=world.branch_a, kind="supervision", task=task_a).count() == 1
    assert reviewer.post(_url("comment", task_a), {"text": "请上传会议记录"}).status_code == 200
    answer = secretary.post(_url("reply", task_a), {"text": "已安排"})
    assert answer.status_code == 200
    assert [e["kind"] for e in answer.json()["events"]] == [EventKind.SUPERVISED, EventKind.COMMENT, EventKind.REPLY]
    released = reviewer.post(_url("release", task_a))
    assert released.status_code == 200 and released.json()["supervised"] is False


def test_supervision_refuses_the_wrong_role_the_wrong_state_and_an_empty_comment(
    api_as, world: World, task_a: Task
) -> None:
    reviewer = api_as("reviewer")
    assert api_as("secretary_a").post(_url("supervise", task_a), {"comment": "x"}).status_code == 403
    blank = reviewer.post(_url("supervise", task_a), {"comment": "   "})
    assert blank.status_code == 400 and list(_error(blank)["fields"]) == ["comment"]
    assert reviewer.post(_url("comment", task_a), {"text": "x"}).status_code == 409  # not supervised yet
    assert api_as("secretary_a").post(_url("reply", task_a), {"text": "x"}).status_code == 409
    assert reviewer.post(_url("release", task_a)).status_code == 409
    assert reviewer.post(_url("supervise", task_a), {"comment": "x"}).status_code == 200
    assert reviewer.post(_url("supervise", task_a), {"comment": "again"}).status_code == 409
    assert api_as("secretary_a").post(_url("comment", task_a), {"text": "x"}).status_code == 403
    assert api_as("secretary_b").post(_url("reply", task_a), {"text": "x"}).status_code == 404


def test_a_cancelled_task_cannot_be_supervised(api_as, task_a: Task) -> None:
    assert api_as("secretary_a").post(_url("cancel", task_a), {"reason": "项目停工"}).status_code == 200
    assert api_as("reviewer").post(_url("supervise", task_a), {"comment": "x"}).status_code == 409


# --- cancel and assign --------------------------------------------------------------------------


def test_a_secretary_cancels_an_open_task_with_a_reason(api_as, task_a: Task) -> None:
    assert api_as("secretary_a").post(_url("cancel", task_a), {"reason": ""}).status_code == 400
    response = api_as("secretary_a").post(_url("cancel", task_a), {"reason": "项目停工"})
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["cancel_reason"]) == ("cancelled", "项目停工")
    assert api_as("secretary_a").post(_url("cancel", task_a), {"reason": "again"}).status_code == 409


def test_the_assignee_may_not_cancel_or_reassign(api_as, world: World, task_a: Task) -> None:
    task_a.assignee = world.member
    task_a.save()
    assert api_as("member").post(_url("cancel", task_a), {"reason": "x"}).status_code == 403
    assert api_as("member").post(_url("assign", task_a), {"assignee": None}).status_code == 403
    assert api_as("reviewer").post(_url("cancel", task_a), {"reason": "x"}).status_code == 403


def test_a_task_is_assigned_to_a_person_of_its_branch_and_un_assigned(api_as, world: World, task_a: Task) -> None:
    client = api_as("secretary_a")
    people = client.get(_url("assignees", task_a)).json()
    assert {p["username"] for p in people} == {"secretary_a", "member"}
    response = client.post(_url("assign", task_a), {"assignee": world.member.pk})
    assert response.status_code == 200
    assert (response.json()["assignee"], response.json()["assignee_name"]) == (world.member.pk, "普通党员")
    assert response.json()["events"][-1]["kind"] == EventKind.ASSIGNED
    unassigned = client.post(_url("assign", task_a), {"assignee": None})
    assert unassigned.status_code == 200 and unassigned.json()["assignee"] is None


def test_assigning_to_someone_outside_the_branch_is_a_400_and_a_checked_task_a_409(
    api_as, world: World, done_a: Task
) -> None:
    client = api_as("secretary_a")
    for outsider in (world.secretary_b, world.outsider):
        response = client.post(_url("assign", done_a), {"assignee": outsider.pk})
        assert response.status_code == 400 and list(_error(response)["fields"]) == ["assignee"]
    assert client.post(_url("assign", done_a), {}).status_code == 400
    api_as("reviewer").post(_url("check", done_a), {"quality": "good"})
    assert client.post(_url("assign", done_a), {"assignee": world.member.pk}).status_code == 409


def test_the_schema_allows_the_blank_quality_of_a_task_not_yet_checked(api_as, task_a: Task) -> None:
    schema = api_as("anonymous").get(reverse("api:schema"), {"format": "json"}).json()
    quality = schema["components"]["schemas"]["TaskDetail"]["properties"]["quality"]
    assert {"$ref": "#/components/schemas/BlankEnum"} in quality["oneOf"]
    assert api_as("secretary_a").get(_url("detail", task_a)).json()["quality"] == ""
