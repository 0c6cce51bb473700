from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from assessments import demo as assessments_demo
from branches import demo
from development import demo as development_demo
from dues import demo as dues_demo
from meetings import demo as meetings_demo
from members import demo as members_demo
from tasks import demo as tasks_demo

# The apps' demo data, in this order because each builds on the ones before: the roster first;
# the assessments demo's current scorecards point to the work the tasks demo has done; the
# meetings, recorded by 一标's secretary from the roster, complete the tasks of their period; the
# dues ledger keeps a year for the roster's members. The handbook has no demo of its own (its
# default edition is loaded by the first that needs it). The development files name people of
# the roster as contacts and sponsors.
SEEDERS = [
    members_demo.seed,
    tasks_demo.seed,
    assessments_demo.seed,
    meetings_demo.seed,
    dues_demo.seed,
    development_demo.seed,
]


class Command(BaseCommand):
    help = "Adds a demo organisation with one login per role (idempotent) and prints the logins."

    def handle(self, *args: object, **options: object) -> None:
        world = demo.seed()
        for seed in SEEDERS:
            seed(world)
        self.stdout.write(self.style.SUCCESS(_("Demo data ready. Sign in at http://127.0.0.1:8000/ with:")))
        for username, role, scope in world.logins:
            self.stdout.write(f"  {username:<12} {demo.DEMO_PASSWORD:<12} {role} · {scope}")
