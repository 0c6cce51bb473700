"""The meeting pages per role: recording with the roster checklist, the record, make-up study,
closing a resolution, the list's filters, the workbench's open resolutions."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from meetings.models import Meeting
from tests.conftest import World
from tests.factories import MemberFactory, make_meeting


def _form(roster: list, **overrides) -> dict:
    data = {
        "kind": "committee",
        "date": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
        "time": "09:30",
        "place": "项目部会议室",
        "topics": "传达上级会议精神",
        "host": roster[0].pk,
        "res_text_0": "整理会议记录",
        "res_owner_0": roster[2].pk,
        "res_due_0": "2026-12-15",
    }
    for member in roster:
        data[f"present_{member.pk}"] = "on"
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_the_record_form_lists_the_roster_all_ticked(world: World, as_role, roster_a) -> None:
    response = as_role("secretary_a").get(reverse("meetings:record", args=[world.branch_a.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    for member in roster_a:
        assert f'name="present_{member.pk}" id="id_present_{member.pk}" checked' in body


def test_the_secretary_records_a_meeting_with_an_absentee(world: World, as_role, roster_a) -> None:
    url = reverse("meetings:record", args=[world.branch_a.pk])
    data = _form(roster_a, **{f"present_{roster_a[1].pk}": None, f"reason_{roster_a[1].pk}": "出差"})
    response = as_role("secretary_a").post(url, data)
    meeting = Meeting.objects.get(branch=world.branch_a)
    assert response.status_code == 302 and response.url == reverse("meetings:detail", args=[meeting.pk])
    assert meeting.attendance_counts() == (3, 4)
    assert meeting.resolutions.get().owner_member == roster_a[2]
    page = as_role("secretary_a").get(response.url).content.decode()
    assert "75.0%" in page and "出差" in page and "Not made up" in page


def test_an_absentee_without_a_reason_is_shown_beside_their_name_and_nothing_is_saved(
    world: World, as_role, roster_a
) -> None:
    url = reverse("meetings:record", args=[world.branch_a.pk])
    response = as_role("secretary_a").post(url, _form(roster_a, **{f"present_{roster_a[1].pk}": None}))
    assert response.status_code == 200
    assert "Say why 李强 was absent." in response.content.decode()
    assert not Meeting.objects.exists()


def test_another_branchs_record_form_is_404_and_a_member_gets_403(world: World, as_role, roster_a) -> None:
    url = reverse("meetings:record", args=[world.branch_a.pk])
    assert as_role("secretary_b").post(url, _form(roster_a)).status_code == 404
    assert as_role("member").post(url, _form(roster_a)).status_code == 403
    assert as_role("reviewer").get(url).status_code == 403
    assert not Meeting.objects.exists()


def test_a_member_reads_the_records_of_the_meetings_they_were_expected_at(world: World, as_role, roster_a) -> None:
    theirs = make_meeting(world.branch_a)
    theirs.attendance.create(member=roster_a[0], present=True)
    other = make_meeting(world.branch_a)
    assert as_role("member").get(reverse("meetings:detail", args=[theirs.pk])).status_code == 200
    assert as_role("member").get(reverse("meetings:detail", args=[other.pk])).status_code == 403
    listing = as_role("member").get(reverse("meetings:unit", args=[world.branch_a.pk])).content.decode()
    assert reverse("meetings:detail", args=[theirs.pk]) in listing
    assert reverse("meetings:detail", args=[other.pk]) not in listing


def test_the_list_filters_by_kind_and_quarter_and_refuses_a_bad_quarter(world: World, as_role) -> None:
    lecture = make_meeting(world.branch_a, kind="lecture", held_at=timezone.make_aware(dt.datetime(2026, 8, 3, 9)))
    committee = make_meeting(world.branch_a, held_at=timezone.make_aware(dt.datetime(2026, 10, 9, 9)))
    url = reverse("meetings:unit", args=[world.branch_a.pk])
    page = as_role("reviewer").get(url, {"kind": "lecture"}).content.decode()
    assert reverse("meetings:detail", args=[lecture.pk]) in page
    assert reverse("meetings:detail", args=[committee.pk]) not in page
    page = as_role("reviewer").get(url, {"quarter": "2026Q4"}).content.decode()
    assert reverse("meetings:detail", args=[committee.pk]) in page
    assert reverse("meetings:detail", args=[lecture.pk]) not in page
    response = as_role("reviewer").get(url, {"quarter": "2026Q9", "kind": "nonsense"})
    assert response.status_code == 200 and "A quarter is written like 2026Q3." in response.content.decode()


def test_the_secretary_records_the_make_up_study_of_an_absentee(world: World, as_role) -> None:
    meeting = make_meeting(world.branch_a)
    row = meeting.attendance.get(present=False)
    url = reverse("meetings:makeup", args=[row.pk])
    response = as_role("secretary_a").post(url, {"on": timezone.localdate().isoformat(), "note": "书记单独传达"})
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.makeup_on == timezone.localdate() and row.makeup_note == "书记单独传达"
    response = as_role("secretary_a").post(url, {"on": "2999-01-01"})
    assert response.status_code == 200 and "cannot be in the future" in response.content.decode()
    assert as_role("secretary_b").get(url).status_code == 404
    assert as_role("reviewer").get(url).status_code == 403


def test_resolutions_close_one_by_one_and_the_workbench_count_matches_its_list(world: World, as_role) -> None:
    meeting = make_meeting(world.branch_a, resolutions=2)
    first, second = meeting.resolutions.order_by("pk")
    home = as_role("secretary_a").get(reverse("home")).content.decode()
    assert 'id="wb-resolutions"' in home and 'data-count="2"' in home
    listing = as_role("secretary_a").get(reverse("meetings:resolutions"))
    assert listing.context["count"] == 2
    response = as_role("secretary_a").post(reverse("meetings:resolution_close", args=[first.pk]), {"note": "已完成"})
    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.closed_at is not None and second.closed_at is None
    assert as_role("secretary_a").get(reverse("meetings:resolutions")).context["count"] == 1
    # Closing it again changes nothing and says why.
    again = as_role("secretary_a").post(reverse("meetings:resolution_close", args=[first.pk]), follow=True)
    assert "already closed" in again.content.decode()
    assert as_role("secretary_b").post(reverse("meetings:resolution_close", args=[second.pk])).status_code == 404


def test_the_record_form_of_a_branch_with_an_empty_roster_says_so(world: World, as_role) -> None:
    response = as_role("secretary_b").get(reverse("meetings:record", args=[world.branch_b.pk]))
    assert response.status_code == 200 and "roster is empty" in response.content.decode()
    MemberFactory(branch=world.branch_b)
