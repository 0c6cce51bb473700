from django.core.management.base import BaseCommand

from branches.housekeeping import run_due_jobs


class Command(BaseCommand):
    help = "Runs every periodic job that is due (for cron, when no Celery beat runs)."

    def handle(self, *args: object, **options: object) -> None:
        ran = run_due_jobs()
        self.stdout.write(f"ran {len(ran)} job(s){': ' + ', '.join(ran) if ran else ''}")
