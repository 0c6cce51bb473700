"""The reminders before each deadline: the applicant's talk and the end of probation, told to
the branch's secretaries once, and not for closed or finished files."""

import pytest
from django.utils import timezone

from development.jobs import send_deadline_reminders
from development.notices import deadline_reminders
from development.services import candidate_close, step_record
from development.stages import StepKind, add_months
from notifications.events import Event
from notifications.models import Message
from tests.development.files import D, file_through, new_file

pytestmark = pytest.mark.django_db


def _told(world) -> list[Message]:
    return list(Message.objects.filter(event=Event.DEVELOPMENT_DEADLINE).order_by("pk"))


def test_the_talk_is_reminded_once_a_week_before_its_deadline(world, settings) -> None:
    settings.NOTIFY_DEVELOPMENT_DAYS_BEFORE = 7
    candidate = new_file(world.branch_a, applied_on=timezone.localdate() - D(10), name="刘洋")
    due = add_months(candidate.applied_on, 1)
    assert deadline_reminders(today=due - D(8)) == 0
    assert deadline_reminders(today=due - D(7)) == 1
    assert deadline_reminders(today=due - D(6)) == 0  # not again
    [message] = _told(world)
    assert message.organisation == world.branch_a and "刘洋" in message.title
    recipients = set(message.deliveries.values_list("recipient__username", flat=True))
    assert recipients == {"secretary_a"}
    assert f"/development/{candidate.pk}/" in message.link


def test_no_reminder_once_the_talk_is_recorded_or_the_file_is_closed(world) -> None:
    talked = new_file(world.branch_a, name="甲")
    step_record(candidate=talked, by=None, kind=StepKind.TALK, on=timezone.localdate())
    closed = new_file(world.branch_a, name="乙")
    candidate_close(candidate=closed, by=None, on=timezone.localdate(), reason="调离")
    assert deadline_reminders(today=timezone.localdate() + D(40)) == 0
    assert _told(world) == []


def test_the_end_of_probation_is_reminded_once_and_not_after_the_full_membership(world, roster_a, settings) -> None:
    settings.NOTIFY_DEVELOPMENT_DAYS_BEFORE = 7
    candidate = file_through(world.branch_a, StepKind.OATH, people=roster_a, admitted_ago=200, name="吴磊")
    ends = add_months(candidate.steps.get(kind=StepKind.ADMITTED).on, 12)
    # The probation's half-yearly assessment taken: the next half-year ends with the probation.
    step_record(candidate=candidate, by=None, kind=StepKind.ASSESSMENT, on=timezone.localdate())
    assert deadline_reminders(today=ends - D(10)) == 0
    assert send_deadline_reminders.delay((ends - D(5)).isoformat()).get() == 1
    assert deadline_reminders(today=ends - D(1)) == 0
    assert deadline_reminders(today=ends + D(3)) == 0  # overdue, but already told
    [message] = _told(world)
    assert "吴磊" in message.title
    full = file_through(world.branch_a, StepKind.FULL, people=roster_a, admitted_ago=400, name="钱")
    assert full.stage == "full" and deadline_reminders(today=timezone.localdate() + D(400)) == 0
    assert [m.title for m in _told(world) if "钱" in m.title] == []


def test_another_branchs_secretary_is_not_told(world) -> None:
    new_file(world.branch_b, applied_on=timezone.localdate() - D(30), name="丙")
    assert deadline_reminders(today=timezone.localdate()) == 1
    [message] = _told(world)
    assert set(message.deliveries.values_list("recipient__username", flat=True)) == {"secretary_b"}
