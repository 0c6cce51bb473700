"""Every variable the README's configuration table advertises is read from the environment,
through config/env.py, and a bad value stops the start with a message that names it."""

import re
import runpy
from pathlib import Path

import pytest
from django.conf import settings

README = Path(settings.BASE_DIR) / "README.md"
SETTINGS_DIR = Path(settings.BASE_DIR) / "config" / "settings"


def base_settings(monkeypatch: pytest.MonkeyPatch, **environment: str) -> dict:
    """config/settings/base.py run afresh with ``environment`` (nothing in sys.modules changes)."""
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS_DIR / "base.py"), run_name="base_settings_under_test")


def advertised() -> set[str]:
    text = README.read_text(encoding="utf-8")
    table = text[text.index("## Configuration") :]
    table = table[: table.index("\n## ")]
    names = set()
    for row in table.splitlines():
        if row.startswith("| `"):
            names |= set(re.findall(r"`([A-Z][A-Z0-9_]+)`", row.split("|")[1]))
    return names


def test_every_variable_of_the_readme_table_is_read_through_the_env_helper() -> None:
    read = set()
    for module in SETTINGS_DIR.glob("*.py"):
        read |= set(re.findall(r"env_\w+\(\s*\"([A-Z][A-Z0-9_]+)\"", module.read_text(encoding="utf-8")))
    names = advertised()
    assert {"ASSESSMENT_DEADLINE_DAYS", "ASSESSMENT_GRADE_THRESHOLDS", "MEMBERS_IMPORT_MAX_ROWS"} <= names
    assert sorted(names - read) == []
    assert sorted(read - names) == [], "variables read but missing from the README's table"


@pytest.mark.parametrize(
    ("variable", "raw", "setting", "expected"),
    [
        ("ASSESSMENT_DEADLINE_DAYS", "15", "ASSESSMENT_DEADLINE_DAYS", 15),
        (
            "ASSESSMENT_GRADE_THRESHOLDS",
            '{"good": 95, "fairly_good": 85, "average": 70}',
            "ASSESSMENT_GRADE_THRESHOLDS",
            {"good": 95, "fairly_good": 85, "average": 70},
        ),
        ("MEMBERS_IMPORT_MAX_BYTES", "1048576", "MEMBERS_IMPORT_MAX_BYTES", 1048576),
        ("MEMBERS_IMPORT_MAX_ROWS", "5000", "MEMBERS_IMPORT_MAX_ROWS", 5000),
        ("MEMBERS_IMPORT_MAX_UNZIPPED_BYTES", "2000000", "MEMBERS_IMPORT_MAX_UNZIPPED_BYTES", 2000000),
        ("MEMBER_IMPORT_FILE_DAYS", "3", "MEMBER_IMPORT_FILE_DAYS", 3),
        ("UPLOAD_MAX_BYTES", "2048", "UPLOAD_MAX_BYTES", 2048),
        ("DJANGO_DEBUG", "1", "DEBUG", True),
    ],
)
def test_a_variable_sets_its_setting(monkeypatch, variable: str, raw: str, setting: str, expected: object) -> None:
    assert base_settings(monkeypatch, **{variable: raw})[setting] == expected


def test_the_defaults_hold_without_any_variable(monkeypatch) -> None:
    for name in advertised():
        monkeypatch.delenv(name, raising=False)
    values = base_settings(monkeypatch)
    assert values["ASSESSMENT_DEADLINE_DAYS"] == 10
    assert values["ASSESSMENT_GRADE_THRESHOLDS"] == {"good": 90, "fairly_good": 80, "average": 60}
    assert values["MEMBERS_IMPORT_MAX_BYTES"] == values["UPLOAD_MAX_BYTES"] == 10 * 1024 * 1024
    assert values["MEMBERS_IMPORT_MAX_ROWS"] == 60_000


def test_the_import_file_limit_follows_the_upload_limit_unless_set(monkeypatch) -> None:
    assert base_settings(monkeypatch, UPLOAD_MAX_BYTES="4096")["MEMBERS_IMPORT_MAX_BYTES"] == 4096


@pytest.mark.parametrize(
    "raw",
    [
        "not json",
        "[90, 80, 60]",
        '{"great": 90}',
        '{"good": "ninety"}',
        '{"good": 190}',
        '{"good": true}',
    ],
)
def test_bad_grade_thresholds_stop_the_start_with_their_name(monkeypatch, raw: str) -> None:
    with pytest.raises(ValueError, match="ASSESSMENT_GRADE_THRESHOLDS"):
        base_settings(monkeypatch, ASSESSMENT_GRADE_THRESHOLDS=raw)


def test_a_deadline_that_is_not_a_number_stops_the_start_with_its_name(monkeypatch) -> None:
    with pytest.raises(ValueError, match="ASSESSMENT_DEADLINE_DAYS"):
        base_settings(monkeypatch, ASSESSMENT_DEADLINE_DAYS="ten")


def test_the_configured_thresholds_grade_the_scorecards(settings) -> None:
    from assessments.services.scoring import grade_for

    settings.ASSESSMENT_GRADE_THRESHOLDS = {"good": 95, "fairly_good": 85, "average": 70}
    assert [grade_for(total) for total in (96, 90, 75, 69)] == ["good", "fairly_good", "average", "poor"]


def test_without_redis_or_a_bucket_the_cache_is_per_process_and_files_on_disk(monkeypatch) -> None:
    for name in ("REDIS_URL", "S3_BUCKET"):
        monkeypatch.delenv(name, raising=False)
    values = base_settings(monkeypatch)
    assert "CACHES" not in values  # Django's default: the per-process memory cache
    assert values["STORAGES"]["default"] == {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def test_with_redis_the_cache_every_server_shares_is_redis(monkeypatch) -> None:
    values = base_settings(monkeypatch, REDIS_URL="redis://cache.internal:6379/3", CACHE_KEY_PREFIX="group-a")
    assert values["CACHES"] == {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://cache.internal:6379/3",
            "KEY_PREFIX": "group-a",
        }
    }


def test_with_a_bucket_files_go_to_the_object_store_and_its_options_are_ones_django_storages_knows(
    monkeypatch,
) -> None:
    from storages.backends.s3 import S3Storage

    values = base_settings(
        monkeypatch,
        S3_BUCKET="partybranch",
        S3_ENDPOINT_URL="http://minio:9000",
        S3_ACCESS_KEY_ID="key",
        S3_SECRET_ACCESS_KEY="secret",
        S3_REGION="cn-north-1",
        S3_PREFIX="group-a",
    )
    default = values["STORAGES"]["default"]
    assert default["BACKEND"] == "storages.backends.s3.S3Storage"
    storage = S3Storage(**default["OPTIONS"])  # an unknown option would raise here
    assert (storage.bucket_name, storage.endpoint_url, storage.region_name) == (
        "partybranch",
        "http://minio:9000",
        "cn-north-1",
    )
    assert (storage.location, storage.addressing_style) == ("group-a", "path")
    # A second file of a name gets a new name, as on disk; nothing is made public.
    assert storage.file_overwrite is False and storage.default_acl is None and storage.querystring_auth is True
