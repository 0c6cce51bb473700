"""One selector for the dashboard: on-time rate, average delay and quality per branch."""

import datetime as dt

from branches.models import Organisation
from tasks.services import task_cancel, task_check, task_complete
from tasks.statistics import task_statistics
from tests.conftest import World
from tests.factories import make_task

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
NOV = (dt.date(2026, 11, 1), dt.date(2026, 11, 30))


def test_statistics_count_on_time_late_overdue_and_quality_per_branch(world: World, monthly_article) -> None:
    def task(branch: Organisation, day: int, key: str):
        return make_task(branch, monthly_article, due_on=dt.date(2026, 11, day), period_key=key)

    on_time, late, overdue, cancelled = (task(world.branch_a, 10, k) for k in ("t1", "t2", "t3", "t4"))
    task_complete(task=on_time, by=world.secretary_a, note="ok", at=dt.datetime(2026, 11, 10, 23, 0, tzinfo=SHANGHAI))
    task_complete(task=late, by=world.secretary_a, note="ok", at=dt.datetime(2026, 11, 14, 9, 0, tzinfo=SHANGHAI))
    task_check(task=on_time, by=world.reviewer, quality="excellent")
    task_check(task=late, by=world.reviewer, quality="fair")
    task_cancel(task=cancelled, by=world.secretary_a, reason="停工")
    task(world.branch_a, 30, "later")  # due later in the month, not yet overdue
    task(world.branch_b, 1, "b")
    make_task(world.branch_a, monthly_article, due_on=dt.date(2026, 12, 1), period_key="december")

    stats = task_statistics(
        branches=Organisation.objects.filter(kind="branch"), first=NOV[0], last=NOV[1], today=dt.date(2026, 11, 20)
    )
    a = stats[world.branch_a.pk]
    assert (a.due, a.due_so_far, a.done, a.on_time, a.overdue, a.checked) == (4, 3, 2, 1, 1, 2)
    assert a.on_time_rate == 33.3  # the task due on the 30th is not yet due: it does not count
    assert a.average_delay_days == 2.0  # (0 + 4) / 2
    assert a.average_quality == 3.0  # (优 4 + 中 2) / 2
    b = stats[world.branch_b.pk]
    assert (b.due, b.done, b.overdue, b.on_time_rate, b.average_delay_days, b.average_quality) == (
        1, 0, 1, 0.0, None, None,
    )  # fmt: skip
    assert overdue.pk  # open, due on the 10th: counted in ``overdue`` above


def test_a_branch_with_nothing_due_has_no_row(world: World) -> None:
    stats = task_statistics(branches=Organisation.objects.all(), first=NOV[0], last=NOV[1], today=NOV[1])
    assert stats == {}
