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
    # members app: uploaded rosters (full ID numbers) are deleted once past their keeping time.
    "purge-member-import-files": {
        "task": "members.jobs.purge_import_files",
        "schedule": crontab(hour=3, minute=40),
    },
    # members and assessments apps: jobs queued by a request that never reached a worker
    # (the broker was down) are sent again; those whose worker died are taken back.
    "sweep-member-imports": {
        "task": "members.jobs.sweep_imports",
        "schedule": crontab(minute="*/5"),
    },
    "sweep-feedback-sheets": {
        "task": "assessments.jobs.sweep_feedback_sheets",
        "schedule": crontab(minute="*/5"),
    },
    # notifications app: deliveries due for a retry, or whose job never reached a worker.
    "sweep-deliveries": {
        "task": "notifications.jobs.sweep_deliveries",
        "schedule": crontab(minute="*"),
    },
    # assessments app: scorecard deadlines approaching, rectification items due or overdue.
    "deadline-reminders": {
        "task": "assessments.jobs.send_deadline_reminders",
        "schedule": crontab(hour=8, minute=30),
    },
    # dues app: members three months or more in arrears, to their secretaries and themselves.
    "dues-arrears": {
        "task": "dues.jobs.send_arrears_reminders",
        "schedule": crontab(hour=8, minute=40, day_of_month=5),
    },
    # development app: the applicant's talk, the end of probation, the half-yearly assessment,
    # days before they fall due.
    "development-deadlines": {
        "task": "development.jobs.send_deadline_reminders",
        "schedule": crontab(hour=8, minute=50),
    },
    # tasks app: the day's tasks just after midnight, then the reminder sheets in the morning.
    "generate-tasks": {
        "task": "tasks.jobs.generate_tasks",
        "schedule": crontab(hour=0, minute=20),
    },
    # The dashboard's overdue counts of the current quarter as of today: a minute after midnight
    # (until it runs, the page reads the per-date rows of the day in between: 323 vs 146 ms at
    # 20,000 branches), again after the day's tasks (00:20), and twice an hour after that in
    # case a run failed (idempotent: a run that finds nothing to move takes ~20 ms).
    "advance-overdue-tallies": {
        "task": "tasks.jobs.advance_overdue_tallies",
        "schedule": crontab(minute="1,41"),
    },
    "reminders-daily": {
        "task": "tasks.jobs.send_reminder_sheets",
        "schedule": crontab(hour=7, minute=30),
        "args": ("daily",),
    },
    "reminders-monthly": {
        "task": "tasks.jobs.send_reminder_sheets",
        "schedule": crontab(hour=8, minute=0, day_of_month=1),
        "args": ("monthly",),
    },
    "reminders-quarterly": {
        "task": "tasks.jobs.send_reminder_sheets",
        "schedule": crontab(hour=8, minute=10, day_of_month=1, month_of_year="1,4,7,10"),
        "args": ("quarterly",),
    },
    "reminders-half-yearly": {
        "task": "tasks.jobs.send_reminder_sheets",
        "schedule": crontab(hour=8, minute=20, day_of_month=1, month_of_year="1,7"),
        "args": ("half_yearly",),
    },
}
