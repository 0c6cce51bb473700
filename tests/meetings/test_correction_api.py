"""Correcting a meeting record over the REST API: PATCH with the version as read."""

from django.urls import reverse
from rest_framework.test import APIClient

from assessments.models import Scorecard
from branches.models import AuditEvent
from tests.conftest import World
from tests.factories import make_meeting, open_scorecard


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_secretary_corrects_a_record_and_a_stale_version_is_a_409(world: World) -> None:
    meeting = make_meeting(world.branch_a, members=3, absent=1)
    url = reverse("api:meeting-detail", kwargs={"pk": meeting.pk})
    newcomer = meeting.attendance.get(present=True, member__name="参会1").member
    body = {"version": 1, "place": "工地会议室", "absences": [{"member": newcomer.pk, "reason": "病假"}]}
    response = _api(world.secretary_a).patch(url, body, format="json")
    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["place"], data["version"], data["present"], data["topics"]) == ("工地会议室", 2, 2, "学习上级文件精神")
    assert AuditEvent.objects.filter(action="meeting_corrected").count() == 1
    stale = _api(world.secretary_a).patch(url, {"version": 1, "place": "别处"}, format="json")
    assert stale.status_code == 409
    meeting.refresh_from_db()
    assert meeting.place == "工地会议室"


def test_bad_input_is_a_400_and_a_submitted_quarter_a_409(world: World, default_edition) -> None:
    meeting = make_meeting(world.branch_a)
    url = reverse("api:meeting-detail", kwargs={"pk": meeting.pk})
    client = _api(world.secretary_a)
    assert client.patch(url, {"topics": "无版本"}, format="json").status_code == 400
    assert (
        client.patch(url, {"version": 1, "absences": [{"member": 10**9, "reason": "x"}]}, format="json").status_code
        == 400
    )
    day = meeting.held_at.date()
    card = open_scorecard(world.branch_a, year=day.year, quarter=(day.month - 1) // 3 + 1)
    Scorecard.objects.filter(pk=card.pk).update(status="submitted")
    response = client.patch(url, {"version": 1, "topics": "改"}, format="json")
    assert response.status_code == 409
    meeting.refresh_from_db()
    assert meeting.version == 1
