"""Two app servers on one PostgreSQL, one Redis and one object store behave as one.

Two gunicorn processes are started on two free ports against this test's PostgreSQL database,
the Redis of REDIS_URL (the cache) and a local S3-compatible server (moto's, from
requirements-dev.txt). Each server has its own MEDIA_ROOT, so a file kept on a server's own disk
could not be seen by the other. A sign-in lockout, an API throttle and an uploaded evidence file
made through one server are seen through the other; the file is in the bucket and on neither disk,
and it is still served only after the access check. Run where DATABASE_URL is PostgreSQL and
REDIS_URL is set (`.ci/run`).
"""

import os
import re
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import boto3
import pytest
import requests
from django.conf import settings as django_settings
from django.db import connection

from branches.models import User
from tasks.models import Evidence
from tests.conftest import World
from tests.factories import make_task

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

PASSWORD = "pass-word-123"  # tests.factories.UserFactory's
BUCKET = "partybranch-test"
S3_KEYS = {"S3_ACCESS_KEY_ID": "testing", "S3_SECRET_ACCESS_KEY": "testing", "S3_REGION": "us-east-1"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(url: str, process: subprocess.Popen, *, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"{process.args} exited with {process.returncode}")
        try:
            requests.get(url, timeout=5)
            return
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer within {timeout} s")


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _database_url() -> str:
    """This test's PostgreSQL database (test_…), which the servers share with it."""
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    user = quote(db["USER"], safe="")
    return f"postgres://{user}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def object_store() -> Iterator[str]:
    """A local S3-compatible server (moto) with an empty private bucket: its endpoint URL."""
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        _wait_for(f"{endpoint}/moto-api/", process)
        _s3(endpoint).create_bucket(Bucket=BUCKET)
        yield endpoint
    finally:
        _stop(process)


def _s3(endpoint: str):
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=S3_KEYS["S3_ACCESS_KEY_ID"],
        aws_secret_access_key=S3_KEYS["S3_SECRET_ACCESS_KEY"],
        region_name=S3_KEYS["S3_REGION"],
    )


@pytest.fixture
def servers(world: World, object_store: str, tmp_path: Path, settings: object) -> Iterator[dict[str, str]]:
    """Servers "a" and "b": their base URLs (and the prefix of their keys in Redis). The
    world's rows are committed (transaction=True)."""
    # The servers check passwords with the real hasher, not the test settings' fast one.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    for user in User.objects.all():
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    common = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DJANGO_DEBUG": "0",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": os.environ["REDIS_URL"],
        # A fresh prefix: counters left in Redis by an earlier run cannot count here.
        "CACHE_KEY_PREFIX": f"several-servers-{uuid.uuid4().hex}",
        "API_THROTTLE_USER": "4/minute",
        "LOGIN_FAILURE_LIMIT": "3",
        "S3_BUCKET": BUCKET,
        "S3_ENDPOINT_URL": object_store,
        **S3_KEYS,
    }
    processes, urls = [], {}
    try:
        for name in ("a", "b"):
            port = _free_port()
            home = tmp_path / name
            (home / "staticfiles").mkdir(parents=True)
            env = {**common, "VAR_DIR": str(home), "MEDIA_ROOT": str(home / "media")}
            command = [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--workers", "1"]
            command += ["--bind", f"127.0.0.1:{port}", "--log-level", "warning"]
            processes.append(subprocess.Popen(command, cwd=django_settings.BASE_DIR, env=env))
            urls[name] = f"http://127.0.0.1:{port}"
        for process, url in zip(processes, urls.values(), strict=True):
            _wait_for(f"{url}/healthz", process)
        yield {**urls, "cache_key_prefix": common["CACHE_KEY_PREFIX"]}
    finally:
        for process in processes:
            _stop(process)


def _get(url: str, **kwargs: object) -> requests.Response:
    return requests.get(url, timeout=30, **kwargs)


def _token(base: str, username: str) -> dict[str, str]:
    response = requests.post(
        f"{base}/api/v1/auth/token/", json={"username": username, "password": PASSWORD}, timeout=30
    )
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


def _sign_in(base: str, username: str, password: str) -> tuple[requests.Response, requests.Session]:
    """The login page as a browser fills it: its CSRF token, then the form."""
    browser = requests.Session()
    page = browser.get(f"{base}/accounts/login/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    answer = browser.post(
        f"{base}/accounts/login/",
        data={"csrfmiddlewaretoken": token, "username": username, "password": password},
        allow_redirects=False,
        timeout=30,
    )
    return answer, browser


def test_a_lockout_made_through_one_server_holds_on_the_other(servers: dict[str, str]) -> None:
    failures = [_sign_in(servers["a"], "member", "wrong-password")[0].status_code for _ in range(3)]
    assert failures == [200, 200, 429]  # LOGIN_FAILURE_LIMIT=3: the third locks
    assert _sign_in(servers["b"], "member", PASSWORD)[0].status_code == 429
    # The other server is not merely refusing everyone: another account signs in there.
    assert _sign_in(servers["b"], "secretary_b", PASSWORD)[0].status_code == 302


def test_an_api_throttle_counts_the_requests_made_through_both_servers(servers: dict[str, str]) -> None:
    headers = _token(servers["a"], "reviewer")
    statuses = [
        _get(f"{servers[name]}/api/v1/organisations/", headers=headers).status_code
        for name in ("a", "b", "a", "b", "b", "a")
    ]
    # 4 a minute in all: each server alone has seen at most 3.
    assert statuses == [200, 200, 200, 200, 429, 429]


def test_evidence_uploaded_through_one_server_is_read_through_the_other_from_the_object_store(
    servers: dict[str, str], world: World, default_edition: object, object_store: str, tmp_path: Path
) -> None:
    task = make_task(world.branch_a, default_edition.articles.order_by("code").first())
    content = b"%PDF-1.4 minutes of the branch committee " + uuid.uuid4().bytes
    upload = requests.post(
        f"{servers['a']}/api/v1/tasks/{task.pk}/complete/",
        headers=_token(servers["a"], "secretary_a"),
        data={"note": "已召开支委会"},
        files={"files": ("记录.pdf", content, "application/pdf")},
        timeout=30,
    )
    assert upload.status_code == 200, upload.text
    evidence = Evidence.objects.get(task=task)

    download = _get(f"{servers['b']}/api/v1/task-evidence/{evidence.pk}/", headers=_token(servers["b"], "secretary_a"))
    assert download.status_code == 200, download.text
    assert download.content == content
    assert download.headers["Content-Type"] == "application/pdf"

    # The page's download, through the other server's session and access check.
    signed_in, browser = _sign_in(servers["b"], "secretary_a", PASSWORD)
    assert signed_in.status_code == 302
    assert browser.get(f"{servers['b']}/tasks/evidence/{evidence.pk}/", timeout=30).content == content

    # Still behind the access check: another branch's secretary is answered 404.
    other = _get(f"{servers['b']}/api/v1/task-evidence/{evidence.pk}/", headers=_token(servers["b"], "secretary_b"))
    assert other.status_code == 404

    # Kept in the bucket, on neither server's disk, and granted to no one but the bucket's owner.
    s3 = _s3(object_store)
    assert s3.get_object(Bucket=BUCKET, Key=evidence.file.name)["Body"].read() == content
    assert [p for p in tmp_path.rglob("*") if p.is_file() and "media" in p.parts] == []
    grants = s3.get_object_acl(Bucket=BUCKET, Key=evidence.file.name)["Grants"]
    assert [g["Grantee"].get("URI") for g in grants if g["Grantee"]["Type"] == "Group"] == []


def test_a_pdf_made_by_a_worker_elsewhere_is_served_by_each_server_from_the_object_store(
    servers: dict[str, str], default_edition: object, object_store: str, settings: object
) -> None:
    from handbook import printing

    # This process plays a Celery worker on a third machine: same bucket, its own disk.
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": object_store,
                "access_key": S3_KEYS["S3_ACCESS_KEY_ID"],
                "secret_key": S3_KEYS["S3_SECRET_ACCESS_KEY"],
                "region_name": S3_KEYS["S3_REGION"],
                "addressing_style": "path",
                "file_overwrite": False,
            },
        },
    }
    name = printing.make_edition_pdf(edition_id=default_edition.pk, language="zh-hans")
    made = _s3(object_store).get_object(Bucket=BUCKET, Key=name)["Body"].read()
    assert made.startswith(b"%PDF")

    for server in ("a", "b"):
        signed_in, browser = _sign_in(servers[server], "member", PASSWORD)
        assert signed_in.status_code == 302
        pdf = browser.get(f"{servers[server]}/handbook/editions/{default_edition.pk}/pdf/", timeout=60)
        assert (pdf.status_code, pdf.headers["Content-Type"]) == (200, "application/pdf")
        assert pdf.content == made
    # Signed out, the file is not served at all.
    anonymous = _get(f"{servers['b']}/handbook/editions/{default_edition.pk}/pdf/", allow_redirects=False)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous.headers["Location"]


def _ranked_names(page: str) -> list[str]:
    """The branch names of the dashboard's ranking table, in its order."""
    table = page.split('id="dash-ranking"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<td data-label="[^"]*"><a href="[^"]+">([^<]+)</a>', table)


def test_the_dashboard_kept_by_one_server_is_renewed_by_a_write_through_the_other_or_a_worker(
    servers: dict[str, str], world: World, default_edition: object, settings: object
) -> None:
    from branches.models import Organisation
    from branches.services import organisation_update
    from tests.factories import UserFactory, final_scorecard

    boss = UserFactory(username="boss", is_superuser=True)
    final_scorecard(world.branch_a, year=2026, quarter=3, by=boss)
    signed_in, reviewer = _sign_in(servers["b"], "reviewer", PASSWORD)
    assert signed_in.status_code == 302
    url = f"{servers['b']}/assessments/dashboard/?quarter=2026Q3"
    assert _ranked_names(reviewer.get(url, timeout=60).text) == [world.branch_a.name]
    assert _ranked_names(reviewer.get(url, timeout=60).text) == [world.branch_a.name]  # kept in Redis

    # A write through server a: server b's kept figures are read afresh.
    renamed = requests.patch(
        f"{servers['a']}/api/v1/organisations/{world.branch_a.pk}/",
        headers=_token(servers["a"], "administrator"),
        json={"name": "经服务器甲更名的支部"},
        timeout=30,
    )
    assert renamed.status_code == 200, renamed.text
    assert _ranked_names(reviewer.get(url, timeout=60).text) == ["经服务器甲更名的支部"]

    # A write by a worker on a third machine: this process, on the servers' Redis.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": servers["cache_key_prefix"],
        }
    }
    settings.DASHBOARD_CACHE_SECONDS = 600
    branch = Organisation.objects.get(pk=world.branch_a.pk)
    organisation_update(by=None, organisation=branch, name="由任务进程更名的支部")
    assert _ranked_names(reviewer.get(url, timeout=60).text) == ["由任务进程更名的支部"]
