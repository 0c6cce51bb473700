"""Who may do what with the meeting records (会议记录).

The secretary and the organising member (组织委员) keep their branch's records; a member reads
the records of the meetings they were expected at; the committee's reviewers and
administrators read the whole subtree."""

from django.utils.translation import gettext_lazy as _

from branches.abilities import define, organisation_of
from branches.models import Organisation, Role

from .locks import is_frozen
from .locks import refusal as frozen_refusal
from .models import Attendance, Meeting, MeetingFile, Resolution

organisation_of(Meeting, lambda meeting: meeting.branch)
organisation_of(Attendance, lambda row: row.meeting.branch)
organisation_of(Resolution, lambda row: row.meeting.branch)
organisation_of(MeetingFile, lambda row: row.meeting.branch)

KEEPERS = (Role.SECRETARY, Role.ORGANIZING_MEMBER)
READERS = (Role.ADMINISTRATOR, Role.REVIEWER, *KEEPERS)


def _was_expected(user, meeting: Meeting) -> bool:
    return meeting.attendance.filter(member__user_id=user.pk).exists()


def _owns(user, resolution: Resolution) -> bool:
    if resolution.owner_user_id is not None:
        return resolution.owner_user_id == user.pk
    return resolution.owner_member_id is not None and resolution.owner_member.user_id == user.pk


# The list of a unit's meetings: a plain member sees there only the ones they were expected at.
define("meeting.list", (*READERS, Role.MEMBER), on=Organisation, label=_("See the meeting records"))
define("meeting.view", READERS, on=Meeting, owner=_was_expected, label=_("Read the record"))
define("meeting.record", KEEPERS, on=Organisation, label=_("Record a meeting"))
# Correcting a record and adding or removing its files, until its quarter's scorecard is submitted.
define(
    "meeting.edit",
    KEEPERS,
    on=Meeting,
    when=lambda meeting: not is_frozen(meeting),
    refused=frozen_refusal,
    label=_("Correct the record"),
)
define(
    "meeting.makeup",
    KEEPERS,
    on=Attendance,
    when=lambda row: not row.present,
    refused=_("Only an absentee makes up the study."),
    label=_("Record the make-up study"),
)
define(
    "resolution.close",
    KEEPERS,
    on=Resolution,
    owner=_owns,
    when=lambda row: row.closed_at is None,
    refused=_("This resolution is already closed."),
    label=_("Close the resolution"),
)


def _resolution_refusal(row: Resolution) -> str:
    if row.closed_at is not None:
        return str(_("This resolution is closed: it can no longer be corrected."))
    return frozen_refusal(row.meeting)


# Correcting an open resolution (text, owner, due date), until its quarter's scorecard is submitted.
define(
    "resolution.edit",
    KEEPERS,
    on=Resolution,
    when=lambda row: row.closed_at is None and not is_frozen(row.meeting),
    refused=_resolution_refusal,
    label=_("Correct the resolution"),
)
