"""Correcting an open resolution of a record (text, owner, due date): the record's version
moves on, the audit log keeps before and after, a stale form is refused, the owner comes from
the branch's roster, and nothing changes once the resolution is closed or the quarter's
scorecard submitted."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from assessments.models import Scorecard
from branches.models import AuditEvent
from config.exceptions import Conflict
from meetings.corrections import StaleMeeting, resolution_update
from meetings.models import Meeting, Resolution
from meetings.services import resolution_close
from tests.conftest import World
from tests.factories import MemberFactory, make_meeting, open_scorecard


def _correct(world: World, resolution: Resolution, **fields) -> Resolution:
    by = fields.pop("by", world.secretary_a)
    values = {
        "version": Meeting.objects.get(pk=resolution.meeting_id).version,
        "text": resolution.text,
        "owner_member": resolution.owner_member,
        "due_on": resolution.due_on,
    }
    values.update(fields)
    return resolution_update(resolution=resolution, by=by, **values)


def test_a_correction_changes_the_resolution_moves_the_version_on_and_is_audited(world: World) -> None:
    meeting = make_meeting(world.branch_a)
    resolution = meeting.resolutions.get()
    newcomer = MemberFactory(branch=world.branch_a, name="新负责人")
    due = dt.date(2026, 12, 31)
    _correct(world, resolution, text="  落实党费收缴  ", owner_member=newcomer, due_on=due)
    resolution.refresh_from_db()
    meeting.refresh_from_db()
    assert (resolution.text, resolution.owner_member, resolution.due_on) == ("落实党费收缴", newcomer, due)
    assert meeting.version == 2 and meeting.edited_by == world.secretary_a
    event = AuditEvent.objects.get(action="meeting_corrected")
    assert event.target == f"meeting #{meeting.pk}" and event.organisation == world.branch_a
    assert event.detail["resolution"] == resolution.pk
    assert event.detail["changed"] == {
        "text": ["落实事项0", "落实党费收缴"],
        "owner": ["参会2", "新负责人"],
        "due_on": [None, "2026-12-31"],
    }


def test_nothing_changed_keeps_the_version_and_writes_no_audit(world: World) -> None:
    resolution = make_meeting(world.branch_a).resolutions.get()
    _correct(world, resolution)
    assert Meeting.objects.get(pk=resolution.meeting_id).version == 1
    assert not AuditEvent.objects.filter(action="meeting_corrected").exists()


def test_a_stale_version_is_refused_and_changes_nothing(world: World) -> None:
    resolution = make_meeting(world.branch_a).resolutions.get()
    _correct(world, resolution, text="第一次更正")
    with pytest.raises(StaleMeeting):
        _correct(world, resolution, version=1, text="基于旧版本的更正")
    resolution.refresh_from_db()
    assert resolution.text == "第一次更正"


def test_the_owner_comes_from_the_branchs_roster_and_the_text_is_required(world: World) -> None:
    resolution = make_meeting(world.branch_a).resolutions.get()
    stranger = MemberFactory(branch=world.branch_b)
    with pytest.raises(ValidationError) as refused:
        _correct(world, resolution, owner_member=stranger)
    assert "owner_member" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        _correct(world, resolution, text="   ")
    assert "text" in refused.value.message_dict
    resolution.refresh_from_db()
    assert resolution.owner_member.name == "参会2" and resolution.text == "落实事项0"
    # No owner at all is allowed, as when recording.
    _correct(world, resolution, owner_member=None)
    resolution.refresh_from_db()
    assert resolution.owner_member is None


def test_an_owner_given_as_a_user_stays_unless_a_roster_member_replaces_them(world: World) -> None:
    resolution = make_meeting(world.branch_a).resolutions.get()
    Resolution.objects.filter(pk=resolution.pk).update(owner_member=None, owner_user=world.member)
    resolution.refresh_from_db()
    _correct(world, resolution, owner_member=None, text="改文字")
    resolution.refresh_from_db()
    assert resolution.owner_user == world.member and resolution.text == "改文字"
    someone = MemberFactory(branch=world.branch_a)
    _correct(world, resolution, owner_member=someone)
    resolution.refresh_from_db()
    assert (resolution.owner_member, resolution.owner_user) == (someone, None)


def test_a_closed_resolution_is_no_longer_corrected(world: World) -> None:
    resolution = make_meeting(world.branch_a).resolutions.get()
    resolution_close(resolution=resolution, by=world.secretary_a, note="已完成")
    with pytest.raises(Conflict, match="closed"):
        _correct(world, resolution, text="改")
    with pytest.raises(Conflict):
        _correct(world, resolution, by=None, text="改")


@pytest.mark.parametrize("status", ["submitted", "reviewed", "final"])
def test_a_submitted_quarters_resolutions_are_frozen(world: World, default_edition, status: str) -> None:
    meeting = make_meeting(world.branch_a)
    day = meeting.held_at.date()
    card = open_scorecard(world.branch_a, year=day.year, quarter=(day.month - 1) // 3 + 1)
    Scorecard.objects.filter(pk=card.pk).update(status=status)
    with pytest.raises(Conflict, match="scorecard"):
        _correct(world, meeting.resolutions.get(), text="改")
    Scorecard.objects.filter(pk=card.pk).update(status="returned")
    _correct(world, meeting.resolutions.get(), text="退回后可改")
    assert meeting.resolutions.get().text == "退回后可改"


def test_only_the_branchs_keepers_correct_its_resolutions(world: World) -> None:
    resolution = make_meeting(world.branch_a).resolutions.get()
    with pytest.raises(PermissionDenied):
        _correct(world, resolution, by=world.member, text="改")
    with pytest.raises(Http404):
        _correct(world, resolution, by=world.secretary_b, text="改")
    _correct(world, resolution, by=world.secretary_a, text="书记改")
