"""The periodic jobs, in Asia/Shanghai time (CELERY_TIMEZONE).

Run by Celery beat when REDIS_URL is set; without a broker, one cron line runs
``manage.py run_periodic_jobs`` every few minutes and it runs whatever is due (README).
Each app adds its own entries here.
"""

from celery.schedules import crontab

BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "purge-expired-sessions": {
        "task": "branches.jobs.purge_expired_sessions",
        "schedule": crontab(hour=3, minute=30),
    },
}
