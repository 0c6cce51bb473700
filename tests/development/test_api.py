"""发展党员 over the API per role: list with its filters, detail, opening a file, recording steps."""

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone
from rest_framework.test import APIClient

from development.stages import StepKind
from tests.development.files import D, file_through, new_file
from tests.factories import make_id_number

pytestmark = pytest.mark.django_db
LIST = "/api/v1/development-candidates/"


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the tests read the English messages
    return client


def test_the_list_filters_by_unit_stage_and_closed(world, roster_a) -> None:
    new_file(world.branch_a, name="甲")
    file_through(world.branch_a, StepKind.ACTIVIST, people=roster_a, name="乙")
    new_file(world.branch_b, name="丙")
    reviewer = _client(world.reviewer)
    names = lambda answer: sorted(row["name"] for row in answer.json()["results"])  # noqa: E731
    assert names(reviewer.get(LIST)) == ["丙", "乙", "甲"]
    assert names(reviewer.get(LIST, {"branch": world.branch_a.pk})) == ["乙", "甲"]
    assert names(reviewer.get(LIST, {"stage": "activist"})) == ["乙"]
    assert names(reviewer.get(LIST, {"closed": "true"})) == []
    assert names(_client(world.secretary_a).get(LIST)) == ["乙", "甲"]
    assert _client(world.secretary_a).get(LIST, {"branch": world.branch_b.pk}).status_code == 400
    assert reviewer.get(LIST, {"stage": "nonsense"}).status_code == 400
    assert _client(world.member).get(LIST).status_code == 403


def test_the_detail_shows_the_steps_the_next_one_and_a_masked_id_number(world) -> None:
    candidate = new_file(world.branch_a)
    body = _client(world.reviewer).get(f"{LIST}{candidate.pk}/").json()
    assert [s["kind"] for s in body["steps"]] == ["application"]
    assert body["next_step"]["kind"] == "talk" and body["next_step"]["due_on"] == candidate.talk_due_on.isoformat()
    assert "*" in body["id_number"] and candidate.id_number not in str(body)
    assert _client(world.secretary_b).get(f"{LIST}{candidate.pk}/").status_code == 404
    assert _client(world.member).get(f"{LIST}{candidate.pk}/").status_code == 403


def test_the_secretary_opens_a_file_and_records_its_steps(world, roster_a) -> None:
    client = _client(world.secretary_a)
    birth = dt.date(1996, 1, 2)
    today = timezone.localdate()
    answer = client.post(
        LIST,
        {
            "branch": world.branch_a.pk,
            "name": "新人",
            "gender": "male",
            "birth_date": birth.isoformat(),
            "id_number": make_id_number(birth, region="310104"),
            "applied_on": (today - D(3)).isoformat(),
        },
        format="json",
    )
    assert answer.status_code == 201, answer.json()
    pk = answer.json()["id"]
    steps = f"{LIST}{pk}/steps/"
    assert client.post(steps, {"kind": "talk", "on": today.isoformat()}, format="json").status_code == 201
    skipped = client.post(steps, {"kind": "prospect", "on": today.isoformat()}, format="json")
    assert skipped.status_code == 400 and "none skipped" in skipped.json()["error"]["message"]
    people = [roster_a[0].pk, 10**9]
    unknown = client.post(steps, {"kind": "activist", "on": today.isoformat(), "people": people}, format="json")
    assert unknown.status_code == 400 and "people" in unknown.json()["error"]["fields"]
    good = client.post(
        steps, {"kind": "activist", "on": today.isoformat(), "people": [p.pk for p in roster_a[:2]]}, format="json"
    )
    assert good.status_code == 201 and good.json()["stage"] == "activist"


def test_a_reviewer_cannot_write_and_another_branch_gets_404(world) -> None:
    candidate = new_file(world.branch_a)
    body = {"kind": "talk", "on": timezone.localdate().isoformat()}
    assert _client(world.reviewer).post(f"{LIST}{candidate.pk}/steps/", body, format="json").status_code == 403
    assert _client(world.secretary_b).post(f"{LIST}{candidate.pk}/steps/", body, format="json").status_code == 404
    assert candidate.steps.count() == 1


def test_a_closed_file_is_a_conflict(world) -> None:
    from development.services import candidate_close

    candidate = new_file(world.branch_a)
    candidate_close(candidate=candidate, by=None, on=timezone.localdate(), reason="调离")
    body = {"kind": "talk", "on": timezone.localdate().isoformat()}
    assert _client(world.secretary_a).post(f"{LIST}{candidate.pk}/steps/", body, format="json").status_code == 409
