"""The Celery application.

Task modules are found by autodiscovery in each app's ``jobs.py`` (not ``tasks.py``:
the ``tasks`` app would otherwise clash with Celery's default module name).
Periodic jobs are declared in code in ``config.beat``.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("partybranch")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(related_name="jobs")
