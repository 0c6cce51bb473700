"""Bounded load test: 50 concurrent users on gunicorn over PostgreSQL, loopback only.

Starts gunicorn on 127.0.0.1 and signs in the demo users; then, for each page:

1. saturation: wrk (Debian package) holds 50 connections asking as fast as answers come, for
   --saturate-seconds: the throughput two cores give. Its latency is 50 / throughput by
   construction, so it has no target; it also warms the workers up.
2. 50 users: 50 threads, each a signed-in user who arrives within the first think time, asks
   for the page, reads it for a think time drawn between --think-min and --think-max ms
   (default 1–3 s) and asks again, on a kept-alive connection, for --seconds. Reported:
   p50 / p95 of the answers and the errors. Target: no errors and p95 ≤ 1 s on this 2-core
   machine.

Stops by itself.

    python bench/load.py [--json] [--seconds 30] [--saturate-seconds 10] [--users 50]
                         [--think-min 1000] [--think-max 3000] [--bench-dashboard]
                         [--cache] [--task-writes 0] [--card-writes 0]

Uses DATABASE_URL when it points at PostgreSQL, else a `partybranch_bench` database on the
local PostgreSQL (created if missing). With --bench-dashboard, DATABASE_URL is a database
that bench/dashboard.py built (e.g. 20,000 branches × 8 quarters): no demo is seeded and the
pages are the reviewer's dashboard of the whole committee and of a 2,000-branch unit, for
the last built quarter.

--cache keeps REDIS_URL for the servers: the cache (and the dashboard's kept figures) in Redis,
as on a deployment with several servers; without it REDIS_URL is dropped and every figure is
computed per request. --task-writes / --card-writes (per second, with --bench-dashboard) run a
writer beside the users: a task tally or a card of the quarter written that often, each write
moving the dashboard's task or card figures on, as secretaries doing their tasks and filling
their cards do all day.
"""

import argparse
import http.client
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, Row, emit

# The pages under load: (label, user, path). A path of None is found on the user's
# scorecard list (the demo's current-quarter card of the secretary's branch).
PAGES = [
    ("scorecard page (secretary)", "secretary", None),
    ("dashboard (reviewer)", "reviewer", "/assessments/dashboard/"),
    ("organisation tree (reviewer)", "reviewer", "/orgs/"),
    ("member roster (secretary)", "secretary", "/members/"),
]

WRK_SCRIPT = """
done = function(summary, latency, requests)
  io.write(string.format("RESULT p50=%d p95=%d requests=%d non2xx=%d errors=%d\\n",
    latency:percentile(50), latency:percentile(95), summary.requests,
    summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
"""


BENCH_PASSWORD = "Bench@2026-x"  # noqa: S105 - bench/dashboard.py's throw-away users


def bench_dashboard_pages(env: dict[str, str]) -> list[tuple[str, str, str]]:
    """The committee's and a 2,000-branch unit's dashboard in a database bench/dashboard.py
    built, for 2026Q3 (its last quarter), as its reviewer."""
    script = (
        "from branches.models import Organisation as O; "
        "c = O.objects.get(code='BENCH'); u = O.objects.filter(code='BENCH-U00').first(); "
        "n = O.objects.filter(code__startswith='BENCH-', kind='branch').count(); "
        "print('FOUND', n, c.pk, u.pk if u else '')"
    )
    found = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    line = next((row.split()[1:] for row in found.splitlines() if row.startswith("FOUND ")), None)
    if not line:
        raise SystemExit("no bench data in DATABASE_URL: build it with bench/dashboard.py first")
    branches, committee, *unit = line
    path = "/assessments/dashboard/?quarter=2026Q3&org="
    pages = [(f"dashboard, committee of {int(branches):,} branches (reviewer)", "bench-reviewer", path + committee)]
    if unit:
        pages.append(("dashboard, 2,000-branch unit (reviewer)", "bench-reviewer", path + unit[0]))
    return pages


def database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        return url
    subprocess.run(
        ["createdb", "-h", "127.0.0.1", "-U", "postgres", "partybranch_bench"], capture_output=True, check=False
    )
    return "postgres://postgres@127.0.0.1:5432/partybranch_bench"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True)


def session_cookie(base: str, username: str, password: str) -> str:
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    login = f"{base}/accounts/login/"
    page = opener.open(login, timeout=30).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"username": username, "password": password, "csrfmiddlewaretoken": token})
    opener.open(urllib.request.Request(login, data=data.encode(), headers={"Referer": login}), timeout=30)
    cookies = {c.name: c.value for c in jar}
    if "sessionid" not in cookies:
        raise SystemExit(f"could not sign in as {username}")
    return f"sessionid={cookies['sessionid']}; csrftoken={cookies.get('csrftoken', '')}"


def scorecard_path(base: str, cookie: str) -> str:
    request = urllib.request.Request(f"{base}/assessments/", headers={"Cookie": cookie})
    page = urllib.request.urlopen(request, timeout=30).read().decode()
    match = re.search(r'href="(/assessments/cards/\d+/)"', page)
    if match is None:
        raise SystemExit("the demo secretary has no scorecard to load")
    return match.group(1)


def play_users(base: str, path: str, cookie: str, *, users: int, seconds: int, think: tuple[float, float]) -> dict:
    """``users`` threads, each a user reading the page between requests (see the docstring)."""
    address = urllib.parse.urlsplit(base)
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def user(n: int) -> None:
        nonlocal errors
        rng = random.Random(n)
        time.sleep(rng.uniform(0, think[1]))
        connection = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
        while time.monotonic() < stop_at:
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers={"Cookie": cookie})
                response = connection.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                ok = False
                connection.close()
                connection = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
            elapsed = time.perf_counter() - started
            with lock:
                if ok:
                    latencies.append(elapsed)
                else:
                    errors += 1
            time.sleep(rng.uniform(*think))
        connection.close()

    threads = [threading.Thread(target=user, args=(n,), daemon=True) for n in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 30)
    if len(latencies) < 2:
        raise SystemExit(f"{path}: too few answers to measure ({len(latencies)}, {errors} errors)")
    cuts = statistics.quantiles(latencies, n=20)
    return {
        "p50": statistics.median(latencies) * 1000,
        "p95": cuts[18] * 1000,
        "requests": len(latencies),
        "errors": errors,
    }


WRITER = """
import random, time
from django.db.models import F
from assessments.models import Scorecard
from tasks.models import TaskQuarterTally
tallies = list(TaskQuarterTally.objects.filter(year=2026, quarter=3).values_list("pk", flat=True)[:5000])
cards = list(Scorecard.objects.filter(year=2026, quarter=3).values_list("pk", flat=True)[:5000])
tasks_every, cards_every = {tasks_every}, {cards_every}
next_task = next_card = time.monotonic()
end = time.monotonic() + {seconds}
while time.monotonic() < end:
    now = time.monotonic()
    if tasks_every and tallies and now >= next_task:
        TaskQuarterTally.objects.filter(pk=random.choice(tallies)).update(done=F("done"))
        next_task += tasks_every
    if cards_every and cards and now >= next_card:
        Scorecard.objects.filter(pk=random.choice(cards)).update(version=F("version"))
        next_card += cards_every
    time.sleep(0.01)
"""


def start_writer(env: dict[str, str], *, task_writes: float, card_writes: float, seconds: int) -> subprocess.Popen:
    """A process writing task tallies and cards at the given rates (per second) for
    ``seconds``: each write moves the dashboard's kept task or card figures on."""
    script = WRITER.format(
        tasks_every=1 / task_writes if task_writes else 0,
        cards_every=1 / card_writes if card_writes else 0,
        seconds=seconds,
    )
    return subprocess.Popen([sys.executable, "manage.py", "shell", "-c", script], cwd=ROOT, env=env)


def run_wrk(url: str, cookie: str, seconds: int, connections: int, script: str) -> dict[str, int]:
    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit("wrk is not installed (Debian package wrk; `make bench` installs it)")
    result = subprocess.run(
        [
            wrk,
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            script,
            "-H",
            f"Cookie: {cookie}",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 60,
    )
    match = re.search(r"RESULT p50=(\d+) p95=(\d+) requests=(\d+) non2xx=(\d+) errors=(\d+)", result.stdout)
    if match is None:
        raise SystemExit(f"wrk printed no result:\n{result.stdout}\n{result.stderr}")
    keys = ["p50", "p95", "requests", "non2xx", "errors"]
    return dict(zip(keys, map(int, match.groups()), strict=True))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--saturate-seconds", type=int, default=10)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--think-min", type=int, default=1000)
    parser.add_argument("--think-max", type=int, default=3000)
    parser.add_argument("--bench-dashboard", action="store_true", help="load the dashboard of a bench database")
    parser.add_argument("--cache", action="store_true", help="keep REDIS_URL: the cache in Redis")
    parser.add_argument("--task-writes", type=float, default=0, help="task tally writes a second (bench dashboard)")
    parser.add_argument("--card-writes", type=float, default=0, help="card writes a second (bench dashboard)")
    args = parser.parse_args()
    if args.cache and not os.environ.get("REDIS_URL"):
        raise SystemExit("--cache needs REDIS_URL")

    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DJANGO_DEBUG": "0",
        "LOGIN_FAILURE_LIMIT": "1000",
    }
    if not args.cache:
        env.pop("REDIS_URL", None)
    manage(env, "migrate", "--noinput")
    if args.bench_dashboard:
        pages, password = bench_dashboard_pages(env), BENCH_PASSWORD
    else:
        manage(env, "load_default_handbook")
        manage(env, "seed_demo")
        pages, password = PAGES, "Demo@2026"
    manage(env, "collectstatic", "--noinput")

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    gunicorn = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "4",
            "--keep-alive",
            str(args.think_max // 1000 + 5),  # longer than a think time: users keep their connection
            "--threads",
            "4",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    rows: list[Row] = []
    try:
        for _ in range(60):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
            handle.write(WRK_SCRIPT)
        think = (args.think_min / 1000, args.think_max / 1000)
        suffix = ", figures kept in Redis" if args.cache else ""
        if args.bench_dashboard and (args.task_writes or args.card_writes):
            suffix += f", {args.task_writes:g} task + {args.card_writes:g} card writes/s"
        for label, user, path in pages:
            label = f"{label}{suffix}"
            cookie = session_cookie(base, user, password)
            path = path or scorecard_path(base, cookie)
            writer = None
            if args.bench_dashboard and (args.task_writes or args.card_writes):
                writer = start_writer(
                    env,
                    task_writes=args.task_writes,
                    card_writes=args.card_writes,
                    seconds=args.saturate_seconds + args.seconds + 10,
                )
            saturated = run_wrk(base + path, cookie, args.saturate_seconds, args.users, handle.name)
            figures = play_users(base, path, cookie, users=args.users, seconds=args.seconds, think=think)
            if writer is not None:
                writer.wait(timeout=60)
            p95_ms = figures["p95"]
            rows.append(Row(f"{label} p50", figures["p50"], "ms"))
            rows.append(Row(f"{label} p95", p95_ms, "ms", target="≤ 1000 ms", baseline=1000, ratio=p95_ms / 1000))
            errors = figures["errors"] + saturated["non2xx"] + saturated["errors"]
            rows.append(Row(f"{label} errors", errors, "", target="0"))
            rows.append(Row(f"{label} saturated requests/s", saturated["requests"] / args.saturate_seconds, "req/s"))
        os.unlink(handle.name)
    finally:
        gunicorn.send_signal(signal.SIGTERM)
        gunicorn.wait(timeout=30)
    emit(rows, as_json=args.json)


if __name__ == "__main__":
    main()
