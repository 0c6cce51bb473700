"""The development pages per role: the secretary keeps the branch's files, another branch's
secretary gets 404, a plain member 403, a reviewer reads but cannot write."""

import pytest
from django.urls import reverse
from django.utils import timezone

from development.models import Candidate
from development.stages import StepKind
from tests.development.files import D, file_through, new_file
from tests.factories import make_id_number

pytestmark = pytest.mark.django_db


def test_the_list_groups_the_files_by_stage_with_the_next_step_and_its_due_date(world, roster_a, as_role) -> None:
    applicant = new_file(world.branch_a, applied_on=timezone.localdate() - D(5), name="刘洋")
    file_through(world.branch_a, StepKind.ACTIVIST, people=roster_a, name="周婷")
    page = as_role("secretary_a").get(reverse("development:unit", args=[world.branch_a.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    applicants = body[body.index('id="dev-stage-applicant"') : body.index('id="dev-stage-activist"')]
    assert "刘洋" in applicants and "Talk with the applicant" in applicants
    assert f"by {applicant.talk_due_on:%Y-%m-%d}" in applicants
    assert "周婷" in body[body.index('id="dev-stage-activist"') :]


def test_the_secretary_opens_a_file_and_bad_input_is_shown_beside_the_field(world, as_role) -> None:
    client = as_role("secretary_a")
    url = reverse("development:create", args=[world.branch_a.pk])
    birth = "1997-04-05"
    data = {"name": "新人", "gender": "male", "birth_date": birth, "id_number": "123", "applied_on": "2026-01-05"}
    page = client.post(url, data)
    assert page.status_code == 200 and "An ID number has 18 characters." in page.content.decode()
    assert not Candidate.objects.exists()
    import datetime as dt

    data["id_number"] = make_id_number(dt.date(1997, 4, 5), region="310103")
    page = client.post(url, data)
    candidate = Candidate.objects.get()
    assert page.status_code == 302 and page["Location"] == reverse("development:detail", args=[candidate.pk])


def test_recording_the_next_step_moves_the_file_on(world, roster_a, as_role) -> None:
    candidate = file_through(world.branch_a, StepKind.TALK, people=roster_a)
    client = as_role("secretary_a")
    url = reverse("development:record", args=[candidate.pk, StepKind.ACTIVIST])
    form = client.get(url)
    assert form.status_code == 200 and "First contact" in form.content.decode()
    on = (candidate.steps.get(kind=StepKind.TALK).on + D(1)).isoformat()
    page = client.post(url, {"on": on, "person_1": roster_a[0].pk, "person_2": roster_a[1].pk})
    assert page.status_code == 302
    candidate.refresh_from_db()
    assert candidate.stage == "activist" and candidate.contacts.count() == 2


def test_a_rule_broken_is_said_beside_the_field_and_nothing_is_recorded(world, roster_a, as_role) -> None:
    candidate = file_through(world.branch_a, StepKind.TRAINING, people=roster_a)
    start = candidate.steps.get(kind=StepKind.TRAINING).on + D(1)
    url = reverse("development:record", args=[candidate.pk, StepKind.PUBLICITY])
    page = as_role("secretary_a").post(url, {"on": start.isoformat(), "ends_on": start.isoformat()})
    body = page.content.decode()
    assert page.status_code == 200 and "at least 5 working days" in body
    assert body.index("at least 5 working days") > body.index('name="ends_on"')
    assert not candidate.steps.filter(kind=StepKind.PUBLICITY).exists()


def test_a_step_out_of_order_sends_back_to_the_file_with_a_message(world, as_role) -> None:
    candidate = new_file(world.branch_a)
    page = as_role("secretary_a").get(reverse("development:record", args=[candidate.pk, StepKind.OATH]), follow=True)
    assert "Record Talk with the applicant first" in page.content.decode()
    assert as_role("secretary_a").get(reverse("development:record", args=[candidate.pk, "nonsense"])).status_code == 404


def test_another_branchs_secretary_gets_404_and_a_member_403(world, as_role) -> None:
    candidate = new_file(world.branch_a)
    for name in ("development:detail",):
        assert as_role("secretary_b").get(reverse(name, args=[candidate.pk])).status_code == 404
        assert as_role("member").get(reverse(name, args=[candidate.pk])).status_code == 403
    record = reverse("development:record", args=[candidate.pk, StepKind.TALK])
    assert as_role("secretary_b").post(record, {"on": "2026-01-05"}).status_code == 404
    assert as_role("member").get(reverse("development:unit", args=[world.branch_a.pk])).status_code == 403
    assert candidate.steps.count() == 1


def test_a_reviewer_reads_the_file_but_cannot_write(world, as_role) -> None:
    candidate = new_file(world.branch_a, name="刘洋")
    client = as_role("reviewer")
    page = client.get(reverse("development:detail", args=[candidate.pk]))
    assert page.status_code == 200 and "刘洋" in page.content.decode()
    assert "Record:" not in page.content.decode() and "Close the file" not in page.content.decode()
    record = reverse("development:record", args=[candidate.pk, StepKind.TALK])
    assert client.post(record, {"on": timezone.localdate().isoformat()}).status_code == 403
    assert client.get(reverse("development:unit", args=[world.committee.pk])).status_code == 200
    assert candidate.steps.count() == 1


def test_closing_a_file_and_the_closed_file_refuses_steps(world, as_role) -> None:
    candidate = new_file(world.branch_a)
    client = as_role("secretary_a")
    today = timezone.localdate().isoformat()
    client.post(reverse("development:close", args=[candidate.pk]), {"on": today, "reason": "调离本单位"})
    candidate.refresh_from_db()
    assert candidate.closed_on is not None
    page = client.get(reverse("development:record", args=[candidate.pk, StepKind.TALK]), follow=True)
    assert "This development file is closed." in page.content.decode()


def test_the_workbench_shows_the_secretary_the_coming_deadlines(world, as_role) -> None:
    new_file(world.branch_a, applied_on=timezone.localdate() - D(25), name="刘洋")
    new_file(world.branch_b, applied_on=timezone.localdate() - D(25), name="乙支部的人")
    body = as_role("secretary_a").get(reverse("home")).content.decode()
    assert 'id="wb-development_deadlines"' in body and "刘洋 · Talk with the applicant" in body
    assert "乙支部的人" not in body
    assert 'id="wb-development_deadlines"' not in as_role("member").get(reverse("home")).content.decode()


def test_the_member_page_links_to_the_file_the_member_came_from(world, roster_a, as_role) -> None:
    candidate = file_through(world.branch_a, StepKind.APPROVED, people=roster_a, admitted_ago=100)
    page = as_role("secretary_a").get(reverse("members:detail", args=[candidate.member_id]))
    assert reverse("development:detail", args=[candidate.pk]) in page.content.decode()


def test_the_timeline_puts_the_assessments_of_the_probation_under_the_probationary_stage(world, roster_a) -> None:
    from development import selectors
    from development.services import step_record

    candidate = file_through(world.branch_a, StepKind.OATH, people=roster_a, admitted_ago=200)
    oath = candidate.steps.get(kind=StepKind.OATH).on
    step_record(candidate=candidate, by=None, kind=StepKind.ASSESSMENT, on=oath + D(1))
    candidate = selectors.get_candidate_for(world.secretary_a, candidate.pk)
    stages = {stage: [s.kind for s in steps] for stage, _label, steps in selectors.timeline(candidate)}
    assert stages["probationary"] == ["admitted", "approved", "oath", "assessment"]
    assert "assessment" not in stages["activist"]
