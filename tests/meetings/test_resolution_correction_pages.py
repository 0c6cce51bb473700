"""Correcting an open resolution on the record's page and over the API: the same answers
(secretary and organising member of the branch; another branch 404; a member 403), errors
beside the field, a stale form kept as typed, a 409 when closed or frozen."""

from django.urls import reverse
from rest_framework.test import APIClient

from assessments.models import Scorecard
from meetings.models import Meeting
from meetings.services import resolution_close
from tests.conftest import World
from tests.factories import MemberFactory, make_meeting, open_scorecard


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_records_page_links_the_correction_of_open_resolutions_for_its_keepers(world: World, as_role) -> None:
    meeting = make_meeting(world.branch_a, resolutions=2)
    first, second = meeting.resolutions.order_by("pk")
    resolution_close(resolution=second, by=None, note="已完成")
    page = as_role("secretary_a").get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert reverse("meetings:resolution_edit", args=[first.pk]) in page
    assert reverse("meetings:resolution_edit", args=[second.pk]) not in page
    reviewer = as_role("reviewer").get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "mt-res-edit" not in reviewer


def test_the_secretary_corrects_a_resolution_on_its_page(world: World, as_role) -> None:
    meeting = make_meeting(world.branch_a)
    resolution = meeting.resolutions.get()
    owner = MemberFactory(branch=world.branch_a, name="新负责人")
    client = as_role("secretary_a")
    url = reverse("meetings:resolution_edit", args=[resolution.pk])
    form = client.get(url).content.decode()
    assert 'value="落实事项0"' in form and 'name="version" value="1"' in form
    typed = {"text": "落实党费收缴", "owner_member": owner.pk, "due_on": "2026-12-31", "version": 1}
    response = client.post(url, typed)
    assert response.status_code == 302 and response["Location"] == reverse("meetings:detail", args=[meeting.pk])
    resolution.refresh_from_db()
    assert (resolution.text, resolution.owner_member, resolution.due_on.isoformat()) == (
        "落实党费收缴",
        owner,
        "2026-12-31",
    )


def test_bad_input_is_shown_beside_the_field_and_changes_nothing(world: World, as_role) -> None:
    resolution = make_meeting(world.branch_a).resolutions.get()
    stranger = MemberFactory(branch=world.branch_b)
    client = as_role("secretary_a")
    url = reverse("meetings:resolution_edit", args=[resolution.pk])
    empty = client.post(url, {"text": "", "version": 1})
    assert empty.status_code == 200 and "This field is required." in empty.content.decode()
    other = client.post(url, {"text": "改", "owner_member": stranger.pk, "version": 1})
    assert "Select a valid choice." in other.content.decode()
    bad_date = client.post(url, {"text": "改", "due_on": "2026-02-31", "version": 1})
    assert "Enter a valid date." in bad_date.content.decode()
    resolution.refresh_from_db()
    assert resolution.text == "落实事项0" and Meeting.objects.get(pk=resolution.meeting_id).version == 1


def test_a_stale_form_is_refused_with_what_was_typed_kept(world: World, as_role) -> None:
    meeting = make_meeting(world.branch_a)
    resolution = meeting.resolutions.get()
    Meeting.objects.filter(pk=meeting.pk).update(version=2)
    response = as_role("secretary_a").post(
        reverse("meetings:resolution_edit", args=[resolution.pk]), {"text": "我打的字", "version": 1}
    )
    body = response.content.decode()
    assert response.status_code == 200 and 'id="mt-stale"' in body and 'value="我打的字"' in body
    resolution.refresh_from_db()
    assert resolution.text == "落实事项0"


def test_a_closed_or_frozen_resolution_sends_the_page_back_with_the_reason(
    world: World, as_role, default_edition
) -> None:
    meeting = make_meeting(world.branch_a, resolutions=2)
    first, second = meeting.resolutions.order_by("pk")
    resolution_close(resolution=first, by=None)
    client = as_role("secretary_a")
    closed = client.get(reverse("meetings:resolution_edit", args=[first.pk]), follow=True)
    assert "This resolution is closed: it can no longer be corrected." in closed.content.decode()
    day = meeting.held_at.date()
    card = open_scorecard(world.branch_a, year=day.year, quarter=(day.month - 1) // 3 + 1)
    Scorecard.objects.filter(pk=card.pk).update(status="submitted")
    url = reverse("meetings:resolution_edit", args=[second.pk])
    frozen = client.post(url, {"text": "改", "version": 1}, follow=True)
    assert "can no longer be changed" in frozen.content.decode()
    second.refresh_from_db()
    assert second.text == "落实事项1"


def test_roles_on_the_page_and_the_api_agree(world: World, as_role) -> None:
    resolution = make_meeting(world.branch_a).resolutions.get()
    page = reverse("meetings:resolution_edit", args=[resolution.pk])
    api = reverse("api:meeting-resolution-detail", kwargs={"pk": resolution.pk})
    for role, status in (("secretary_b", 404), ("member", 403), ("reviewer", 403)):
        assert as_role(role).get(page).status_code == status
        user = getattr(world, role)
        assert _api(user).patch(api, {"version": 1, "text": "改"}, format="json").status_code == status
    resolution.refresh_from_db()
    assert resolution.text == "落实事项0"


def test_the_api_corrects_a_resolution_and_answers_a_stale_closed_or_bad_one(world: World) -> None:
    meeting = make_meeting(world.branch_a)
    resolution = meeting.resolutions.get()
    url = reverse("api:meeting-resolution-detail", kwargs={"pk": resolution.pk})
    client = _api(world.secretary_a)
    response = client.patch(url, {"version": 1, "due_on": "2026-12-31"}, format="json")
    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["text"], data["owner_name"], data["due_on"], data["version"]) == (
        "落实事项0",
        "参会2",
        "2026-12-31",
        2,
    )
    assert client.patch(url, {"version": 1, "text": "旧版本"}, format="json").status_code == 409
    assert client.patch(url, {"text": "无版本"}, format="json").status_code == 400
    stranger = MemberFactory(branch=world.branch_b)
    assert client.patch(url, {"version": 2, "owner_member": stranger.pk}, format="json").status_code == 400
    assert client.patch(url, {"version": 2, "owner_member": None}, format="json").json()["owner_name"] == ""
    resolution_close(resolution=resolution, by=None)
    assert client.patch(url, {"version": 3, "text": "已销号"}, format="json").status_code == 409
