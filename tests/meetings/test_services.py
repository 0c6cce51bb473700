"""Recording meetings: attendance and its rate, make-up study, the period's task, resolutions."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from config.exceptions import Conflict
from meetings.kinds import ARTICLE_OF_KIND, MeetingKind
from meetings.services import Absence, ResolutionInput, attendance_makeup, meeting_record, resolution_close
from tasks.models import TaskStatus
from tests.conftest import World
from tests.factories import MemberFactory, make_task

HELD = timezone.make_aware(dt.datetime(2026, 11, 10, 9, 30))


def _record(world: World, roster: list, **fields):
    fields.setdefault("kind", MeetingKind.COMMITTEE)
    fields.setdefault("held_at", HELD)
    return meeting_record(
        branch=world.branch_a, by=world.secretary_a, place="项目部会议室", topics="研究党费收缴", **fields
    )


def test_everyone_on_the_roster_is_expected_and_the_rate_counts_the_absentees(world: World, roster_a) -> None:
    MemberFactory(branch=world.branch_a, name="已转出", status="transferred_out")
    meeting = _record(world, roster_a, absences=[Absence(member=roster_a[1], reason="出差")])
    assert meeting.attendance.count() == 4
    assert meeting.attendance_counts() == (3, 4)
    assert meeting.attendance_rate == Decimal("75.0")
    assert meeting.attendance.get(member=roster_a[1]).absence_reason == "出差"


def test_an_absentee_without_a_reason_is_refused_and_nothing_is_stored(world: World, roster_a) -> None:
    with pytest.raises(ValidationError) as exc:
        _record(world, roster_a, absences=[Absence(member=roster_a[1], reason=" ")])
    assert f"reason_{roster_a[1].pk}" in exc.value.message_dict
    assert not world.branch_a.meetings.exists()


def test_a_meeting_in_the_future_or_with_someone_of_another_branch_is_refused(world: World, roster_a) -> None:
    with pytest.raises(ValidationError):
        _record(world, roster_a, held_at=timezone.now() + dt.timedelta(hours=2))
    stranger = MemberFactory(branch=world.branch_b)
    with pytest.raises(ValidationError):
        _record(world, roster_a, host=stranger)


def test_only_the_branchs_keepers_record_its_meetings(world: World, roster_a) -> None:
    with pytest.raises(PermissionDenied):
        meeting_record(branch=world.branch_a, by=world.reviewer, kind="committee", held_at=HELD, place="x", topics="y")


def test_the_make_up_study_is_recorded_for_an_absentee_only(world: World, roster_a) -> None:
    meeting = _record(world, roster_a, absences=[Absence(member=roster_a[1], reason="病假")])
    row = meeting.attendance.get(member=roster_a[1])
    assert row.needs_makeup
    attendance_makeup(row=row, by=world.secretary_a, on=dt.date(2026, 11, 12), led_by=roster_a[2], note="单独传达")
    row.refresh_from_db()
    assert (row.makeup_on, row.makeup_by, row.needs_makeup) == (dt.date(2026, 11, 12), roster_a[2], False)
    with pytest.raises(Conflict):
        attendance_makeup(
            row=meeting.attendance.get(member=roster_a[0]), by=world.secretary_a, on=dt.date(2026, 11, 12)
        )
    with pytest.raises(ValidationError):
        attendance_makeup(row=row, by=world.secretary_a, on=dt.date(2026, 11, 1))  # before the meeting


def test_recording_a_meeting_completes_the_periods_task_of_its_article(world: World, roster_a, default_edition) -> None:
    article = default_edition.articles.get(code=ARTICLE_OF_KIND[MeetingKind.COMMITTEE])
    task = make_task(world.branch_a, article, due_on=dt.date(2026, 11, 25))
    photo = SimpleUploadedFile("签到表.pdf", b"%PDF-1.4 sign-in", content_type="application/pdf")
    meeting = _record(world, roster_a, files=[photo])
    task.refresh_from_db()
    assert meeting.task == task
    assert task.status == TaskStatus.DONE
    assert task.completed_by == world.secretary_a
    assert "研究党费收缴" in task.completion_note
    assert [e.original_name for e in task.evidence.all()] == ["签到表.pdf"]
    assert [f.name for f in meeting.files.all()] == ["签到表.pdf"]
    # A second meeting of the month is linked to the task already done.
    second = _record(world, roster_a, kind=MeetingKind.LECTURE, held_at=HELD + dt.timedelta(days=5))
    task.refresh_from_db()
    assert second.task == task and task.status == TaskStatus.DONE


def test_a_meeting_outside_the_tasks_period_or_of_another_article_leaves_it_open(
    world: World, roster_a, default_edition
) -> None:
    task = make_task(world.branch_a, default_edition.articles.get(code="1-01"), due_on=dt.date(2026, 11, 25))
    october = _record(world, roster_a, held_at=HELD - dt.timedelta(days=31))
    talk = _record(world, roster_a, kind=MeetingKind.TALK)
    task.refresh_from_db()
    assert (october.task, talk.task, task.status) == (None, None, TaskStatus.OPEN)


def test_a_bad_file_refuses_the_whole_record(world: World, roster_a) -> None:
    fake = SimpleUploadedFile("photo.jpg", b"MZ not a jpeg", content_type="image/jpeg")
    with pytest.raises(ValidationError) as exc:
        _record(world, roster_a, files=[fake])
    assert "files" in exc.value.message_dict
    assert not world.branch_a.meetings.exists()


def test_resolutions_close_one_by_one_by_the_keeper_or_their_owner(world: World, roster_a) -> None:
    meeting = _record(
        world,
        roster_a,
        resolutions=[
            ResolutionInput(text="补交党费", owner_member=roster_a[0], due_on=dt.date(2026, 11, 30)),
            ResolutionInput(text="更新台账", owner_member=roster_a[2]),
        ],
    )
    first, second = meeting.resolutions.order_by("pk")
    resolution_close(resolution=first, by=world.member, note="已补交")  # its owner
    first.refresh_from_db()
    assert first.closed_at is not None and first.close_note == "已补交" and second.closed_at is None
    with pytest.raises(Conflict):
        resolution_close(resolution=first, by=world.secretary_a)
    with pytest.raises(PermissionDenied):
        resolution_close(resolution=second, by=world.member)  # not theirs
    resolution_close(resolution=second, by=world.secretary_a)
    assert not meeting.resolutions.filter(closed_at__isnull=True).exists()
