"""大政工: the branch's officers (工会主席, 团支部书记, 组织委员 …) are given the tasks of the
articles whose "谁来做" names them, see them on their pages and do them; nothing else."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from branches.models import Role
from branches.services import role_grant
from handbook.models import Edition, Line
from tasks.models import Task, TaskStatus
from tasks.services import tasks_generate
from tests.conftest import World
from tests.factories import UserFactory

D = dt.date


@pytest.fixture
def union_chair(world: World, default_edition: Edition):
    chair = UserFactory(username="chair_a", full_name="甲支部工会主席")
    role_grant(by=None, user=chair, role=Role.UNION_CHAIR, organisation=world.branch_a)
    return chair


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_generated_union_tasks_go_to_the_union_chair_of_the_branch(world: World, union_chair) -> None:
    tasks_generate(first=D(2026, 12, 31))
    union_a = Task.objects.filter(branch=world.branch_a, article__line=Line.UNION)
    assert union_a.exists()
    assert set(union_a.values_list("assignee", flat=True)) == {union_chair.pk}
    # Party and league work of branch A is not the union chair's.
    assert not Task.objects.filter(branch=world.branch_a, assignee=union_chair).exclude(article__line=Line.UNION)


def test_a_branch_without_a_union_chair_keeps_its_union_tasks_with_the_secretary(world: World, union_chair) -> None:
    tasks_generate(first=D(2026, 12, 31))
    union_b = Task.objects.filter(branch=world.branch_b, article__line=Line.UNION)
    assert union_b.exists() and set(union_b.values_list("assignee", flat=True)) == {None}
    task = union_b.first()
    page = _client(world.secretary_b).get(reverse("tasks:board", args=[world.branch_b.pk]) + "?show=quarter")
    assert page.status_code == 200
    done = _client(world.secretary_b).post(reverse("tasks:complete", args=[task.pk]), {"note": "已开展"})
    assert done.status_code == 302
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE


def test_the_union_chair_sees_and_completes_the_union_work(world: World, union_chair) -> None:
    tasks_generate(first=D(2026, 12, 31))
    task = Task.objects.filter(branch=world.branch_a, article__line=Line.UNION).order_by("pk").first()
    client = _client(union_chair)
    mine = client.get(reverse("tasks:home"))
    assert mine.status_code == 200 and task.title in mine.content.decode()
    assert client.get(reverse("tasks:board", args=[world.branch_a.pk])).status_code == 200
    detail = client.get(reverse("tasks:detail", args=[task.pk]))
    assert detail.status_code == 200 and reverse("tasks:complete", args=[task.pk]) in detail.content.decode()
    done = client.post(reverse("tasks:complete", args=[task.pk]), {"note": "工会小组活动已开展"})
    assert done.status_code == 302
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE and task.completed_by == union_chair


def test_the_union_chair_cannot_touch_party_work_they_do_not_hold(world: World, union_chair) -> None:
    tasks_generate(first=D(2026, 12, 31))
    party = Task.objects.filter(branch=world.branch_a, article__line=Line.PARTY, assignee__isnull=True).first()
    client = _client(union_chair)
    # They may read it (the branch's work is on their board) but not do it.
    assert client.get(reverse("tasks:detail", args=[party.pk])).status_code == 200
    assert client.post(reverse("tasks:complete", args=[party.pk]), {"note": "x"}).status_code == 403
    assert client.post(reverse("tasks:cancel", args=[party.pk]), {"reason": "x"}).status_code == 403
    party.refresh_from_db()
    assert party.status == TaskStatus.OPEN
    # Another branch's work is not even seen.
    other = Task.objects.filter(branch=world.branch_b).first()
    assert client.get(reverse("tasks:detail", args=[other.pk])).status_code == 404


def test_the_union_chair_uses_the_api_with_the_same_answers(world: World, union_chair) -> None:
    tasks_generate(first=D(2026, 12, 31))
    union = Task.objects.filter(branch=world.branch_a, article__line=Line.UNION).order_by("pk").first()
    party = Task.objects.filter(branch=world.branch_a, article__line=Line.PARTY, assignee__isnull=True).first()
    client = _client(union_chair)
    detail = client.get(f"/api/v1/tasks/{union.pk}/").json()
    assert "complete" in detail["allowed_actions"] and detail["may_complete"] is True
    assert client.post(f"/api/v1/tasks/{party.pk}/complete/", {"note": "x"}).status_code == 403
    assert client.post(f"/api/v1/tasks/{union.pk}/complete/", {"note": "已开展"}).status_code == 200


def test_a_league_secretary_and_an_organising_member_get_their_articles(world: World, default_edition) -> None:
    league = UserFactory(username="league_a")
    organiser = UserFactory(username="organiser_a")
    role_grant(by=None, user=league, role=Role.LEAGUE_SECRETARY, organisation=world.branch_a)
    role_grant(by=None, user=organiser, role=Role.ORGANIZING_MEMBER, organisation=world.branch_a)
    tasks_generate(first=D(2026, 12, 31))
    mine = Task.objects.filter(branch=world.branch_a)
    assert set(mine.filter(assignee=league).values_list("article__who_role", flat=True)) == {"league_secretary"}
    assert set(mine.filter(assignee=organiser).values_list("article__who_role", flat=True)) == {"organizing_member"}
    assert mine.filter(article__who_role="organizing_member", assignee__isnull=True).count() == 0
