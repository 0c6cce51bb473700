"""Correcting a recorded meeting: the same rules as recording, a stale form refused, the
audit trail, the period's task re-linked, files added and removed, and nothing changing once
the quarter's scorecard is submitted."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from assessments.models import Scorecard
from branches.models import AuditEvent
from config.exceptions import Conflict
from meetings.corrections import StaleMeeting, meeting_file_remove, meeting_files_add, meeting_update
from meetings.kinds import ARTICLE_OF_KIND, MeetingKind
from meetings.services import Absence, attendance_makeup, meeting_record
from tasks.models import TaskStatus
from tests.conftest import World
from tests.factories import MemberFactory, make_task, open_scorecard

HELD = timezone.make_aware(dt.datetime(2026, 11, 10, 9, 30))


def _record(world: World, **fields):
    fields.setdefault("kind", MeetingKind.COMMITTEE)
    fields.setdefault("held_at", HELD)
    return meeting_record(branch=world.branch_a, by=world.secretary_a, place="会议室", topics="研究党费收缴", **fields)


def _update(world: World, meeting, **fields):
    by = fields.pop("by", world.secretary_a)
    values = {
        "kind": meeting.kind,
        "held_at": meeting.held_at,
        "place": meeting.place,
        "topics": meeting.topics,
        "version": meeting.version,
    }
    values.update(fields)
    return meeting_update(meeting=meeting, by=by, **values)


def _pdf(name: str = "签到表.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 sign-in", content_type="application/pdf")


def test_a_correction_changes_the_record_bumps_its_version_and_is_audited(world: World, roster_a) -> None:
    meeting = _record(world, absences=[Absence(member=roster_a[1], reason="出差")])
    fixed = _update(
        world,
        meeting,
        topics="研究党费收缴标准",
        held_at=HELD + dt.timedelta(hours=1),
        absences=[Absence(member=roster_a[1], reason="出差"), Absence(member=roster_a[2], reason="病假")],
    )
    assert fixed.version == 2 and fixed.edited_by == world.secretary_a
    assert fixed.topics == "研究党费收缴标准" and fixed.attendance_counts() == (2, 4)
    event = AuditEvent.objects.get(action="meeting_corrected")
    assert event.target == f"meeting #{meeting.pk}" and event.organisation == world.branch_a
    changed = event.detail["changed"]
    assert changed["topics"] == ["研究党费收缴", "研究党费收缴标准"]
    assert changed["held_at"] == ["2026-11-10 09:30", "2026-11-10 10:30"]
    assert changed["absent"][1] == {"李强": "出差", "赵敏": "病假"}


def test_a_correction_checks_the_same_rules_as_recording(world: World, roster_a) -> None:
    meeting = _record(world)
    stranger = MemberFactory(branch=world.branch_b)
    cases = [
        ({"absences": [Absence(member=roster_a[1], reason=" ")]}, f"reason_{roster_a[1].pk}"),
        ({"absences": [Absence(member=stranger, reason="出差")]}, "expected"),
        ({"host": stranger}, "host"),
        ({"held_at": timezone.now() + dt.timedelta(hours=2)}, "held_at"),
        ({"topics": " "}, "topics"),
    ]
    for fields, key in cases:
        with pytest.raises(ValidationError) as exc:
            _update(world, meeting, **fields)
        assert key in exc.value.message_dict, fields
    meeting.refresh_from_db()
    assert meeting.version == 1 and meeting.topics == "研究党费收缴" and meeting.attendance_counts() == (4, 4)
    assert not AuditEvent.objects.filter(action="meeting_corrected").exists()


def test_a_stale_version_is_refused_and_changes_nothing(world: World, roster_a) -> None:
    meeting = _record(world)
    _update(world, meeting, topics="第一次修改")
    with pytest.raises(StaleMeeting) as exc:
        _update(world, meeting, topics="第二次修改", version=1)
    assert exc.value.meeting.topics == "第一次修改"
    meeting.refresh_from_db()
    assert (meeting.version, meeting.topics) == (2, "第一次修改")


def test_present_again_drops_the_make_up_study_and_the_meeting_cannot_move_after_it(world: World, roster_a) -> None:
    meeting = _record(world, absences=[Absence(member=roster_a[1], reason="出差")])
    row = attendance_makeup(row=meeting.attendance.get(member=roster_a[1]), by=world.secretary_a, on=HELD.date())
    with pytest.raises(ValidationError) as exc:
        _update(
            world, meeting, held_at=HELD + dt.timedelta(days=2), absences=[Absence(member=row.member, reason="出差")]
        )
    assert f"reason_{roster_a[1].pk}" in exc.value.message_dict
    _update(world, meeting)  # everyone came after all
    row.refresh_from_db()
    assert (row.present, row.absence_reason, row.makeup_on) == (True, "", None)


def test_only_the_branchs_keepers_correct_its_records(world: World, roster_a) -> None:
    meeting = _record(world)
    with pytest.raises(PermissionDenied):
        _update(world, meeting, by=world.reviewer)
    with pytest.raises(PermissionDenied):
        meeting_files_add(meeting=meeting, by=world.member, files=[_pdf()])


def test_a_new_kind_or_date_relinks_the_periods_task(world: World, roster_a, default_edition) -> None:
    committee = default_edition.articles.get(code=ARTICLE_OF_KIND[MeetingKind.COMMITTEE])
    november = make_task(world.branch_a, committee, due_on=dt.date(2026, 11, 25))
    october = make_task(world.branch_a, committee, due_on=dt.date(2026, 10, 25))
    meeting = _record(world)
    assert meeting.task == november
    fixed = _update(world, meeting, held_at=HELD - dt.timedelta(days=20))  # it was held in October
    october.refresh_from_db()
    assert fixed.task == october and october.status == TaskStatus.DONE
    changed = AuditEvent.objects.get(action="meeting_corrected").detail["changed"]
    assert changed["task"] == [november.pk, october.pk]
    talk = _update(world, fixed, kind=MeetingKind.TALK)  # no task answers a talk
    assert talk.task is None


def test_files_are_added_later_by_the_one_evidence_rule_and_removed(world: World, roster_a) -> None:
    meeting = _record(world)
    fake = SimpleUploadedFile("photo.jpg", b"MZ not a jpeg", content_type="image/jpeg")
    with pytest.raises(ValidationError) as exc:
        meeting_files_add(meeting=meeting, by=world.secretary_a, files=[_pdf(), fake])
    assert "files" in exc.value.message_dict and not meeting.files.exists()
    meeting_files_add(meeting=meeting, by=world.secretary_a, files=[_pdf(), _pdf("会议照片.pdf")])
    assert sorted(meeting.files.values_list("name", flat=True)) == ["会议照片.pdf", "签到表.pdf"]
    stored = meeting.files.get(name="会议照片.pdf")
    meeting_file_remove(stored=stored, by=world.secretary_a)
    assert list(meeting.files.values_list("name", flat=True)) == ["签到表.pdf"]
    actions = list(AuditEvent.objects.order_by("pk").values_list("action", "detail"))
    assert actions[-2:] == [
        ("meeting_file_added", {"files": ["签到表.pdf", "会议照片.pdf"]}),
        ("meeting_file_removed", {"file": "会议照片.pdf"}),
    ]


@pytest.mark.parametrize("status", ["submitted", "reviewed", "final"])
def test_a_submitted_quarters_records_are_frozen(world: World, roster_a, default_edition, status: str) -> None:
    meeting = _record(world)
    meeting_files_add(meeting=meeting, by=world.secretary_a, files=[_pdf()])
    card = open_scorecard(world.branch_a, year=2026, quarter=4)
    Scorecard.objects.filter(pk=card.pk).update(status=status)
    with pytest.raises(Conflict) as exc:
        _update(world, meeting, topics="改")
    assert "2026" in exc.value.messages[0]
    with pytest.raises(Conflict):
        meeting_files_add(meeting=meeting, by=world.secretary_a, files=[_pdf()])
    with pytest.raises(Conflict):
        meeting_file_remove(stored=meeting.files.get(), by=world.secretary_a)
    meeting.refresh_from_db()
    assert (meeting.version, meeting.topics, meeting.files.count()) == (1, "研究党费收缴", 1)


def test_a_record_cannot_move_into_a_submitted_quarter(world: World, roster_a, default_edition) -> None:
    meeting = _record(world)
    card = open_scorecard(world.branch_a, year=2026, quarter=3)
    Scorecard.objects.filter(pk=card.pk).update(status="final")
    with pytest.raises(ValidationError) as exc:
        _update(world, meeting, held_at=HELD - dt.timedelta(days=60))
    assert "held_at" in exc.value.message_dict
    returned = Scorecard.objects.filter(pk=card.pk)
    returned.update(status="returned")  # a returned card opens its quarter again
    assert _update(world, meeting, held_at=HELD - dt.timedelta(days=60)).version == 2
