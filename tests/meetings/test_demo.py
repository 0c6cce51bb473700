"""The demo has people in it: a roster of 150+ and a quarter of 一标's meeting records."""

from branches import demo as branches_demo
from meetings import demo as meetings_demo
from meetings.models import Attendance, Meeting, Resolution
from members import demo as members_demo
from members.models import Member
from tasks import demo as tasks_demo


def test_the_demo_roster_and_meetings_tell_a_story_and_run_twice(db, default_edition) -> None:
    world = branches_demo.seed()
    members_demo.seed(world)
    tasks_demo.seed(world)
    meetings_demo.seed(world)
    assert Member.objects.count() >= 150
    assert Member.objects.filter(user=world.users["member"], branch__code="DEMO-P01").exists()
    meetings = Meeting.objects.filter(branch__code="DEMO-P01")
    assert meetings.count() >= 6
    absent = Attendance.objects.filter(meeting__in=meetings, present=False)
    assert absent.exists()
    assert absent.filter(makeup_on__isnull=True).count() == 1
    assert meetings.filter(task__isnull=False).exists()
    assert Resolution.objects.filter(meeting__in=meetings).exists()
    members_demo.seed(world)
    meetings_demo.seed(world)
    assert Member.objects.count() >= 150 and Meeting.objects.filter(branch__code="DEMO-P01").count() == meetings.count()
