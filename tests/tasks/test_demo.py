"""The demo's work: the quarter's tasks up to this month, most past work done (some late, some
checked), some overdue, one under supervision, this month's reminder sheets; twice is once."""

from django.db.models import Count

from branches import demo as branches_demo
from tasks import demo as tasks_demo
from tasks.models import ReminderSheet, Task, TaskStatus
from tasks.periods import local_today


def test_the_demo_work_tells_a_story_and_runs_twice(db, default_edition):
    world = branches_demo.seed()
    tasks_demo.seed(world)
    today = local_today()
    by_status = dict(Task.objects.values_list("status").annotate(n=Count("pk")))
    assert by_status[TaskStatus.DONE] and by_status[TaskStatus.CHECKED] and by_status[TaskStatus.OPEN]
    assert Task.objects.filter(status=TaskStatus.OPEN, due_on__lt=today).exists()  # overdue
    assert Task.objects.filter(status=TaskStatus.DONE, delay_days__gt=0).exists()  # late
    assert Task.objects.filter(supervised=True, branch__code="DEMO-P01").count() == 1
    assert not Task.objects.filter(status__in=[TaskStatus.DONE, TaskStatus.CHECKED], completed_by=None).exists()
    assert ReminderSheet.objects.filter(branch__code="DEMO-P01").exists()
    # 大政工: DEMO-P01's union chair holds its union work; another branch's stays unassigned.
    union = Task.objects.filter(article__line="union")
    assert set(union.filter(branch__code="DEMO-P01").values_list("assignee__username", flat=True)) == {"union"}
    assert set(union.filter(branch__code="DEMO-P02").values_list("assignee", flat=True)) == {None}
    # Dissolved branches get nothing.
    assert not Task.objects.filter(branch__code="DEMO-P09").exists()
    count = Task.objects.count()
    tasks_demo.seed(world)
    assert Task.objects.count() == count
