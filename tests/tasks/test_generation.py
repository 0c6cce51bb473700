"""Required actions become tasks: one per active branch × article × period, idempotently."""

import datetime as dt
import threading
import time
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from branches.models import OrgKind
from branches.services import organisation_dissolve
from handbook.models import Article, Edition
from tasks.jobs import generate_tasks
from tasks.models import Task
from tasks.services import generation, tasks_generate
from tests.conftest import World
from tests.factories import make_org

D = dt.date
# The default edition's scheduled articles: 1 daily, 2 weekly, 10 monthly, 16 quarterly,
# 9 half-yearly, 9 yearly (and 5 occasional, which get no task). The daily one is tracked
# as a weekly checklist task: three weekly tasks a week.
PER_DAY = 1 + 2 + 10 + 16 + 9 + 9
DAILY_ARTICLE = "2-02"


@pytest.fixture
def one_task_a_day(settings) -> None:
    settings.TASKS_DAILY_WORK = "daily"


@pytest.fixture
def edition(world: World, default_edition: Edition) -> Edition:
    return default_edition


def test_a_day_makes_one_task_per_scheduled_article_for_each_active_branch(world: World, edition: Edition) -> None:
    assert tasks_generate(first=D(2026, 11, 18)) == 2 * PER_DAY
    by_frequency = Counter(Task.objects.filter(branch=world.branch_a).values_list("frequency", flat=True))
    assert by_frequency == {"weekly": 3, "monthly": 10, "quarterly": 16, "half_yearly": 9, "yearly": 9}
    assert not Task.objects.filter(article__frequency="occasional").exists()
    # Groups, general branches and committees get no tasks of their own.
    assert set(Task.objects.values_list("branch__kind", flat=True)) == {OrgKind.BRANCH}
    keys = set(Task.objects.filter(branch=world.branch_a).values_list("frequency", "period_key"))
    assert keys == {
        ("weekly", "2026-W47"),
        ("monthly", "2026-11"),
        ("quarterly", "2026-Q4"),
        ("half_yearly", "2026-H2"),
        ("yearly", "2026"),
    }


def test_a_quarter_makes_every_period_inside_it(world: World, edition: Edition) -> None:
    tasks_generate(
        first=D(2026, 1, 1), last=D(2026, 3, 31), branches=world.branch_a.__class__.objects.filter(pk=world.branch_a.pk)
    )
    by_frequency = Counter(Task.objects.values_list("frequency", flat=True))
    # ISO weeks W01 (from 29 Dec) to W14 (to 5 Apr), for three weekly articles (the daily
    # one's checklist among them); three months.
    assert by_frequency == {"weekly": 42, "monthly": 30, "quarterly": 16, "half_yearly": 9, "yearly": 9}


def test_daily_work_is_one_weekly_checklist_task_due_when_the_week_ends(world: World, edition: Edition) -> None:
    tasks_generate(first=D(2026, 11, 16), last=D(2026, 11, 29))
    daily = Article.objects.get(edition=edition, code=DAILY_ARTICLE)
    assert daily.frequency == "daily"
    weeks = Task.objects.filter(branch=world.branch_a, article=daily).order_by("period_key")
    assert [(t.frequency, t.period_key, t.period_start, t.period_end, t.due_on) for t in weeks] == [
        ("weekly", "2026-W47", D(2026, 11, 16), D(2026, 11, 22), D(2026, 11, 22)),
        ("weekly", "2026-W48", D(2026, 11, 23), D(2026, 11, 29), D(2026, 11, 29)),
    ]
    assert not Task.objects.filter(frequency="daily").exists()
    # Every day of the week finds the same task: generating again adds nothing.
    assert tasks_generate(first=D(2026, 11, 20)) == 0


def test_a_branch_may_still_be_given_a_task_a_day(world: World, edition: Edition, one_task_a_day) -> None:
    tasks_generate(
        first=D(2026, 1, 1), last=D(2026, 3, 31), branches=world.branch_a.__class__.objects.filter(pk=world.branch_a.pk)
    )
    by_frequency = Counter(Task.objects.values_list("frequency", flat=True))
    # 90 days; ISO weeks W01 (from 29 Dec) to W14 (to 5 Apr); three months.
    assert by_frequency == {"daily": 90, "weekly": 28, "monthly": 30, "quarterly": 16, "half_yearly": 9, "yearly": 9}


def test_a_leap_year_quarter_has_ninety_one_days_and_month_end_work_is_due_on_the_29th(
    world: World, edition: Edition, one_task_a_day
) -> None:
    tasks_generate(first=D(2028, 1, 1), last=D(2028, 3, 31))
    assert Task.objects.filter(branch=world.branch_a, frequency="daily").count() == 91
    month_end = Article.objects.filter(edition=edition, frequency="monthly", due_kind="end").first()
    feb = Task.objects.get(branch=world.branch_a, article=month_end, period_key="2028-02")
    assert feb.due_on == D(2028, 2, 29)
    day_28 = Article.objects.get(edition=edition, frequency="monthly", due_kind="day", due_value=28)
    assert Task.objects.get(branch=world.branch_a, article=day_28, period_key="2028-02").due_on == D(2028, 2, 28)


def test_due_dates_follow_each_articles_rule(world: World, edition: Edition) -> None:
    tasks_generate(first=D(2026, 12, 31))
    after_10 = Article.objects.filter(edition=edition, frequency="quarterly", due_kind="after", due_value=10).first()
    assert Task.objects.get(branch=world.branch_a, article=after_10).due_on == D(2027, 1, 10)
    weekly = Article.objects.filter(edition=edition, frequency="weekly").first()
    assert Task.objects.get(branch=world.branch_a, article=weekly).due_on == D(2027, 1, 1)  # Friday of 2026-W53


def test_the_last_day_of_a_month_and_the_first_of_the_next_are_different_periods(
    world: World, edition: Edition
) -> None:
    tasks_generate(first=D(2026, 11, 30))
    assert tasks_generate(first=D(2026, 12, 1)) == 2 * 10  # a new month; same week, quarter…
    assert tasks_generate(first=D(2026, 12, 31)) == 2 * 3  # a new ISO week (three weekly tasks)
    assert tasks_generate(first=D(2027, 1, 1)) == 2 * (10 + 16 + 9 + 9)  # new month, quarter, half, year


def test_dissolved_branches_get_no_tasks(world: World, edition: Edition) -> None:
    organisation_dissolve(by=None, organisation=world.branch_b, on=D(2026, 10, 1), reason="项目完工")
    tasks_generate(first=D(2026, 11, 18))
    assert set(Task.objects.values_list("branch", flat=True)) == {world.branch_a.pk}


def test_a_branch_established_after_a_period_gets_no_task_for_it(world: World, edition: Edition) -> None:
    new = make_org(world.general, code="N", established_on=D(2026, 11, 20))
    tasks_generate(first=D(2026, 11, 18))
    periods = set(Task.objects.filter(branch=new).values_list("period_key", flat=True))
    # The day ended before the branch existed; the week (16–22 November) had not.
    assert "2026-11-18" not in periods
    assert {"2026-W47", "2026-11", "2026-Q4"} <= periods


def test_generation_is_idempotent(world: World, edition: Edition) -> None:
    assert tasks_generate(first=D(2026, 11, 18)) == 2 * PER_DAY
    assert tasks_generate(first=D(2026, 11, 18)) == 0
    assert Task.objects.count() == 2 * PER_DAY


def test_the_count_is_of_the_rows_this_run_inserted_across_batches(world: World, edition: Edition, monkeypatch) -> None:
    for n in range(10):
        make_org(world.general, code=f"N{n}")
    monkeypatch.setattr(generation, "BRANCHES_PER_BATCH", 5)
    # A year for twelve branches: three batches of branches, each counted.
    made = tasks_generate(first=D(2026, 1, 1), last=D(2026, 12, 31))
    assert made == Task.objects.count() == 12 * (53 * 3 + 12 * 10 + 4 * 16 + 2 * 9 + 9)
    # Only 1 January 2027's periods are new (its ISO week, 2026-W53, began in December).
    assert tasks_generate(first=D(2026, 12, 1), last=D(2027, 1, 1)) == 12 * (10 + 16 + 9 + 9)
    assert tasks_generate(first=D(2026, 1, 1), last=D(2027, 1, 1)) == 0


def test_the_database_refuses_a_second_task_for_the_same_branch_article_and_period(
    world: World, edition: Edition
) -> None:
    tasks_generate(first=D(2026, 11, 18))
    task = Task.objects.filter(branch=world.branch_a).first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Task.objects.create(
            branch=task.branch,
            article=task.article,
            title="dup",
            period_key=task.period_key,
            period_start=task.period_start,
            period_end=task.period_end,
        )


def test_nothing_is_generated_without_an_edition_in_force(world: World) -> None:
    assert tasks_generate(first=D(2026, 11, 18)) == 0


def test_the_command_generates_for_a_date_and_says_how_many(world: World, edition: Edition, capsys) -> None:
    call_command("generate_tasks", "--date", "2026-11-18")
    assert capsys.readouterr().out.strip() == f"{2 * PER_DAY} task(s) created for 2026-11-18"
    call_command("generate_tasks", "--date", "2026-11-18")
    assert capsys.readouterr().out.startswith("0 task(s)")
    call_command("generate_tasks", "--date", "2026-11-01", "--until", "2026-11-30")
    # ISO weeks W44 (from 26 October) to W49 (to 6 December).
    assert Task.objects.filter(branch=world.branch_a, article__code=DAILY_ARTICLE).count() == 6


def test_the_command_refuses_a_bad_date(world: World, edition: Edition) -> None:
    with pytest.raises(CommandError, match="not a date"):
        call_command("generate_tasks", "--date", "2026-02-30")
    with pytest.raises(CommandError, match="before"):
        call_command("generate_tasks", "--date", "2026-02-03", "--until", "2026-02-01")


class Queries:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def _queries_to_generate(first: D, last: D) -> int:
    counter = Queries()
    with connection.execute_wrapper(counter):
        tasks_generate(first=first, last=last)
    return counter.count


def test_queries_do_not_grow_with_the_branches_only_with_their_batches(
    world: World, edition: Edition, monkeypatch
) -> None:
    top = make_org(code="QC")
    for n in range(3):
        make_org(top, code=f"Q{n}")
    five = _queries_to_generate(D(2026, 11, 18), D(2026, 11, 18))  # branches A, B and three more
    assert Task.objects.values("branch").distinct().count() == 5
    for n in range(3, 48):
        make_org(top, code=f"Q{n}")
    fifty = _queries_to_generate(D(2026, 11, 19), D(2026, 11, 19))
    assert Task.objects.values("branch").distinct().count() == 50
    assert fifty == five
    # In batches of 10 branches: each batch costs the same few queries (the edition's are
    # read once), so 5 batches cost 4 batches more than one, and 10 batches 5 more again.
    monkeypatch.setattr(generation, "BRANCHES_PER_BATCH", 10)
    in_five = _queries_to_generate(D(2026, 12, 1), D(2026, 12, 1))
    for n in range(48, 98):
        make_org(top, code=f"Q{n}")
    in_ten = _queries_to_generate(D(2026, 12, 2), D(2026, 12, 2))
    per_batch = (in_ten - in_five) / 5
    # Seven on SQLite: the batch's insert and the two statements counting it into the task
    # tallies, per date and per quarter (one statement on PostgreSQL), the page of branches,
    # their officers, the savepoint pair.
    assert 0 < per_batch <= 7
    # + 1: after a full last batch, the next page is read and found empty.
    assert in_five == five + 4 * per_batch + 1


@pytest.mark.parametrize(
    ("utc", "quarter"),
    [
        (dt.datetime(2026, 3, 31, 15, 59, tzinfo=dt.UTC), "2026-Q1"),  # 23:59 on 31 March in Shanghai
        (dt.datetime(2026, 3, 31, 16, 1, tzinfo=dt.UTC), "2026-Q2"),  # 00:01 on 1 April in Shanghai
    ],
)
def test_the_job_uses_the_shanghai_date_at_a_quarter_boundary(
    world: World, edition: Edition, monkeypatch, utc, quarter
) -> None:
    monkeypatch.setattr(timezone, "now", lambda: utc)
    generate_tasks.delay()
    assert set(Task.objects.filter(frequency="quarterly").values_list("period_key", flat=True)) == {quarter}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_generations_make_each_task_once_on_postgresql() -> None:
    from handbook.services import load_default_edition

    load_default_edition()
    top = make_org(code="PC")
    for n in range(20):
        make_org(top, code=f"PB{n}")
    barrier = threading.Barrier(2)
    results: list[int] = []

    def run() -> None:
        try:
            barrier.wait()
            results.append(tasks_generate(first=D(2026, 1, 1), last=D(2026, 1, 31)))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    expected = 20 * (3 * 5 + 10 + 16 + 9 + 9)
    assert Task.objects.count() == expected
    assert len(results) == 2 and sum(results) == expected


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_of_two_overlapping_generations_one_reports_the_tasks_and_the_other_none() -> None:
    """The second run inserts while the first has not committed: it waits on the unique
    index, then skips every row. Each reports the rows it inserted, not the change in the
    table's count, which the first run's commit makes for both."""
    from handbook.services import load_default_edition

    load_default_edition()
    top = make_org(code="PC")
    for n in range(5):
        make_org(top, code=f"PB{n}")
    expected = 5 * PER_DAY
    first_done, release = threading.Event(), threading.Event()
    results: dict[str, int] = {}

    def first() -> None:
        try:
            with transaction.atomic():
                results["first"] = tasks_generate(first=D(2026, 11, 18))
                first_done.set()
                release.wait(30)  # still uncommitted while the second run inserts
        finally:
            connection.close()

    def second() -> None:
        try:
            results["second"] = tasks_generate(first=D(2026, 11, 18))
        finally:
            connection.close()

    def second_is_waiting_on_a_lock() -> bool:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"
            )
            return cursor.fetchone()[0] > 0

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    threads[0].start()
    try:
        assert first_done.wait(30)
        threads[1].start()
        deadline = time.monotonic() + 30
        while not second_is_waiting_on_a_lock():
            assert time.monotonic() < deadline, "the second run never waited for the first"
            time.sleep(0.05)
    finally:
        release.set()
        for t in threads:
            if t.is_alive() or t.ident:
                t.join()
    assert results == {"first": expected, "second": 0}
    assert Task.objects.count() == expected
