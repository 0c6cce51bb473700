"""The meeting records over the REST API: list, detail, create (the same services and abilities)."""

from django.urls import reverse
from rest_framework.test import APIClient

from meetings.models import Meeting
from tests.conftest import World
from tests.factories import make_meeting


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_secretary_records_a_meeting_over_the_api(world: World, roster_a) -> None:
    body = {
        "branch": world.branch_a.pk,
        "kind": "lecture",
        "held_at": "2026-11-05T14:00:00+08:00",
        "place": "党员活动室",
        "topics": "专题党课",
        "host": roster_a[0].pk,
        "absences": [{"member": roster_a[3].pk, "reason": "休假"}],
        "resolutions": [{"text": "撰写心得", "owner_member": roster_a[1].pk, "due_on": "2026-11-30"}],
    }
    response = _api(world.secretary_a).post(reverse("api:meeting-list"), body, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["kind"], data["kind_label"], data["expected"], data["present"]) == ("lecture", "党课", 4, 3)
    assert data["attendance_rate"] == "75.0"
    assert [r["text"] for r in data["resolutions"]] == ["撰写心得"]
    assert response["Location"] == reverse("api:meeting-detail", kwargs={"pk": data["id"]})


def test_a_stranger_of_the_roster_or_another_branch_is_refused(world: World, roster_a) -> None:
    body = {
        "branch": world.branch_a.pk,
        "kind": "committee",
        "held_at": "2026-11-05T14:00:00+08:00",
        "place": "会议室",
        "topics": "议题",
        "absences": [{"member": 10**12, "reason": "x"}],
    }
    response = _api(world.secretary_a).post(reverse("api:meeting-list"), body, format="json")
    assert response.status_code == 400
    assert "absences" in response.json()["error"]["fields"]
    assert _api(world.secretary_b).post(reverse("api:meeting-list"), body, format="json").status_code == 404
    assert not Meeting.objects.exists()


def test_the_list_holds_the_users_scope_and_the_members_own_meetings(world: World, roster_a) -> None:
    in_a = make_meeting(world.branch_a)
    in_b = make_meeting(world.branch_b)
    ids = {row["id"] for row in _api(world.reviewer).get(reverse("api:meeting-list")).json()["results"]}
    assert ids == {in_a.pk, in_b.pk}
    ids = {row["id"] for row in _api(world.secretary_a).get(reverse("api:meeting-list")).json()["results"]}
    assert ids == {in_a.pk}
    assert _api(world.member).get(reverse("api:meeting-list")).json()["results"] == []
    in_a.attendance.create(member=roster_a[0], present=False, absence_reason="出差")
    detail = _api(world.member).get(reverse("api:meeting-detail", kwargs={"pk": in_a.pk}))
    assert detail.status_code == 200
    assert _api(world.secretary_a).get(reverse("api:meeting-detail", kwargs={"pk": in_b.pk})).status_code == 404
