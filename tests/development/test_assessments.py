"""The half-yearly assessment (培养考察) of an activist and of a probationary member: due six
months after the later of the stage's start and the last assessment, shown on the file's page
and the workbench, reminded once per due date, and not for closed files or once the stage ends."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from development import selectors
from development.models import Candidate, probation_ends_on
from development.notices import deadline_reminders
from development.services import candidate_close, step_record
from development.stages import StepKind, add_months, assessment_due_on
from notifications.events import Event
from notifications.models import Message
from tests.development.files import D, file_through, new_file

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("since", "due"),
    [
        (dt.date(2026, 1, 15), dt.date(2026, 7, 15)),
        (dt.date(2026, 8, 31), dt.date(2027, 2, 28)),  # February has no 31st
        (dt.date(2027, 8, 31), dt.date(2028, 2, 29)),  # a leap year's February
        (dt.date(2026, 3, 31), dt.date(2026, 9, 30)),
        (dt.date(2026, 12, 31), dt.date(2027, 6, 30)),  # over the year's end
        (dt.date(2026, 7, 1), dt.date(2027, 1, 1)),
        (dt.date(2028, 2, 29), dt.date(2028, 8, 29)),
    ],
)
def test_the_assessment_is_due_six_months_later_the_months_last_day_when_it_has_no_such_day(since, due) -> None:
    assert assessment_due_on(since) == due


def _activist(branch, people, *, chosen_ago: int, name: str = "周婷") -> Candidate:
    """An activist chosen ``chosen_ago`` days ago, the talk done."""
    today = timezone.localdate()
    candidate = new_file(branch, applied_on=today - D(chosen_ago + 60), name=name)
    step_record(candidate=candidate, by=None, kind=StepKind.TALK, on=today - D(chosen_ago + 40))
    step_record(candidate=candidate, by=None, kind=StepKind.ACTIVIST, on=today - D(chosen_ago), people=people[:2])
    return Candidate.objects.get(pk=candidate.pk)


def _fresh(candidate: Candidate) -> Candidate:
    return selectors.with_steps(Candidate.objects.filter(pk=candidate.pk)).get()


def test_an_activists_assessment_counts_from_the_choice_then_from_the_last_assessment(world, roster_a) -> None:
    today = timezone.localdate()
    activist = _activist(world.branch_a, roster_a, chosen_ago=100)
    due = selectors.next_assessment(_fresh(activist))
    assert due.kind == StepKind.ASSESSMENT and due.due_on == add_months(today - D(100), 6)
    step_record(candidate=activist, by=None, kind=StepKind.ASSESSMENT, on=today - D(40))
    step_record(candidate=activist, by=None, kind=StepKind.ASSESSMENT, on=today - D(10))
    assert selectors.next_assessment(_fresh(activist)).due_on == add_months(today - D(10), 6)


def test_the_probations_assessment_counts_from_the_admission_and_none_once_the_probation_ends_first(
    world, roster_a
) -> None:
    candidate = file_through(world.branch_a, StepKind.OATH, people=roster_a, admitted_ago=200)
    admitted = candidate.steps.get(kind=StepKind.ADMITTED).on
    # The activist's assessments do not count: the probation starts its own half-years.
    assert selectors.next_assessment(_fresh(candidate)).due_on == add_months(admitted, 6)
    step_record(candidate=candidate, by=None, kind=StepKind.ASSESSMENT, on=admitted + D(25))
    assert selectors.next_assessment(_fresh(candidate)).due_on == add_months(admitted + D(25), 6)
    step_record(candidate=candidate, by=None, kind=StepKind.ASSESSMENT, on=timezone.localdate() - D(5))
    # Six months from now is past the end of probation: 转正 is what comes next.
    assert add_months(timezone.localdate() - D(5), 6) >= probation_ends_on(admitted)
    assert selectors.next_assessment(_fresh(candidate)) is None


def test_no_assessment_is_due_in_the_other_stages_or_for_a_closed_file(world, roster_a) -> None:
    assert selectors.next_assessment(_fresh(new_file(world.branch_a, name="申请人"))) is None
    prospect = file_through(world.branch_a, StepKind.PROSPECT, people=roster_a, name="发展对象")
    assert selectors.next_assessment(_fresh(prospect)) is None
    full = file_through(world.branch_a, StepKind.FULL, people=roster_a, name="正式党员")
    assert selectors.next_assessment(_fresh(full)) is None
    closed = _activist(world.branch_a, roster_a, chosen_ago=100, name="关闭")
    candidate_close(candidate=closed, by=None, on=timezone.localdate(), reason="调离本单位")
    assert selectors.next_assessment(_fresh(closed)) is None


def _told() -> list[Message]:
    return list(Message.objects.filter(event=Event.DEVELOPMENT_DEADLINE).order_by("pk"))


def test_the_assessment_is_reminded_once_per_due_date(world, roster_a, settings) -> None:
    settings.NOTIFY_DEVELOPMENT_DAYS_BEFORE = 7
    activist = _activist(world.branch_a, roster_a, chosen_ago=150, name="周婷")
    due = add_months(timezone.localdate() - D(150), 6)
    assert deadline_reminders(today=due - D(8)) == 0
    assert deadline_reminders(today=due - D(7)) == 1
    assert deadline_reminders(today=due - D(6)) == 0  # not again
    assert deadline_reminders(today=due + D(2)) == 0  # overdue, but already told
    [message] = _told()
    assert "周婷" in message.title and due.isoformat() in message.title
    assert set(message.deliveries.values_list("recipient__username", flat=True)) == {"secretary_a"}
    # The assessment recorded: the next one is six months on, told in its turn.
    step_record(candidate=activist, by=None, kind=StepKind.ASSESSMENT, on=timezone.localdate())
    following = add_months(timezone.localdate(), 6)
    assert deadline_reminders(today=due + D(3)) == 0
    assert deadline_reminders(today=following - D(7)) == 1
    assert len(_told()) == 2


def test_no_assessment_reminder_for_a_closed_file_or_once_the_stage_has_ended(world, roster_a) -> None:
    closed = _activist(world.branch_a, roster_a, chosen_ago=200, name="关闭")
    candidate_close(candidate=closed, by=None, on=timezone.localdate(), reason="调离本单位")
    # Chosen as a candidate for admission long after the activist's half-year fell due.
    file_through(world.branch_a, StepKind.TRAINING, people=roster_a, name="发展对象")
    assert deadline_reminders(today=timezone.localdate()) == 0
    assert _told() == []


def test_the_files_page_and_the_workbench_show_the_next_assessment(world, roster_a, as_role) -> None:
    activist = _activist(world.branch_a, roster_a, chosen_ago=170, name="周婷")
    due = add_months(timezone.localdate() - D(170), 6)
    client = as_role("secretary_a")
    page = client.get(reverse("development:detail", args=[activist.pk])).content.decode()
    assert 'id="dev-assessment"' in page and f"by {due:%Y-%m-%d}" in page
    home = client.get(reverse("home")).content.decode()
    assert "周婷 · Half-yearly assessment" in home
    body = client.get(reverse("api:development-candidate-detail", args=[activist.pk])).json()
    assert body["next_assessment"] == {
        "kind": "assessment",
        "label": "Half-yearly assessment",
        "due_on": due.isoformat(),
        "not_before": None,
    }
