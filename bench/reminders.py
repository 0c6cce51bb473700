"""Tasks and reminder sheets at scale: 2,000 or 20,000 branches.

    .venv/bin/python bench/reminders.py [--branches N] [--small N] [--json]

Loads the default handbook, then runs the same work twice on fresh periods: first with
``--small`` branches (200), then with the tree grown to ``--branches`` (2,000; the issue's
large size is 20,000 on PostgreSQL): generate a quarter's tasks (every weekly, monthly,
quarterly, half-yearly and yearly period inside it, daily work as its weekly checklist)
and make and send the monthly reminder sheets, each branch's secretary having an e-mail
address. Sending a sheet publishes one e-mail job for the workers: the bench keeps them as
a broker would, then runs the small size's (and with ``--deliver`` the large size's) as a
worker would, timed apart. Prints
wall and CPU time, queries per branch for each size (asserted not to grow), peak memory
and the load average, each beside its target. Target: the large size's quarter of tasks
and sheets within 30 ms a branch (60 s for 2,000, 10 minutes for 20,000).
"""

import argparse
import datetime as dt
import logging
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import Row, emit, setup_django

TARGET_S_PER_BRANCH = 0.03  # 60 s for 2,000 branches, 10 minutes for 20,000
TARGET_MB = 500.0


class QueryCounter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def grow_tree(total: int) -> None:
    """Brings the benchmark committee to ``total`` branches, each with a secretary."""
    from branches.models import Organisation, OrgKind, Role, RoleAssignment, User
    from branches.services import organisation_create

    top = Organisation.objects.filter(code="BENCH").first() or organisation_create(
        by=None, parent=None, code="BENCH", name="基准测试党委", kind=OrgKind.COMMITTEE
    )
    have = Organisation.objects.filter(parent=top).count()
    created = Organisation.objects.bulk_create(
        [
            Organisation(
                parent=top, code=f"B{i:05d}", name=f"第{i}项目部党支部", kind=OrgKind.BRANCH, path="/pending/", depth=1
            )
            for i in range(have, total)
        ],
        batch_size=500,
    )
    for org in created:
        org.path = f"{top.path}{org.pk}/"
    Organisation.objects.bulk_update(created, ["path"], batch_size=500)
    users = User.objects.bulk_create(
        [
            User(username=f"sec{org.code}", full_name=f"书记{org.code}", email=f"{org.code}@example.com")
            for org in created
        ],
        batch_size=500,
    )
    RoleAssignment.objects.bulk_create(
        [
            RoleAssignment(user=user, organisation=org, role=Role.SECRETARY)
            for user, org in zip(users, created, strict=True)
        ],
        batch_size=500,
    )


class Broker:
    """Stands in for Redis: the jobs a run publishes (the e-mail deliveries) are kept, as a
    broker keeps them for the workers, instead of running inline inside the timed work."""

    def __init__(self) -> None:
        self.jobs: list[tuple[object, tuple]] = []

    def __call__(self, task, *args) -> bool:
        self.jobs.append((task, args))
        return True

    def work(self) -> float:
        """Runs the kept jobs as a worker would; returns the seconds it took."""
        started = time.perf_counter()
        for task, args in self.jobs:
            task.apply(args)
        return time.perf_counter() - started


def run(branches: int, quarter_start: dt.date, *, deliver: bool) -> dict[str, float]:
    from django.core import mail
    from django.db import connection

    import config.jobs
    from tasks.models import ReminderSheet, SheetKind, Task
    from tasks.periods import period_of
    from tasks.services import reminders_send, tasks_generate

    grow_tree(branches)
    quarter = period_of("quarterly", quarter_start)
    mail.outbox = []
    generate_q, send_q = QueryCounter(), QueryCounter()
    started, cpu = time.perf_counter(), time.process_time()
    with connection.execute_wrapper(generate_q):
        created = tasks_generate(first=quarter.start, last=quarter.end)
    generate_s, generate_cpu = time.perf_counter() - started, time.process_time() - cpu
    broker, inline = Broker(), config.jobs.send
    config.jobs.send = broker
    try:
        started, cpu = time.perf_counter(), time.process_time()
        with connection.execute_wrapper(send_q):
            result = reminders_send(kind=SheetKind.MONTHLY, on=quarter.start)
        send_s, send_cpu = time.perf_counter() - started, time.process_time() - cpu
    finally:
        config.jobs.send = inline
    assert result.created == branches and result.sent == branches, result
    assert len(broker.jobs) == branches  # one e-mail for each branch's secretary
    deliver_s = None
    if deliver:
        deliver_s = broker.work()
        assert len(mail.outbox) == branches
    assert ReminderSheet.objects.filter(kind="monthly", period_key=f"{quarter.start:%Y-%m}").count() == branches
    return {
        "tasks": created,
        "tasks_total": Task.objects.count(),
        "generate_s": generate_s,
        "send_s": send_s,
        "cpu_s": generate_cpu + send_cpu,
        "generate_q": generate_q.count / branches,
        "send_q": send_q.count / branches,
        "deliver_s": deliver_s,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--branches", type=int, default=2_000)
    parser.add_argument("--small", type=int, default=200)
    parser.add_argument(
        "--deliver", action="store_true", help="also send the large size's e-mails (the workers' part), timed apart"
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    started = time.perf_counter()
    load_before = os.getloadavg()[0]
    setup_django()
    from django.conf import settings
    from django.db import connection

    from handbook.services import load_default_edition

    # The e-mails are counted, not printed (the embedded default prints them to the console),
    # and the inline e-mail jobs do not log a line each.
    logging.getLogger("celery.app.trace").setLevel(logging.WARNING)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    load_default_edition()
    small = run(args.small, dt.date(2026, 1, 1), deliver=True)
    large = run(args.branches, dt.date(2026, 4, 1), deliver=args.deliver)
    total_s = time.perf_counter() - started
    # Queries per branch stay flat (they may fall: the work is batched).
    assert large["generate_q"] <= small["generate_q"] * 1.1 + 0.01, (small, large)
    assert large["send_q"] <= small["send_q"] * 1.1 + 0.01, (small, large)
    n, m = args.branches, args.small
    target_s = TARGET_S_PER_BRANCH * n
    work_s = large["generate_s"] + large["send_s"]
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux
    rows = [
        Row(f"tasks generated for a quarter, {n} branches", large["tasks"], "tasks"),
        Row(f"generate a quarter, {n} branches", large["generate_s"], "s", baseline=small["generate_s"],
            ratio=large["generate_s"] / small["generate_s"]),
        Row(f"make + send monthly sheets, {n} branches", large["send_s"], "s", baseline=small["send_s"],
            ratio=large["send_s"] / small["send_s"]),
        Row(f"quarter's tasks + monthly sheets, {n} branches", work_s, "s", f"≤ {target_s:,.0f} s",
            baseline=target_s, ratio=work_s / target_s),
        Row("  the same in CPU time of this process", large["cpu_s"], "s", f"≤ {target_s:,.0f} s",
            baseline=target_s, ratio=large["cpu_s"] / target_s),
        Row(f"e-mail jobs, as the workers send them: {m} branches", small["deliver_s"], "s",
            baseline=small["deliver_s"] / m * 1000, ratio=None),
        *([Row(f"e-mail jobs, as the workers send them: {n} branches", large["deliver_s"], "s")]
          if large["deliver_s"] is not None else []),
        Row(f"generate: queries per branch ({m} → {n})", large["generate_q"], "queries", "constant",
            baseline=small["generate_q"], ratio=large["generate_q"] / small["generate_q"]),
        Row(f"sheets: queries per branch ({m} → {n})", large["send_q"], "queries", "constant",
            baseline=small["send_q"], ratio=large["send_q"] / small["send_q"]),
        Row("peak memory (max RSS)", peak_mb, "MB", f"≤ {TARGET_MB:.0f} MB", baseline=TARGET_MB,
            ratio=peak_mb / TARGET_MB),
        Row("whole run (both sizes, set-up included)", total_s, "s"),
        Row("database", 0, connection.vendor),
        # Wall-clock times mean little when other work shares the 2 cores: say how busy it was.
        Row("load average (1 min) at the start / end", load_before,
            f"/ {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs"),
    ]  # fmt: skip
    emit(rows, as_json=args.json)
    failed = False
    if work_s > target_s:
        sys.stderr.write(f"over the target: {work_s:.1f} s > {target_s:.0f} s\n")
        failed = True
    if peak_mb > TARGET_MB:
        sys.stderr.write(f"over the memory target: {peak_mb:.0f} MB > {TARGET_MB:.0f} MB\n")
        failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
