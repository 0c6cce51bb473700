"""Bounded load test: 50 concurrent users on gunicorn over PostgreSQL, loopback only.

Starts gunicorn on 127.0.0.1, signs in the demo users, then lets wrk (Debian package) play
50 users on each page for a fixed time and reports p50 / p95 latency and errors.

A user reads a page before asking for the next: each of wrk's 50 connections waits a think
time drawn between --think-min and --think-max milliseconds (default 1–3 s) after each
answer. Target: no errors and p95 ≤ 1 s on this 2-core machine. A second pass with no think
time (50 connections asking as fast as answers come) measures the saturation throughput;
its latency is 50 / throughput by construction and has no target. Stops by itself.

    python bench/load.py [--json] [--seconds 15] [--connections 50] [--think-min 1000] [--think-max 3000]

Uses DATABASE_URL when it points at PostgreSQL, else a `partybranch_bench` database on the
local PostgreSQL (created if missing).
"""

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
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
local think_min, think_max = THINK_MIN, THINK_MAX
if think_max > 0 then
  delay = function() return math.random(think_min, think_max) end
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT p50=%d p95=%d requests=%d non2xx=%d errors=%d\\n",
    latency:percentile(50), latency:percentile(95), summary.requests,
    summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
"""


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


def session_cookie(base: str, username: str) -> str:
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    login = f"{base}/accounts/login/"
    page = opener.open(login, timeout=30).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"username": username, "password": "Demo@2026", "csrfmiddlewaretoken": token})
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


def write_script(think_min: int, think_max: int) -> str:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(WRK_SCRIPT.replace("THINK_MIN", str(think_min)).replace("THINK_MAX", str(think_max)))
    return handle.name


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
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--think-min", type=int, default=1000)
    parser.add_argument("--think-max", type=int, default=3000)
    args = parser.parse_args()

    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DJANGO_DEBUG": "0",
        "LOGIN_FAILURE_LIMIT": "1000",
    }
    env.pop("REDIS_URL", None)
    manage(env, "migrate", "--noinput")
    manage(env, "load_default_handbook")
    manage(env, "seed_demo")
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
            str(args.think_max // 1000 + 5),
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
        users = write_script(args.think_min, args.think_max)
        flat_out = write_script(0, 0)
        for label, user, path in PAGES:
            cookie = session_cookie(base, user)
            path = path or scorecard_path(base, cookie)
            figures = run_wrk(base + path, cookie, args.seconds, args.connections, users)
            p95_ms = figures["p95"] / 1000
            rows.append(Row(f"{label} p50", figures["p50"] / 1000, "ms"))
            rows.append(Row(f"{label} p95", p95_ms, "ms", target="≤ 1000 ms", baseline=1000, ratio=p95_ms / 1000))
            saturated = run_wrk(base + path, cookie, args.seconds, args.connections, flat_out)
            errors = figures["non2xx"] + figures["errors"] + saturated["non2xx"] + saturated["errors"]
            rows.append(Row(f"{label} errors", errors, "", target="0"))
            rows.append(Row(f"{label} saturated requests/s", saturated["requests"] / args.seconds, "req/s"))
            rows.append(Row(f"{label} saturated p95", saturated["p95"] / 1000, "ms"))
        os.unlink(users)
        os.unlink(flat_out)
    finally:
        gunicorn.send_signal(signal.SIGTERM)
        gunicorn.wait(timeout=30)
    emit(rows, as_json=args.json)


if __name__ == "__main__":
    main()
