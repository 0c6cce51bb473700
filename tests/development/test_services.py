"""The development steps: each stage reached in order, the procedure's rules, the roster kept."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from config.exceptions import Conflict
from development import selectors
from development.models import Candidate
from development.services import candidate_close, candidate_open, step_record
from development.stages import Stage, StepKind, add_months, working_days
from members.models import Category, Member, TransferKind
from tests.development.files import D, file_through, new_file, plan
from tests.factories import make_id_number

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def test_opening_a_file_records_the_application_and_the_talk_is_due_a_month_later(world) -> None:
    candidate = new_file(world.branch_a, applied_on=dt.date(2026, 1, 31))
    assert candidate.stage == Stage.APPLICANT
    assert list(candidate.steps.values_list("kind", flat=True)) == [StepKind.APPLICATION]
    upcoming = selectors.next_step(candidate)
    assert upcoming.kind == StepKind.TALK and upcoming.due_on == dt.date(2026, 2, 28)


def test_the_same_person_cannot_have_two_open_files_or_a_bad_id_number(world) -> None:
    number = make_id_number(dt.date(1995, 6, 1), region="310101")
    fields = {"name": "甲", "gender": "male", "birth_date": dt.date(1995, 6, 1), "applied_on": TODAY() - D(3)}
    candidate_open(branch=world.branch_a, by=None, id_number=number, **fields)
    with pytest.raises(ValidationError) as exc:
        candidate_open(branch=world.branch_a, by=None, id_number=number, **fields)
    assert "id_number" in exc.value.error_dict
    with pytest.raises(ValidationError) as exc:
        candidate_open(
            branch=world.branch_a,
            by=None,
            id_number=number[:-1] + "0" if number[-1] != "0" else number[:-1] + "1",
            **fields,
        )
    assert "id_number" in exc.value.error_dict


def test_an_applicant_is_at_least_18(world) -> None:
    with pytest.raises(ValidationError) as exc:
        candidate_open(
            branch=world.branch_a,
            by=None,
            name="乙",
            gender="male",
            birth_date=TODAY() - D(365 * 17),
            id_number=make_id_number(TODAY() - D(365 * 17)),
            applied_on=TODAY(),
        )
    assert "applied_on" in exc.value.error_dict


def test_each_stage_is_reached_in_order_and_the_contacts_and_sponsors_are_kept(world, roster_a) -> None:
    candidate = file_through(world.branch_a, StepKind.ACTIVIST, people=roster_a)
    assert candidate.stage == Stage.ACTIVIST
    assert set(candidate.contacts.all()) == set(roster_a[:2])
    candidate = file_through(world.branch_a, StepKind.PUBLICITY, people=roster_a, name="丙")
    assert candidate.stage == Stage.PROSPECT and set(candidate.sponsors.all()) == set(roster_a[2:4])
    candidate = file_through(world.branch_a, StepKind.ADMITTED, people=roster_a, name="丁")
    assert candidate.stage == Stage.PROSPECT and candidate.member is None
    candidate = file_through(world.branch_a, StepKind.OATH, people=roster_a, name="戊")
    assert candidate.stage == Stage.PROBATIONARY


def test_approval_puts_the_candidate_on_the_roster_as_a_probationary_member_from_the_general_meeting(
    world, roster_a
) -> None:
    candidate = file_through(world.branch_a, StepKind.APPROVED, people=roster_a)
    member = candidate.member
    admitted = candidate.steps.get(kind=StepKind.ADMITTED).on
    assert member.category == Category.PROBATIONARY and member.joined_on == admitted
    assert member.branch == world.branch_a and member.id_number == candidate.id_number
    assert member.full_member_on is None
    # The roster's history: entered on the roll the day the committee approved, not the day typed in.
    approved = candidate.steps.get(kind=StepKind.APPROVED).on
    assert approved < TODAY()
    assert list(member.transfers.values_list("kind", "on")) == [(TransferKind.JOINED, approved)]


def test_becoming_a_full_member_updates_the_roster(world, roster_a) -> None:
    candidate = file_through(world.branch_a, StepKind.FULL, people=roster_a)
    member = Member.objects.get(pk=candidate.member_id)
    admitted = candidate.steps.get(kind=StepKind.ADMITTED).on
    assert candidate.stage == Stage.FULL and not candidate.is_open
    assert member.category == Category.FULL and member.full_member_on == add_months(admitted, 12)
    assert selectors.next_step(candidate) is None


def test_a_step_cannot_be_skipped_or_recorded_twice(world, roster_a) -> None:
    candidate = new_file(world.branch_a)
    with pytest.raises(ValidationError, match="Record Talk with the applicant first"):
        step_record(candidate=candidate, by=None, kind=StepKind.ACTIVIST, on=TODAY(), people=roster_a[:2])
    step_record(candidate=candidate, by=None, kind=StepKind.TALK, on=TODAY())
    with pytest.raises(ValidationError, match="already recorded"):
        step_record(candidate=candidate, by=None, kind=StepKind.TALK, on=TODAY())
    assert candidate.steps.count() == 2


def test_a_step_is_not_dated_before_the_one_before_it_nor_in_the_future(world) -> None:
    candidate = new_file(world.branch_a, applied_on=TODAY() - D(10))
    with pytest.raises(ValidationError) as exc:
        step_record(candidate=candidate, by=None, kind=StepKind.TALK, on=TODAY() - D(11))
    assert "on" in exc.value.error_dict and "Application received" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        step_record(candidate=candidate, by=None, kind=StepKind.TALK, on=TODAY() + D(1))
    assert "on" in exc.value.error_dict


def test_a_candidate_for_admission_has_been_an_activist_for_a_year(world, roster_a) -> None:
    candidate = file_through(world.branch_a, StepKind.ACTIVIST, people=roster_a)
    activist_on = candidate.steps.get(kind=StepKind.ACTIVIST).on
    with pytest.raises(ValidationError, match="at least a year as an activist"):
        step_record(candidate=candidate, by=None, kind=StepKind.PROSPECT, on=activist_on + D(364))
    step_record(candidate=candidate, by=None, kind=StepKind.PROSPECT, on=add_months(activist_on, 12))


def test_a_public_notice_lasts_at_least_five_working_days(world, roster_a) -> None:
    candidate = file_through(world.branch_a, StepKind.TRAINING, people=roster_a)
    training = candidate.steps.get(kind=StepKind.TRAINING).on
    monday = training + D(7 - training.weekday())
    with pytest.raises(ValidationError) as exc:
        step_record(candidate=candidate, by=None, kind=StepKind.PUBLICITY, on=monday, ends_on=monday + D(3))
    assert "ends_on" in exc.value.error_dict and "lasts 4" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        step_record(candidate=candidate, by=None, kind=StepKind.PUBLICITY, on=monday)
    assert "ends_on" in exc.value.error_dict
    step_record(candidate=candidate, by=None, kind=StepKind.PUBLICITY, on=monday, ends_on=monday + D(4))


def test_working_days_count_monday_to_friday_both_ends_included() -> None:
    monday = dt.date(2026, 11, 2)
    assert working_days(monday, monday + D(4)) == 5
    assert working_days(monday + D(4), monday + D(10)) == 5  # Friday to the next Thursday
    assert working_days(monday + D(5), monday + D(6)) == 0
    assert working_days(monday, monday - D(1)) == 0


def test_the_general_meeting_comes_after_the_notice_ends(world, roster_a) -> None:
    candidate = file_through(world.branch_a, StepKind.PUBLICITY, people=roster_a)
    ends = candidate.steps.get(kind=StepKind.PUBLICITY).ends_on
    with pytest.raises(ValidationError) as exc:
        step_record(candidate=candidate, by=None, kind=StepKind.ADMITTED, on=ends)
    assert "on" in exc.value.error_dict
    step_record(candidate=candidate, by=None, kind=StepKind.ADMITTED, on=ends + D(1))


def test_sponsors_are_two_different_full_members_of_the_branch(world, roster_a) -> None:
    candidate = file_through(world.branch_a, StepKind.PROSPECT, people=roster_a)
    on = candidate.steps.get(kind=StepKind.PROSPECT).on + D(1)
    probationary = roster_a[4]
    other_branch = Member.objects.create(
        **{
            f.name: getattr(roster_a[0], f.name)
            for f in Member._meta.fields
            if f.name in ("gender", "birth_date", "category", "joined_on", "full_member_on")
        },
        name="外支部",
        id_number=make_id_number(),
        branch=world.branch_b,
    )
    for people, message in (
        ([roster_a[0], probationary], "full members on the branch's roster"),
        ([roster_a[0], other_branch], "full members on the branch's roster"),
        ([roster_a[0], roster_a[0]], "two different people"),
        ([roster_a[0]], "two different people"),
    ):
        with pytest.raises(ValidationError, match=message):
            step_record(candidate=candidate, by=None, kind=StepKind.SPONSORS, on=on, people=people)
    step_record(candidate=candidate, by=None, kind=StepKind.SPONSORS, on=on, people=roster_a[:2])


def test_contacts_are_members_of_the_branch_probationary_ones_too(world, roster_a) -> None:
    candidate = file_through(world.branch_a, StepKind.TALK, people=roster_a)
    on = candidate.steps.get(kind=StepKind.TALK).on + D(1)
    step_record(candidate=candidate, by=None, kind=StepKind.ACTIVIST, on=on, people=[roster_a[0], roster_a[4]])
    assert candidate.contacts.count() == 2


def test_probation_ends_a_year_after_admission_before_the_general_meeting_decides(world, roster_a) -> None:
    candidate = file_through(world.branch_a, StepKind.OATH, people=roster_a, admitted_ago=200)
    upcoming = selectors.next_step(candidate)
    admitted = candidate.steps.get(kind=StepKind.ADMITTED).on
    assert upcoming.kind == StepKind.FULL and upcoming.due_on == add_months(admitted, 12)
    with pytest.raises(ValidationError, match="probation ends on"):
        step_record(candidate=candidate, by=None, kind=StepKind.FULL, on=TODAY())
    assert Member.objects.get(pk=candidate.member_id).category == Category.PROBATIONARY


def test_the_half_yearly_assessment_repeats_for_activists_only_among_the_early_stages(world, roster_a) -> None:
    applicant = new_file(world.branch_a)
    with pytest.raises(ValidationError, match="activist or a probationary member"):
        step_record(candidate=applicant, by=None, kind=StepKind.ASSESSMENT, on=TODAY())
    activist = file_through(world.branch_a, StepKind.ACTIVIST, people=roster_a, name="己")
    step_record(candidate=activist, by=None, kind=StepKind.ASSESSMENT, on=TODAY() - D(2))
    step_record(candidate=activist, by=None, kind=StepKind.ASSESSMENT, on=TODAY())
    assert activist.steps.filter(kind=StepKind.ASSESSMENT).count() == 2
    assert selectors.next_step(activist).kind == StepKind.PROSPECT


def test_a_closed_file_takes_no_step(world, roster_a) -> None:
    candidate = new_file(world.branch_a)
    with pytest.raises(ValidationError) as exc:
        candidate_close(candidate=candidate, by=None, on=TODAY(), reason=" ")
    assert "reason" in exc.value.error_dict
    candidate_close(candidate=candidate, by=None, on=TODAY(), reason="调离本单位")
    with pytest.raises(Conflict):
        step_record(candidate=candidate, by=None, kind=StepKind.TALK, on=TODAY())
    assert selectors.next_step(Candidate.objects.get(pk=candidate.pk)) is None


def test_the_acting_user_needs_the_keepers_ability(world, roster_a) -> None:
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    candidate = new_file(world.branch_a)
    with pytest.raises(Http404):
        step_record(candidate=candidate, by=world.secretary_b, kind=StepKind.TALK, on=TODAY())
    with pytest.raises(PermissionDenied):
        step_record(candidate=candidate, by=world.reviewer, kind=StepKind.TALK, on=TODAY())
    step_record(candidate=candidate, by=world.secretary_a, kind=StepKind.TALK, on=TODAY())


def test_the_plan_of_the_tests_keeps_every_rule() -> None:
    dates = plan(dt.date(2026, 11, 30))
    assert working_days(dates[StepKind.PUBLICITY]["on"], dates[StepKind.PUBLICITY]["ends_on"]) >= 5
