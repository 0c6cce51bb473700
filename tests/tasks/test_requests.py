"""阶段性工作要求: a committee sends a task with a deadline to all or chosen branches below it."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from branches.services import organisation_dissolve
from tasks.models import AdHocRequest, EventKind, Notification, Task
from tasks.periods import local_today
from tasks.services import request_send
from tests.conftest import World
from tests.factories import make_org

TODAY = dt.date(2026, 11, 20)


def test_a_request_goes_to_every_active_branch_below_with_its_deadline(world: World) -> None:
    organisation_dissolve(by=None, organisation=world.branch_b, on=dt.date(2026, 11, 1), reason="完工")
    request = request_send(
        organisation=world.committee,
        title="学习贯彻全会精神",
        what="组织专题学习",
        due_on=dt.date(2026, 12, 15),
        by=world.reviewer,
        today=TODAY,
    )
    task = Task.objects.get(request=request)
    assert (task.branch, task.due_on, task.title) == (world.branch_a, dt.date(2026, 12, 15), "学习贯彻全会精神")
    assert task.events.get().kind == EventKind.CREATED
    assert Notification.objects.get(kind="request").task == task


def test_a_request_to_chosen_branches_refuses_one_outside_the_sender(world: World) -> None:
    elsewhere = make_org(make_org(code="C2"), code="X")
    with pytest.raises(ValidationError, match="active branches below"):
        request_send(
            organisation=world.general, title="t", what="w", due_on=TODAY, by=world.reviewer,
            branches=[world.branch_a, elsewhere], today=TODAY,
        )  # fmt: skip
    assert not AdHocRequest.objects.exists()
    request_send(
        organisation=world.general, title="t", what="w", due_on=TODAY, by=world.reviewer,
        branches=[world.branch_b], today=TODAY,
    )  # fmt: skip
    assert list(Task.objects.values_list("branch__code", flat=True)) == ["B"]


def test_a_deadline_in_the_past_is_refused(world: World) -> None:
    with pytest.raises(ValidationError, match="past"):
        request_send(
            organisation=world.committee, title="t", what="w", due_on=TODAY - dt.timedelta(days=1),
            by=world.reviewer, today=TODAY,
        )  # fmt: skip


def test_a_reviewer_sends_a_request_from_the_page_and_the_branch_sees_it(world: World, as_role) -> None:
    url = reverse("tasks:request_create", args=[world.committee.pk])
    due = (local_today() + dt.timedelta(days=30)).isoformat()
    response = as_role("reviewer").post(url, {"title": "安全生产专项检查", "what": "开展检查", "due_on": due})
    assert response.status_code == 302
    assert Task.objects.filter(request__title="安全生产专项检查").count() == 2
    page = as_role("secretary_a").get(reverse("tasks:notifications", args=[world.branch_a.pk])).content.decode()
    assert "安全生产专项检查" in page
    bad = as_role("reviewer").post(url, {"title": "", "what": "x", "due_on": "2026-02-30"})
    assert bad.status_code == 200 and bad.context["form"].errors
    assert as_role("secretary_a").get(url).status_code == 404
    # A branch does not send requests: only committees and general branches do. The page says
    # so with the API's answer (409), not a 404 that hides a unit the reviewer may see.
    refused = as_role("reviewer").get(reverse("tasks:request_create", args=[world.branch_a.pk]))
    assert refused.status_code == 409
    assert "active committee or general branch" in refused.content.decode()
