"""The task tallies the dashboard reads: after any sequence of the tasks services they equal
what the tasks table counts, and the statistics summed from them equal those of the tasks."""

import datetime as dt
import random

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.http import Http404

from branches.models import Organisation
from config.exceptions import Conflict
from handbook.models import Edition
from tasks.models import Task, TaskQuarterTally, TaskStatus, TaskTally
from tasks.periods import local_today
from tasks.services import (
    request_send,
    task_assign,
    task_cancel,
    task_check,
    task_complete,
    tasks_complete_many,
    tasks_generate,
)
from tasks.statistics import tallied_task_statistics, task_statistics
from tasks.tallies import COUNTERS, live_tallies, overdue_advance, tally_rebuild
from tests.conftest import World

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
Q4 = (dt.date(2026, 10, 1), dt.date(2026, 12, 31))


def kept() -> dict[tuple[int, dt.date], tuple[int, ...]]:
    """The tallies as kept, rows counting nothing left out (a task moved away leaves zeros)."""
    rows = TaskTally.objects.values_list("branch_id", "due_on", *COUNTERS)
    return {(b, d): tuple(values) for b, d, *values in rows if any(values)}


def kept_quarters() -> dict[tuple[int, int, int], tuple[int, ...]]:
    rows = TaskQuarterTally.objects.values_list("branch_id", "year", "quarter", *COUNTERS)
    return {(b, y, q): tuple(values) for b, y, q, *values in rows if any(values)}


def live_quarters() -> dict[tuple[int, int, int], tuple[int, ...]]:
    """The live per-date counts summed per branch and quarter."""
    summed: dict[tuple[int, int, int], list[int]] = {}
    for (branch_id, due_on), values in live_tallies(Task.objects.all()).items():
        row = summed.setdefault((branch_id, due_on.year, (due_on.month - 1) // 3 + 1), [0] * len(COUNTERS))
        for i, value in enumerate(values):
            row[i] += value
    return {key: tuple(row) for key, row in summed.items() if any(row)}


def assert_overdue_kept() -> None:
    """Each quarter row's overdue count is its open tasks due before its day."""
    for row in TaskQuarterTally.objects.all():
        first = dt.date(row.year, 3 * row.quarter - 2, 1)
        live = Task.objects.filter(
            branch_id=row.branch_id,
            status=TaskStatus.OPEN,
            due_on__gte=first,
            due_on__lt=min(row.overdue_as_of, dt.date(row.year + row.quarter // 4, 3 * row.quarter % 12 + 1, 1)),
        ).count()
        assert row.overdue_open == live, (row.branch_id, row.year, row.quarter, row.overdue_as_of)


def assert_tallies_match() -> None:
    assert kept() == live_tallies(Task.objects.all())
    assert kept_quarters() == live_quarters()
    assert_overdue_kept()
    for row in TaskTally.objects.all():
        assert (row.year, row.quarter) == (row.due_on.year, (row.due_on.month - 1) // 3 + 1)


def assert_statistics_match(today: dt.date) -> None:
    branches = Organisation.objects.all()
    live = task_statistics(branches=branches, first=Q4[0], last=Q4[1], today=today)
    assert tallied_task_statistics(branches=branches, year=2026, quarter=4, today=today) == live


def _try(step, **kwargs) -> object | None:
    """A step the task's state or the user's role forbids is skipped, as a refused request is."""
    try:
        return step(**kwargs)
    except (Conflict, PermissionDenied, ValidationError, Http404):
        return None


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_after_a_random_sequence_of_service_calls_the_tallies_equal_the_tasks(
    world: World, default_edition: Edition, seed: int
) -> None:
    rng = random.Random(seed)
    days = random.Random(seed + 100)  # the job's days, apart: the services' sequence stays the same
    assert tasks_generate(first=Q4[0], last=dt.date(2026, 11, 15)) > 0
    assert_tallies_match()
    request_send(
        organisation=world.committee,
        title="专项整治",
        what="按要求整改",
        due_on=dt.date(2026, 12, 10),
        by=world.reviewer,
        today=dt.date(2026, 11, 20),
    )
    # Generating again, and more of the quarter, counts only the new tasks.
    assert tasks_generate(first=Q4[0], last=Q4[1]) > 0
    assert tasks_generate(first=Q4[0], last=Q4[1]) == 0
    assert_tallies_match()
    secretaries = {world.branch_a.pk: world.secretary_a, world.branch_b.pk: world.secretary_b}
    tasks = list(Task.objects.filter(branch__in=list(secretaries)).order_by("pk"))
    for n in range(60):
        task = Task.objects.get(pk=rng.choice(tasks).pk)
        secretary = secretaries[task.branch_id]
        at = dt.datetime.combine(task.due_on + dt.timedelta(days=rng.randint(-5, 6)), dt.time(10), SHANGHAI)
        action = rng.choice(["complete", "complete", "many", "check", "check", "cancel", "assign"])
        if action == "complete":
            _try(task_complete, task=task, by=secretary, note="已完成", at=at)
        elif action == "many":
            mine = [t for t in tasks if t.branch_id == task.branch_id]
            chosen = Task.objects.filter(pk__in=[t.pk for t in rng.sample(mine, 3)], status=TaskStatus.OPEN)
            _try(tasks_complete_many, tasks=list(chosen), by=secretary, note="一并完成", at=at)
        elif action == "check":
            quality = rng.choice(["excellent", "good", "fair", "poor"])
            _try(task_check, task=task, by=world.reviewer, quality=quality)
        elif action == "cancel":
            _try(task_cancel, task=task, by=secretary, reason="项目停工")
        else:
            _try(task_assign, task=task, assignee=rng.choice([secretary, None]), by=secretary)
        if days.random() < 0.2:
            # The daily job, run on a day of the quarter forwards or backwards, or on a day of
            # another quarter (which leaves this one's rows as they are).
            overdue_advance(today=days.choice([Q4[0] + dt.timedelta(days=days.randint(-10, 100)), Q4[1]]))
        if n % 10 == 9:
            assert_tallies_match()
    assert Task.objects.filter(status=TaskStatus.CHECKED).exists()
    assert Task.objects.filter(status=TaskStatus.CANCELLED).exists()
    assert_tallies_match()
    # Before the quarter, in its first half (days before today summed), in its second half (the
    # quarter's open count less the days from today on), on its last day, after it.
    for today in (
        dt.date(2026, 9, 1),
        dt.date(2026, 10, 1),
        dt.date(2026, 11, 1),
        dt.date(2026, 11, 30),
        dt.date(2026, 12, 31),
        dt.date(2027, 1, 1),
        dt.date(2027, 1, 5),
    ):
        assert_statistics_match(today)
    # With the job run on a day, read on that day, before it and after it.
    for as_of in (dt.date(2026, 10, 1), dt.date(2026, 11, 10), dt.date(2026, 12, 20)):
        overdue_advance(today=as_of)
        assert set(TaskQuarterTally.objects.filter(quarter=4).values_list("overdue_as_of", flat=True)) == {as_of}
        assert_tallies_match()
        for today in (as_of, as_of - dt.timedelta(days=9), as_of + dt.timedelta(days=1), as_of + dt.timedelta(days=9)):
            assert_statistics_match(today)


def test_the_rebuild_command_recounts_the_tallies_and_is_idempotent(world: World, default_edition: Edition) -> None:
    tasks_generate(first=Q4[0], last=Q4[1])
    task = Task.objects.filter(branch=world.branch_a).order_by("due_on", "pk").first()
    task_complete(task=task, by=world.secretary_a, note="已完成", at=dt.datetime(2026, 12, 30, 10, tzinfo=SHANGHAI))
    expected = kept()
    assert expected == live_tallies(Task.objects.all())
    expected_quarters = kept_quarters()
    assert expected_quarters == live_quarters()
    TaskTally.objects.update(due=99)  # drifted (say a raw SQL fix to the tasks)
    TaskTally.objects.create(branch=world.committee, year=2026, quarter=4, due_on=dt.date(2026, 10, 2), due=1)
    TaskQuarterTally.objects.update(open_tasks=7, overdue_open=3)
    TaskQuarterTally.objects.create(branch=world.committee, year=2026, quarter=3, due=1)
    call_command("rebuild_task_tallies", "--batch", "1", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert kept() == expected
    assert kept_quarters() == expected_quarters
    assert tally_rebuild() == TaskTally.objects.count() == len(expected)
    assert kept() == expected
    assert_statistics_match(dt.date(2026, 11, 20))


def test_a_quarter_with_no_tasks_gives_no_rows_and_a_cancelled_task_counts_nowhere(
    world: World, default_edition: Edition
) -> None:
    assert tallied_task_statistics(branches=Organisation.objects.all(), year=2026, quarter=4, today=Q4[1]) == {}
    tasks_generate(first=dt.date(2026, 10, 1), last=dt.date(2026, 10, 1))
    for task in Task.objects.filter(branch=world.branch_a):
        task_cancel(task=task, by=world.secretary_a, reason="项目停工")
    stats = tallied_task_statistics(branches=Organisation.objects.all(), year=2026, quarter=4, today=Q4[1])
    assert world.branch_a.pk not in stats and world.branch_b.pk in stats
    assert_statistics_match(Q4[1])


def test_the_data_migration_counts_the_tasks_already_stored(world: World, default_edition: Edition) -> None:
    import importlib

    from django.apps import apps

    migration = importlib.import_module("tasks.migrations.0007_count_existing_task_tallies")
    tasks_generate(first=Q4[0], last=Q4[1])
    expected = kept()
    TaskTally.objects.all().delete()  # as a database migrated from 0005 holds them: none
    migration.count(apps, None)
    assert kept() == expected == live_tallies(Task.objects.all())


def test_the_quarter_tallies_migration_counts_both_tables(world: World, default_edition: Edition) -> None:
    import importlib

    from django.apps import apps

    migration = importlib.import_module("tasks.migrations.0008_task_quarter_tallies")
    tasks_generate(first=Q4[0], last=Q4[1])
    expected, expected_quarters = kept(), kept_quarters()
    assert expected_quarters == live_quarters() != {}
    TaskTally.objects.all().delete()
    TaskQuarterTally.objects.all().delete()  # as a database migrated from 0007 holds them: none
    migration.count(apps, None)
    assert (kept(), kept_quarters()) == (expected, expected_quarters)


def test_the_daily_job_moves_the_overdue_count_to_today_once(world: World, default_edition: Edition) -> None:
    from tasks.jobs import advance_overdue_tallies

    tasks_generate(first=Q4[0], last=Q4[1])
    rows = TaskQuarterTally.objects.filter(year=2026, quarter=4)
    # Each new row starts as of its earliest due date, with nothing overdue before it.
    assert set(rows.values_list("overdue_open", flat=True)) == {0}
    assert advance_overdue_tallies.delay("2026-11-20").get() == rows.count() > 0
    assert_tallies_match()
    assert rows.filter(overdue_open__gt=0).exists()
    before = list(rows.order_by("pk").values_list("overdue_open", "overdue_as_of"))
    assert advance_overdue_tallies.delay("2026-11-20").get() == 0
    assert list(rows.order_by("pk").values_list("overdue_open", "overdue_as_of")) == before
    # A day of another quarter moves that quarter's rows only.
    next_quarter = TaskQuarterTally.objects.filter(year=2027, quarter=1).count()
    assert overdue_advance(today=dt.date(2027, 1, 2)) == next_quarter
    assert list(rows.order_by("pk").values_list("overdue_open", "overdue_as_of")) == before
    # A task done before its due date but after the row's day moves no overdue count; one due
    # before the day does.
    late = Task.objects.filter(branch=world.branch_a, due_on__lt=dt.date(2026, 11, 20)).order_by("due_on").first()
    later = Task.objects.filter(branch=world.branch_a, due_on__gt=dt.date(2026, 11, 20)).order_by("due_on").first()
    row = rows.get(branch=world.branch_a)
    at = dt.datetime(2026, 11, 21, 10, tzinfo=SHANGHAI)
    task_complete(task=late, by=world.secretary_a, note="已完成", at=at)
    task_complete(task=later, by=world.secretary_a, note="已完成", at=at)
    assert rows.get(branch=world.branch_a).overdue_open == row.overdue_open - 1
    assert_tallies_match()
    assert_statistics_match(dt.date(2026, 11, 20))


def test_the_job_runs_just_after_midnight_again_after_the_days_tasks_and_every_hour(settings) -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["advance-overdue-tallies"]
    assert entry["task"] == "tasks.jobs.advance_overdue_tallies"
    generation = settings.CELERY_BEAT_SCHEDULE["generate-tasks"]["schedule"]
    schedule = entry["schedule"]
    assert generation.hour == {0} and schedule.hour == set(range(24))
    assert min(schedule.minute) <= 5  # the slow read lasts minutes after midnight, not hours
    assert max(schedule.minute) > min(generation.minute)  # and it runs after the day's tasks


def test_the_overdue_migration_counts_as_of_its_day(world: World, default_edition: Edition) -> None:
    import importlib

    from django.apps import apps

    migration = importlib.import_module("tasks.migrations.0009_quarter_tally_overdue")
    tasks_generate(first=Q4[0], last=Q4[1])
    TaskQuarterTally.objects.update(overdue_open=0, overdue_as_of=dt.date(2000, 1, 1))  # as 0009 adds them
    migration.count(apps, None)
    assert set(TaskQuarterTally.objects.values_list("overdue_as_of", flat=True)) == {local_today()}
    assert_tallies_match()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_task_done_while_the_daily_job_runs_is_counted_once_on_postgresql() -> None:
    """The service has moved both rows and not yet committed when the job starts: the job
    waits for it (the rows locked first), then reads the per-date rows as committed."""
    import threading
    import time

    from django.db import connection, transaction

    from handbook.services import load_default_edition
    from tasks.tallies import state, tally_change
    from tests.factories import make_org

    load_default_edition()
    top = make_org(code="PC")
    for n in range(3):
        make_org(top, code=f"PB{n}")
    tasks_generate(first=Q4[0], last=Q4[1])
    overdue_advance(today=dt.date(2026, 10, 20))
    # Due between the rows' day and the job's: the job adds it to the overdue count, if open.
    task = Task.objects.filter(due_on__gte=dt.date(2026, 10, 20), due_on__lt=dt.date(2026, 11, 20)).first()
    moved, done = threading.Event(), []

    def complete() -> None:
        try:
            with transaction.atomic():
                locked = Task.objects.select_for_update().get(pk=task.pk)
                before = state(locked)
                locked.status, locked.delay_days = TaskStatus.DONE, 0
                locked.save(update_fields=["status", "delay_days"])
                tally_change(before, locked)
                moved.set()
                time.sleep(0.5)  # the job starts meanwhile and waits for this commit
                done.append(time.monotonic())
        finally:
            connection.close()

    def advance() -> None:
        try:
            moved.wait()
            overdue_advance(today=dt.date(2026, 11, 20))
            done.append(time.monotonic())
        finally:
            connection.close()

    threads = [threading.Thread(target=complete), threading.Thread(target=advance)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(done) == 2 and done[0] <= done[1]
    assert_tallies_match()
