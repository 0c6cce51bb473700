"""The writes of the record's page over the API: closing a resolution, an absentee's make-up."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from tests.conftest import World
from tests.factories import make_meeting


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _close(user, resolution, note: str = "已落实"):
    url = reverse("api:meeting-resolution-close", kwargs={"pk": resolution.pk})
    return _api(user).post(url, {"note": note}, format="json")


def test_the_secretary_closes_a_resolution_and_a_second_close_is_a_conflict(world: World) -> None:
    resolution = make_meeting(world.branch_a).resolutions.get()
    response = _close(world.secretary_a, resolution)
    assert response.status_code == 200, response.content
    assert (response.json()["is_open"], response.json()["close_note"]) == (False, "已落实")
    resolution.refresh_from_db()
    assert resolution.closed_by == world.secretary_a
    again = _close(world.secretary_a, resolution, "again")
    assert again.status_code == 409
    assert again.json()["error"]["message"] == "该决议事项已销号。"
    resolution.refresh_from_db()
    assert resolution.close_note == "已落实"


def test_closing_is_refused_outside_the_scope_and_without_the_role(world: World) -> None:
    resolution = make_meeting(world.branch_a).resolutions.get()
    assert _close(world.secretary_b, resolution).status_code == 404
    assert _close(world.reviewer, resolution).status_code == 403
    assert _close(world.member, resolution).status_code == 403
    resolution.refresh_from_db()
    assert resolution.is_open


def test_the_owner_of_a_resolution_closes_it_and_finds_it_in_the_open_list(world: World, roster_a) -> None:
    meeting = make_meeting(world.branch_a)
    resolution = meeting.resolutions.get()
    resolution.owner_member = roster_a[0]  # the fixture member's own record
    resolution.save()
    listed = _api(world.member).get(reverse("api:meeting-resolution-list")).json()["results"]
    assert [(row["id"], row["meeting"]) for row in listed] == [(resolution.pk, meeting.pk)]
    assert _close(world.member, resolution).status_code == 200
    assert _api(world.member).get(reverse("api:meeting-resolution-list")).json()["results"] == []


def test_a_note_too_long_is_a_400_and_changes_nothing(world: World) -> None:
    resolution = make_meeting(world.branch_a).resolutions.get()
    response = _close(world.secretary_a, resolution, "长" * 301)
    assert response.status_code == 400
    assert "note" in response.json()["error"]["fields"]
    resolution.refresh_from_db()
    assert resolution.is_open


def _makeup(user, row, **body):
    url = reverse("api:meeting-attendance-makeup", kwargs={"pk": row.pk})
    return _api(user).post(url, body, format="json")


def test_the_secretary_records_an_absentees_makeup(world: World) -> None:
    meeting = make_meeting(world.branch_a)
    row = meeting.attendance.get(present=False)
    leader = meeting.attendance.filter(present=True).first().member
    day = timezone.localdate().isoformat()
    response = _makeup(world.secretary_a, row, on=day, led_by=leader.pk, note="书记带学")
    assert response.status_code == 200, response.content
    assert (response.json()["makeup_on"], response.json()["makeup_by_name"]) == (day, leader.name)


def test_a_makeup_is_refused_for_one_present_in_the_future_or_led_by_a_stranger(world: World) -> None:
    meeting = make_meeting(world.branch_a)
    present = meeting.attendance.filter(present=True).first()
    absent = meeting.attendance.get(present=False)
    today = timezone.localdate()
    refused = _makeup(world.secretary_a, present, on=today.isoformat())
    assert refused.status_code == 409
    assert refused.json()["error"]["message"] == "只有缺席人员需要补学。"
    future = _makeup(world.secretary_a, absent, on=(today + dt.timedelta(days=1)).isoformat())
    assert future.status_code == 400
    stranger = make_meeting(world.branch_b).attendance.first().member
    foreign = _makeup(world.secretary_a, absent, on=today.isoformat(), led_by=stranger.pk)
    assert foreign.status_code == 400
    assert "led_by" in foreign.json()["error"]["fields"]
    assert _makeup(world.secretary_b, absent, on=today.isoformat()).status_code == 404
    assert _makeup(world.reviewer, absent, on=today.isoformat()).status_code == 403
    absent.refresh_from_db()
    assert absent.makeup_on is None
