"""Several open tasks done in one step (13.3): a secretary back from site completes a
fortnight of the same daily article with one note and one set of files — all or none."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.urls import reverse

from config.exceptions import Conflict
from handbook.models import Article, Edition
from tasks.models import EventKind, Evidence, Task, TaskStatus
from tasks.periods import period_key_label
from tasks.services import tasks_complete_many
from tests.conftest import World
from tests.factories import make_task

PDF = b"%PDF-1.4\n%test\n"


def pdf(name: str = "记录.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def daily_article(default_edition: Edition) -> Article:
    return default_edition.articles.filter(frequency="daily").order_by("code").first() or (
        default_edition.articles.order_by("code").first()
    )


def _days(branch: object, article: Article, n: int = 3) -> list[Task]:
    return [
        make_task(branch, article, due_on=dt.date(2026, 11, day), period_key=f"2026-11-{day:02d}")
        for day in range(2, 2 + n)
    ]


def test_several_daily_tasks_are_done_with_one_note_and_a_copy_of_each_file(
    world: World, daily_article: Article
) -> None:
    tasks = _days(world.branch_a, daily_article)
    done = tasks_complete_many(tasks=tasks, by=world.secretary_a, note="补录", files=[pdf(), pdf("照片.pdf")])
    assert len(done) == 3
    for task in tasks:
        task.refresh_from_db()
        assert task.status == TaskStatus.DONE and task.completion_note == "补录"
        assert task.completed_by == world.secretary_a
        assert sorted(e.original_name for e in task.evidence.all()) == ["照片.pdf", "记录.pdf"]
        assert all(e.file.read() == PDF for e in task.evidence.all())
        assert task.events.filter(kind=EventKind.COMPLETED).count() == 1


def test_one_task_no_longer_open_refuses_the_whole_step_and_names_it(world: World, daily_article: Article) -> None:
    tasks = _days(world.branch_a, daily_article)
    Task.objects.filter(pk=tasks[1].pk).update(status=TaskStatus.CANCELLED)
    with pytest.raises(Conflict) as refused:
        tasks_complete_many(tasks=tasks, by=world.secretary_a, note="补录", files=[pdf()])
    # The task is named with its period in words, never its key.
    named = " ".join(refused.value.messages)
    assert period_key_label("2026-11-03") in named and "2026-11-03" not in named
    assert not Task.objects.filter(pk__in=[t.pk for t in tasks], status=TaskStatus.DONE).exists()
    assert not Evidence.objects.exists()


def test_a_disguised_file_refuses_every_task_and_stores_nothing(world: World, daily_article: Article) -> None:
    tasks = _days(world.branch_a, daily_article)
    with pytest.raises(ValidationError, match="not really a PDF"):
        tasks_complete_many(tasks=tasks, by=world.secretary_a, note="x", files=[pdf(), pdf("fake.pdf", b"<html>")])
    assert not Task.objects.filter(status=TaskStatus.DONE).exists()
    assert not Evidence.objects.exists()


def test_a_task_of_another_branch_is_404_and_nothing_of_branch_a_is_done(world: World, daily_article: Article) -> None:
    tasks = _days(world.branch_a, daily_article, 2) + _days(world.branch_b, daily_article, 1)
    with pytest.raises(Http404):
        tasks_complete_many(tasks=tasks, by=world.secretary_a, note="补录")
    assert not Task.objects.filter(status=TaskStatus.DONE).exists()


def test_a_role_that_may_not_complete_is_refused_with_403(world: World, daily_article: Article) -> None:
    tasks = _days(world.branch_a, daily_article)
    for who in (world.reviewer, world.member):
        with pytest.raises(PermissionDenied):
            tasks_complete_many(tasks=tasks, by=who, note="补录")
    assert not Task.objects.filter(status=TaskStatus.DONE).exists()


def test_no_task_chosen_or_nothing_said_is_a_plain_refusal(world: World, daily_article: Article) -> None:
    with pytest.raises(ValidationError, match="at least one task"):
        tasks_complete_many(tasks=[], by=world.secretary_a, note="补录")
    with pytest.raises(ValidationError, match="Say what was done"):
        tasks_complete_many(tasks=_days(world.branch_a, daily_article), by=world.secretary_a, note=" ")


def test_the_board_offers_ticks_and_the_page_completes_the_ticked_tasks(
    world: World, as_role, daily_article: Article
) -> None:
    tasks = _days(world.branch_a, daily_article)
    board = as_role("secretary_a").get(reverse("tasks:board", args=[world.branch_a.pk]), {"show": "overdue"})
    assert f'name="task" value="{tasks[0].pk}"' in board.content.decode()
    url = reverse("tasks:complete_many", args=[world.branch_a.pk])
    page = as_role("secretary_a").get(url, {"task": [t.pk for t in tasks]})
    assert page.status_code == 200 and "2026-11-04" in page.content.decode()
    response = as_role("secretary_a").post(url, {"task": [t.pk for t in tasks[:2]], "note": "补录", "files": [pdf()]})
    assert response.status_code == 302
    assert Task.objects.filter(status=TaskStatus.DONE).count() == 2
    assert Evidence.objects.count() == 2


@pytest.mark.parametrize(
    ("role", "status"),
    [("administrator", 302), ("secretary_a", 302), ("reviewer", 403), ("member", 403), ("secretary_b", 404)],
)
def test_each_role_gets_the_page_it_may_use(
    world: World, as_role, daily_article: Article, role: str, status: int
) -> None:
    tasks = _days(world.branch_a, daily_article, 2)
    url = reverse("tasks:complete_many", args=[world.branch_a.pk])
    response = as_role(role).post(url, {"task": [t.pk for t in tasks], "note": "补录"})
    assert response.status_code == status
    assert Task.objects.filter(status=TaskStatus.DONE).count() == (2 if status == 302 else 0)


def test_the_page_names_a_ticked_task_no_longer_open_and_changes_nothing(
    world: World, as_role, daily_article: Article
) -> None:
    tasks = _days(world.branch_a, daily_article)
    Task.objects.filter(pk=tasks[0].pk).update(status=TaskStatus.DONE)
    url = reverse("tasks:complete_many", args=[world.branch_a.pk])
    response = as_role("secretary_a").post(url, {"task": [t.pk for t in tasks], "note": "补录"})
    assert response.status_code == 200
    assert "2026-11-02" in response.content.decode() and "cannot be changed" in response.content.decode()
    assert Task.objects.filter(status=TaskStatus.DONE).count() == 1


def test_the_page_refuses_a_disguised_file_with_a_message(world: World, as_role, daily_article: Article) -> None:
    tasks = _days(world.branch_a, daily_article, 2)
    url = reverse("tasks:complete_many", args=[world.branch_a.pk])
    fake = SimpleUploadedFile("记录.pdf", b"<script>alert(1)</script>", content_type="application/pdf")
    response = as_role("secretary_a").post(url, {"task": [t.pk for t in tasks], "note": "x", "files": [fake]})
    assert response.status_code == 200 and "not really a PDF" in response.content.decode()
    assert not Evidence.objects.exists() and not Task.objects.filter(status=TaskStatus.DONE).exists()


def test_a_task_of_another_branch_slipped_into_the_page_is_404(world: World, as_role, daily_article: Article) -> None:
    mine = _days(world.branch_a, daily_article, 1)
    theirs = _days(world.branch_b, daily_article, 1)
    url = reverse("tasks:complete_many", args=[world.branch_a.pk])
    response = as_role("administrator").post(url, {"task": [mine[0].pk, theirs[0].pk], "note": "x"})
    assert response.status_code == 404
    assert as_role("secretary_a").get(url, {"task": "abc"}).status_code == 404
    assert not Task.objects.filter(status=TaskStatus.DONE).exists()


def test_a_plain_member_ticks_their_own_daily_tasks_on_my_work_and_completes_them_together(
    world: World, as_role, daily_article: Article
) -> None:
    mine = _days(world.branch_a, daily_article, 3)
    Task.objects.filter(pk__in=[t.pk for t in mine]).update(assignee=world.member)
    url = reverse("tasks:complete_many", args=[world.branch_a.pk])
    work = as_role("member").get(reverse("tasks:home")).content.decode()
    assert f'action="{url}"' in work
    assert f'name="task" value="{mine[0].pk}" form="tk-many-{world.branch_a.pk}"' in work
    page = as_role("member").get(url, {"task": [t.pk for t in mine]})
    assert page.status_code == 200 and "2026-11-04" in page.content.decode()
    assert reverse("tasks:home") in page.content.decode()  # back to my work, not the board they may not open
    response = as_role("member").post(url, {"task": [t.pk for t in mine], "note": "已学习", "files": [pdf()]})
    assert response.status_code == 302 and response.url == reverse("tasks:home")
    assert Task.objects.filter(status=TaskStatus.DONE, completed_by=world.member).count() == 3
    assert Evidence.objects.count() == 3


def test_a_plain_member_may_not_complete_someone_elses_task_with_theirs(
    world: World, as_role, daily_article: Article
) -> None:
    mine, theirs = _days(world.branch_a, daily_article, 2)
    Task.objects.filter(pk=mine.pk).update(assignee=world.member)
    Task.objects.filter(pk=theirs.pk).update(title="别人的任务", assignee=world.secretary_a)
    url = reverse("tasks:complete_many", args=[world.branch_a.pk])
    page = as_role("member").get(url, {"task": [mine.pk, theirs.pk]})
    assert page.status_code == 403 and "别人的任务" not in page.content.decode()
    response = as_role("member").post(url, {"task": [mine.pk, theirs.pk], "note": "已学习"})
    assert response.status_code == 403
    assert not Task.objects.filter(status=TaskStatus.DONE).exists()


def test_a_member_whose_work_is_all_done_may_no_longer_open_the_page(
    world: World, as_role, daily_article: Article
) -> None:
    (task,) = _days(world.branch_a, daily_article, 1)
    Task.objects.filter(pk=task.pk).update(assignee=world.member, status=TaskStatus.DONE)
    url = reverse("tasks:complete_many", args=[world.branch_a.pk])
    assert as_role("member").get(url).status_code == 403
    assert as_role("member").get(reverse("tasks:home")).content.decode().count('name="task"') == 0
