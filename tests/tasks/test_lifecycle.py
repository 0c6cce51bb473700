"""The life of a task: done with evidence, checked, cancelled, assigned, supervised; every
change in the audit trail."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from tasks.models import EventKind, Notification, Task, TaskStatus
from tasks.services import (
    task_assign,
    task_cancel,
    task_check,
    task_comment,
    task_complete,
    task_release,
    task_reply,
    task_supervise,
)
from tests.conftest import World
from tests.factories import MemberFactory, UserFactory

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
PDF = b"%PDF-1.4\n%test\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 20


def pdf(name: str = "记录.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_completing_a_task_records_time_note_evidence_and_the_trail(world: World, task_a: Task) -> None:
    at = dt.datetime(2026, 11, 24, 10, 0, tzinfo=SHANGHAI)
    task = task_complete(task=task_a, by=world.secretary_a, note="已召开", files=[pdf(), pdf("照片.png", PNG)], at=at)
    assert task.status == TaskStatus.DONE
    assert task.completed_at == at and task.completed_by == world.secretary_a
    assert task.delay_days == 0
    assert [e.original_name for e in task.evidence.all()] == ["记录.pdf", "照片.png"]
    assert [e.content_type for e in task.evidence.all()] == ["application/pdf", "image/png"]
    assert task.evidence.first().file.read() == PDF
    kinds = list(task.events.values_list("kind", "by__username"))
    assert kinds == [
        (EventKind.EVIDENCE, "secretary_a"),
        (EventKind.EVIDENCE, "secretary_a"),
        (EventKind.COMPLETED, "secretary_a"),
    ]


def test_a_task_done_late_records_whole_days_of_delay_in_shanghai_time(world: World, task_a: Task) -> None:
    # 00:01 on 27 November in Shanghai is still 26 November in UTC: two days late, not one.
    at = dt.datetime(2026, 11, 26, 16, 1, tzinfo=dt.UTC)
    assert task_complete(task=task_a, by=world.secretary_a, note="补开", at=at).delay_days == 2


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("run.exe", b"MZ..."), "only these kinds of file"),
        (SimpleUploadedFile("fake.pdf", b"<html>"), "not really a PDF"),
        (SimpleUploadedFile("empty.png", b""), "is empty"),
        (SimpleUploadedFile("noext", b"%PDF-"), "only these kinds of file"),
    ],
)
def test_bad_evidence_is_refused_and_nothing_changes(world: World, task_a: Task, upload, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        task_complete(task=task_a, by=world.secretary_a, note="x", files=[pdf(), upload])
    task_a.refresh_from_db()
    assert task_a.status == TaskStatus.OPEN
    assert not task_a.evidence.exists() and not task_a.events.exists()


def test_evidence_larger_than_the_limit_is_refused(world: World, task_a: Task, settings) -> None:
    settings.UPLOAD_MAX_BYTES = 10
    with pytest.raises(ValidationError, match="larger than"):
        task_complete(task=task_a, by=world.secretary_a, files=[pdf()])


def test_completing_needs_a_note_or_evidence(world: World, task_a: Task) -> None:
    with pytest.raises(ValidationError, match="Say what was done"):
        task_complete(task=task_a, by=world.secretary_a, note="  ")


def test_a_task_cannot_be_completed_twice(world: World, task_a: Task) -> None:
    task_complete(task=task_a, by=world.secretary_a, note="done")
    with pytest.raises(ValidationError, match="cannot be changed"):
        task_complete(task=task_a, by=world.secretary_a, note="again")


def test_a_reviewer_checks_done_work_with_a_quality_rating(world: World, task_a: Task) -> None:
    with pytest.raises(ValidationError, match="Only a task that is done"):
        task_check(task=task_a, by=world.reviewer, quality="good")
    task_complete(task=task_a, by=world.secretary_a, note="done")
    with pytest.raises(ValidationError):
        task_check(task=task_a, by=world.reviewer, quality="perfect")
    task = task_check(task=task_a, by=world.reviewer, quality="excellent", comment="记录完整")
    assert (task.status, task.quality, task.check_comment, task.checked_by) == (
        TaskStatus.CHECKED,
        "excellent",
        "记录完整",
        world.reviewer,
    )
    assert task.events.last().kind == EventKind.CHECKED
    assert task.events.last().changes == {"quality": "excellent"}


def test_cancelling_needs_a_reason(world: World, task_a: Task) -> None:
    with pytest.raises(ValidationError, match="reason"):
        task_cancel(task=task_a, by=world.secretary_a, reason=" ")
    task = task_cancel(task=task_a, by=world.secretary_a, reason="项目停工")
    assert task.status == TaskStatus.CANCELLED and task.cancel_reason == "项目停工"
    assert task.events.get().kind == EventKind.CANCELLED


def test_a_task_is_overdue_when_open_past_its_due_date(world: World, task_a: Task) -> None:
    assert not task_a.is_overdue(dt.date(2026, 11, 25))
    assert task_a.is_overdue(dt.date(2026, 11, 26))
    task_complete(task=task_a, by=world.secretary_a, note="x")
    task_a.refresh_from_db()
    assert not task_a.is_overdue(dt.date(2026, 11, 26))


def test_tasks_are_assigned_only_to_people_of_the_branch(world: World, task_a: Task) -> None:
    assert task_assign(task=task_a, assignee=world.member, by=world.secretary_a).assignee == world.member
    roll_member = MemberFactory(branch=world.branch_a, user=UserFactory(username="party_member"))
    task_assign(task=task_a, assignee=roll_member.user, by=world.secretary_a)
    for stranger in (world.secretary_b, world.outsider, world.reviewer):
        with pytest.raises(ValidationError, match="person of the branch"):
            task_assign(task=task_a, assignee=stranger, by=world.secretary_a)
    task_a.refresh_from_db()
    assert task_a.assignee == roll_member.user
    trail = list(task_a.events.values_list("kind", "changes"))
    assert trail == [
        (EventKind.ASSIGNED, {"assignee": ["", "普通党员"]}),
        (EventKind.ASSIGNED, {"assignee": ["普通党员", str(roll_member.user)]}),
    ]


def test_supervision_comments_and_answers_are_recorded_and_notified(world: World, task_a: Task) -> None:
    with pytest.raises(ValidationError):
        task_reply(task=task_a, by=world.secretary_a, text="?")
    task_supervise(task=task_a, by=world.reviewer, comment="本月底前补齐记录")
    with pytest.raises(ValidationError, match="already"):
        task_supervise(task=task_a, by=world.reviewer, comment="again")
    task_comment(task=task_a, by=world.reviewer, text="进展如何?")
    task_reply(task=task_a, by=world.secretary_a, text="已补齐")
    task_release(task=task_a, by=world.reviewer)
    task_a.refresh_from_db()
    assert not task_a.supervised
    assert list(task_a.events.values_list("kind", "by__username", "text")) == [
        (EventKind.SUPERVISED, "reviewer", "本月底前补齐记录"),
        (EventKind.COMMENT, "reviewer", "进展如何?"),
        (EventKind.REPLY, "secretary_a", "已补齐"),
        (EventKind.RELEASED, "reviewer", ""),
    ]
    assert Notification.objects.filter(branch=world.branch_a, task=task_a).count() == 2
