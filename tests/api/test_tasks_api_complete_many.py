"""POST /api/v1/tasks/complete-many/: the board's "complete several" over the API — the same
service, the same ability (``work.complete_many``), the same evidence rule; all or none."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from handbook.models import Article, Edition
from tasks.models import EventKind, Evidence, Task, TaskStatus
from tests.conftest import World
from tests.factories import make_task

URL = reverse("api:task-complete-many")
PDF = b"%PDF-1.4\n%test\n"


def _pdf(name: str = "记录.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def daily_article(default_edition: Edition) -> Article:
    return default_edition.articles.filter(frequency="daily").order_by("code").first() or (
        default_edition.articles.order_by("code").first()
    )


def _days(branch: object, article: Article, n: int = 3, **fields: object) -> list[Task]:
    return [
        make_task(branch, article, due_on=dt.date(2026, 11, day), period_key=f"2026-11-{day:02d}", **fields)
        for day in range(2, 2 + n)
    ]


def _body(branch: object, tasks: list[Task], **extra: object) -> dict:
    return {"branch": branch.pk, "tasks": [task.pk for task in tasks], **extra}  # type: ignore[attr-defined]


def _done() -> int:
    return Task.objects.filter(status=TaskStatus.DONE).count()


def test_a_secretary_completes_a_fortnight_with_one_note_and_a_copy_of_each_file(
    world: World, api_as, daily_article: Article
) -> None:
    tasks = _days(world.branch_a, daily_article, 3)
    data = _body(world.branch_a, tasks, note="补录", files=[_pdf(), _pdf("照片.pdf")])
    response = api_as("secretary_a").post(URL, data, format="multipart")
    assert response.status_code == 200, response.content
    assert sorted(row["id"] for row in response.json()) == sorted(task.pk for task in tasks)
    assert all(row["status"] == TaskStatus.DONE for row in response.json())
    for task in tasks:
        task.refresh_from_db()
        assert task.completion_note == "补录" and task.completed_by == world.secretary_a
        assert sorted(e.original_name for e in task.evidence.all()) == ["照片.pdf", "记录.pdf"]
        assert task.events.filter(kind=EventKind.COMPLETED).count() == 1


def test_a_note_alone_may_be_sent_as_json(world: World, api_as, daily_article: Article) -> None:
    tasks = _days(world.branch_a, daily_article, 2)
    response = api_as("administrator").post(URL, _body(world.branch_a, tasks, note="补录"), format="json")
    assert response.status_code == 200 and _done() == 2


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("administrator", 200),
        ("secretary_a", 200),
        ("reviewer", 403),
        ("member", 403),
        ("secretary_b", 404),
        ("outsider", 404),
        ("anonymous", 401),
    ],
)
def test_each_role_gets_what_the_page_gives(
    world: World, api_as, daily_article: Article, role: str, status: int
) -> None:
    tasks = _days(world.branch_a, daily_article, 2)
    response = api_as(role).post(URL, _body(world.branch_a, tasks, note="补录"), format="json")
    assert response.status_code == status, response.content
    assert _done() == (2 if status == 200 else 0)


def test_a_plain_member_completes_the_tasks_assigned_to_them(world: World, api_as, daily_article: Article) -> None:
    mine = _days(world.branch_a, daily_article, 3, assignee=world.member)
    response = api_as("member").post(
        URL, _body(world.branch_a, mine, note="已学习", files=[_pdf()]), format="multipart"
    )
    assert response.status_code == 200, response.content
    assert _done() == 3 and Evidence.objects.count() == 3
    assert set(Task.objects.filter(status=TaskStatus.DONE).values_list("completed_by", flat=True)) == {world.member.pk}


def test_a_plain_member_may_not_slip_in_someone_elses_task(world: World, api_as, daily_article: Article) -> None:
    mine = _days(world.branch_a, daily_article, 2, assignee=world.member)
    theirs = make_task(world.branch_a, daily_article, due_on=dt.date(2026, 11, 20), period_key="2026-11-20")
    response = api_as("member").post(URL, _body(world.branch_a, [*mine, theirs], note="已学习"), format="json")
    assert response.status_code == 403
    assert _done() == 0


def test_a_task_of_another_branch_is_404_and_nothing_is_done(world: World, api_as, daily_article: Article) -> None:
    tasks = _days(world.branch_a, daily_article, 2) + _days(world.branch_b, daily_article, 1)
    response = api_as("administrator").post(URL, _body(world.branch_a, tasks, note="补录"), format="json")
    assert response.status_code == 404 and _done() == 0


def test_a_task_no_longer_open_is_a_409_naming_it_and_nothing_is_done(
    world: World, api_as, daily_article: Article
) -> None:
    tasks = _days(world.branch_a, daily_article, 3)
    Task.objects.filter(pk=tasks[1].pk).update(status=TaskStatus.CANCELLED)
    response = api_as("secretary_a").post(URL, _body(world.branch_a, tasks, note="补录"), format="json")
    assert response.status_code == 409
    assert "2026年11月3日" in response.json()["error"]["message"]  # the task named by its day in words
    assert _done() == 0


def test_a_disguised_file_refuses_every_task_with_a_400(world: World, api_as, daily_article: Article) -> None:
    tasks = _days(world.branch_a, daily_article, 2)
    fake = _pdf("fake.pdf", b"<html><script>alert(1)</script>")
    data = _body(world.branch_a, tasks, note="补录", files=[_pdf(), fake])
    response = api_as("secretary_a").post(URL, data, format="multipart")
    assert response.status_code == 400
    assert "fake.pdf" in response.json()["error"]["message"]
    assert _done() == 0 and not Evidence.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {"tasks": [], "note": "补录"},
        {"note": "补录"},
        {"tasks": ["abc"], "note": "补录"},
        {"tasks": [0], "note": "补录"},
        {"note": " "},
    ],
    ids=["no-task", "tasks-missing", "not-an-id", "zero", "nothing-said"],
)
def test_bad_input_is_a_400_and_changes_nothing(world: World, api_as, daily_article: Article, body: dict) -> None:
    tasks = _days(world.branch_a, daily_article, 2)
    data = {"branch": world.branch_a.pk, **body}
    if body == {"note": " "}:
        data["tasks"] = [task.pk for task in tasks]
    response = api_as("secretary_a").post(URL, data, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["error"]["code"] == "validation_error"
    assert _done() == 0


def test_the_schema_documents_the_operation_with_its_400_and_409(world: World, api_as) -> None:
    schema = api_as("secretary_a").get("/api/schema/", HTTP_ACCEPT="application/json").json()
    operation = schema["paths"]["/api/v1/tasks/complete-many/"]["post"]
    assert operation["operationId"] == "tasks_complete_many"
    assert {"200", "400", "403", "404", "409"} <= set(operation["responses"])
    assert set(operation["requestBody"]["content"]) == {"multipart/form-data", "application/json"}
