"""Role × URL table of the meeting records (see tests/url_table.py)."""

from tests.factories import make_meeting
from tests.url_table import Case, from_ability, statuses

# The rows an ability guards are derived from meetings/permissions.py (a plain member of A
# reads only the meetings they were expected at; the fixture member was not: 403).


def _meeting_in_a(world: object) -> dict[str, int]:
    return {"pk": make_meeting(world.branch_a).pk}


def _absentee_in_a(world: object) -> dict[str, int]:
    return {"pk": make_meeting(world.branch_a).attendance.get(present=False).pk}


def _resolution_in_a(world: object) -> dict[str, int]:
    return {"pk": make_meeting(world.branch_a).resolutions.get().pk}


def _file_in_a(world: object) -> dict[str, int]:
    from django.core.files.base import ContentFile

    from meetings.models import MeetingFile

    meeting = make_meeting(world.branch_a)
    stored = MeetingFile(meeting=meeting, name="签到表.pdf", content_type="application/pdf", size=9)
    stored.file.save("a.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
    stored.save()
    return {"pk": stored.pk}


URLS = {
    "meetings:index": Case(statuses(302, outsider=403)),
    "meetings:unit": Case(from_ability("meeting.list"), kwargs=lambda w: {"pk": w.branch_a.pk}),
    "meetings:record": Case(from_ability("meeting.record"), kwargs=lambda w: {"pk": w.branch_a.pk}),
    "meetings:detail": Case(from_ability("meeting.view"), kwargs=_meeting_in_a),
    "meetings:pdf": Case(from_ability("meeting.view"), kwargs=_meeting_in_a),
    "meetings:file": Case(from_ability("meeting.view"), kwargs=_file_in_a),
    "meetings:makeup": Case(from_ability("meeting.makeup"), kwargs=_absentee_in_a),
    "meetings:resolutions": Case(statuses(200, outsider=403)),
    # --- meetedit: correcting a record, its files added later or removed ---
    "meetings:edit": Case(from_ability("meeting.edit"), kwargs=_meeting_in_a),
    # No file posted: the holder sees the page again with the message beside the field.
    "meetings:files_add": Case(from_ability("meeting.edit", ok=400), kwargs=_meeting_in_a, method="post"),
    "meetings:file_remove": Case(from_ability("meeting.edit", ok=302), kwargs=_file_in_a, method="post"),
    "meetings:resolution_close": Case(from_ability("resolution.close", ok=302), kwargs=_resolution_in_a, method="post"),
    "meetings:resolution_edit": Case(from_ability("resolution.edit"), kwargs=_resolution_in_a),
}
