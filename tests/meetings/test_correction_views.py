"""Correcting a record through the pages, per role: the pre-filled form, a stale form kept as
typed, files added later (a bad one refused beside the field) and removed, the frozen quarter."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from assessments.models import Scorecard
from meetings.models import Meeting
from meetings.services import Absence, meeting_record
from tests.conftest import World
from tests.factories import open_scorecard

HELD = timezone.localtime() - dt.timedelta(days=1)


def _meeting(world: World, roster: list) -> Meeting:
    return meeting_record(
        branch=world.branch_a,
        by=world.secretary_a,
        kind="committee",
        held_at=HELD.replace(hour=9, minute=30, second=0, microsecond=0),
        place="项目部会议室",
        topics="传达上级会议精神",
        absences=[Absence(member=roster[1], reason="出差")],
    )


def _form(meeting: Meeting, roster: list, **overrides) -> dict:
    data = {
        "kind": "committee",
        "date": HELD.date().isoformat(),
        "time": "10:00",
        "place": "项目部会议室",
        "topics": "传达上级会议精神并研究落实",
        "version": meeting.version,
    }
    for member in roster:
        data[f"present_{member.pk}"] = "on"
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_the_edit_form_is_the_record_prefilled(world: World, as_role, roster_a) -> None:
    meeting = _meeting(world, roster_a)
    body = as_role("secretary_a").get(reverse("meetings:edit", args=[meeting.pk])).content.decode()
    assert "传达上级会议精神</textarea>" in body and 'value="09:30"' in body
    assert f'name="present_{roster_a[0].pk}" id="id_present_{roster_a[0].pk}" checked' in body
    assert f'name="present_{roster_a[1].pk}" id="id_present_{roster_a[1].pk}">' in body
    assert 'value="出差"' in body and 'name="version" value="1"' in body


def test_the_secretary_corrects_a_record(world: World, as_role, roster_a) -> None:
    meeting = _meeting(world, roster_a)
    url = reverse("meetings:edit", args=[meeting.pk])
    response = as_role("secretary_a").post(url, _form(meeting, roster_a))
    assert response.status_code == 302 and response.url == reverse("meetings:detail", args=[meeting.pk])
    meeting.refresh_from_db()
    assert meeting.topics == "传达上级会议精神并研究落实" and meeting.version == 2
    assert meeting.attendance_counts() == (4, 4)
    page = as_role("secretary_a").get(response.url).content.decode()
    assert "Last corrected" in page and "Correct the record" in page


def test_a_missing_reason_is_shown_beside_the_name_and_nothing_changes(world: World, as_role, roster_a) -> None:
    meeting = _meeting(world, roster_a)
    data = _form(meeting, roster_a, **{f"present_{roster_a[2].pk}": None})
    response = as_role("secretary_a").post(reverse("meetings:edit", args=[meeting.pk]), data)
    assert response.status_code == 200
    assert "Say why 赵敏 was absent." in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.version == 1 and meeting.topics == "传达上级会议精神"


def test_a_stale_form_is_refused_and_keeps_what_was_typed(world: World, as_role, roster_a) -> None:
    meeting = _meeting(world, roster_a)
    url = reverse("meetings:edit", args=[meeting.pk])
    assert as_role("secretary_a").post(url, _form(meeting, roster_a, topics="先保存的")).status_code == 302
    response = as_role("secretary_a").post(url, _form(meeting, roster_a, topics="后来输入的文字"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "changed this record at" in body and "后来输入的文字</textarea>" in body
    assert 'id="mt-stale"' in body and "先保存的" in body
    meeting.refresh_from_db()
    assert meeting.topics == "先保存的"


def test_other_roles_cannot_correct(world: World, as_role, roster_a) -> None:
    meeting = _meeting(world, roster_a)
    url = reverse("meetings:edit", args=[meeting.pk])
    assert as_role("secretary_b").post(url, _form(meeting, roster_a)).status_code == 404
    assert as_role("member").post(url, _form(meeting, roster_a)).status_code == 403
    assert as_role("reviewer").post(url, _form(meeting, roster_a)).status_code == 403
    files = {"files": SimpleUploadedFile("a.pdf", b"%PDF-1.4 x", content_type="application/pdf")}
    assert as_role("reviewer").post(reverse("meetings:files_add", args=[meeting.pk]), files).status_code == 403
    page = as_role("reviewer").get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert reverse("meetings:edit", args=[meeting.pk]) not in page and 'id="mt-files"' not in page
    meeting.refresh_from_db()
    assert meeting.version == 1 and not meeting.files.exists()


def test_files_are_added_later_and_a_bad_one_is_refused_beside_the_field(world: World, as_role, roster_a) -> None:
    meeting = _meeting(world, roster_a)
    url = reverse("meetings:files_add", args=[meeting.pk])
    fake = SimpleUploadedFile("photo.jpg", b"MZ not a jpeg", content_type="image/jpeg")
    response = as_role("secretary_a").post(url, {"files": [fake]})
    body = response.content.decode()
    assert response.status_code == 400 and 'class="field has-error"' in body and 'id="mt-files"' in body
    assert not meeting.files.exists()
    photo = SimpleUploadedFile("签到表.pdf", b"%PDF-1.4 sign-in", content_type="application/pdf")
    response = as_role("secretary_a").post(url, {"files": [photo]})
    assert response.status_code == 302
    stored = meeting.files.get()
    assert stored.name == "签到表.pdf"
    remove = reverse("meetings:file_remove", args=[stored.pk])
    assert remove in as_role("secretary_a").get(response.url).content.decode()
    assert as_role("secretary_b").post(remove).status_code == 404
    assert as_role("member").post(remove).status_code == 403
    assert as_role("secretary_a").post(remove).status_code == 302
    assert not meeting.files.exists()


def test_a_submitted_quarter_says_why_the_record_cannot_change(
    world: World, as_role, roster_a, default_edition
) -> None:
    meeting = _meeting(world, roster_a)
    day = timezone.localtime(meeting.held_at).date()
    card = open_scorecard(world.branch_a, year=day.year, quarter=(day.month - 1) // 3 + 1)
    Scorecard.objects.filter(pk=card.pk).update(status="final")
    secretary = as_role("secretary_a")
    page = secretary.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert 'id="mt-frozen"' in page and "can no longer be changed" in page and 'id="mt-files"' not in page
    response = secretary.get(reverse("meetings:edit", args=[meeting.pk]))
    assert response.status_code == 302
    response = secretary.post(reverse("meetings:edit", args=[meeting.pk]), _form(meeting, roster_a))
    assert response.status_code == 200 and "can no longer be changed" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.version == 1
