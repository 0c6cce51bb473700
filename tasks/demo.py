"""Demo work for `make run`: the quarter's tasks of the demo branches up to this month, most of
the past ones done (a few late, some checked, one overdue under supervision), part of this
month's done, and this month's reminder sheets in the branches' notifications (made, not e-mailed).

Runs before the assessments demo, so the current quarter's scorecard lines can point to the
work done. Idempotent: nothing is added once the demo branches have tasks.
"""

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from branches.demo import DemoWorld, secretary_of
from branches.models import Organisation, OrgKind, OrgStatus
from handbook.selectors import edition_in_force
from handbook.services import load_default_edition

from .models import Quality, SheetKind, Task
from .periods import local_today, period_of
from .services import task_check, task_comment, task_complete, task_supervise, tasks_generate
from .services.reminders import reminders_make

NOTES = ["已按要求完成，记录已归档", "已召开并形成会议记录", "已完成，台账已更新", "已组织学习，签到表已留存"]


def _done_at(task: Task, *, late_days: int, rng: random.Random) -> dt.datetime:
    early = dt.timedelta(days=rng.randint(0, 4))
    day = task.due_on + dt.timedelta(days=late_days) if late_days else max(task.due_on - early, task.period_start)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(16, rng.randint(0, 59))))


@transaction.atomic
def seed(world: DemoWorld) -> None:
    if edition_in_force() is None:
        load_default_edition()
    branches = Organisation.objects.filter(
        pk__in=[b.pk for b in world.branches], kind=OrgKind.BRANCH, status=OrgStatus.ACTIVE
    )
    if Task.objects.filter(branch__in=branches).exists():
        return
    rng = random.Random(2026)  # noqa: S311 - demo data, the same every time
    today = local_today()
    month = period_of("monthly", today)
    # From the quarter's start, or last month's when the quarter has only begun: there is
    # always a month of past work to show.
    first = min(period_of("quarterly", today).start, period_of("monthly", month.start - dt.timedelta(days=1)).start)
    tasks_generate(first=first, last=month.end, branches=branches)
    reviewer = world.users["reviewer"]
    tasks = Task.objects.filter(branch__in=branches).select_related("branch").order_by("due_on", "pk")
    past = list(tasks.filter(due_on__lt=month.start)) + list(tasks.filter(due_on__gte=month.start, due_on__lt=today))
    # The demo secretary's first piece of past work stays open: overdue, under supervision.
    supervised = next((t for t in past if t.branch.code == "DEMO-P01"), None)
    done = 0
    for task in past:
        # About a third of this month's past work is still open, and a few pieces of earlier months.
        if task == supervised or rng.random() < (0.35 if task.due_on >= month.start else 0.08):
            continue
        done += 1
        late_days = rng.randint(1, 6) if done % 10 == 1 else 0
        task = task_complete(
            task=task,
            by=secretary_of(task.branch),
            note=rng.choice(NOTES),
            at=_done_at(task, late_days=late_days, rng=rng),
        )
        if task.due_on < month.start and done % 2 == 0:
            quality = rng.choice([Quality.EXCELLENT, Quality.EXCELLENT, Quality.GOOD, Quality.FAIR])
            comment = "记录偏简" if quality == Quality.FAIR else "资料齐全"
            task_check(task=task, by=reviewer, quality=quality, comment=comment)
    if supervised is not None:
        task_supervise(task=supervised, by=reviewer, comment="请于本周内补齐并上传佐证材料")
        task_comment(task=supervised, by=reviewer, text="已电话提醒支部书记")
    # The sheets are made (in each branch's notifications) but not e-mailed from a demo.
    reminders_make(kind=SheetKind.MONTHLY, on=today)
