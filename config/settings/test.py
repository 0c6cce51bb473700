"""Settings for the test suite: fast hashing, files in a throw-away folder."""

import tempfile
from pathlib import Path

from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="partybranch-media-"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Each test process keeps its own cache, even when REDIS_URL is set for the run: tests clear
# it between them (tests/api/conftest.py), which on Redis would empty the shared database.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The dashboard's figures go through the cache in every test (one process: the memory cache is
# shared by the test and its live server), as they do on a server with Redis.
DASHBOARD_CACHE_SECONDS = 600
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STATIC_ROOT = Path(tempfile.mkdtemp(prefix="partybranch-static-"))
# The tests' own webhook server listens on 127.0.0.1.
NOTIFY_WEBHOOK_HOSTS = [*NOTIFY_WEBHOOK_HOSTS, "127.0.0.1"]  # noqa: F405
