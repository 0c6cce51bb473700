import importlib
import importlib.util

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from branches import demo

# Each app may contribute demo data in its own `demo.py`, with `seed(world)`, run in this
# order because each builds on the ones before.
LATER_SEEDERS = ["members.demo", "handbook.demo", "tasks.demo", "assessments.demo"]


class Command(BaseCommand):
    help = "Adds a demo organisation with one login per role (idempotent) and prints the logins."

    def handle(self, *args: object, **options: object) -> None:
        world = demo.seed()
        for module_name in LATER_SEEDERS:
            if importlib.util.find_spec(module_name) is None:
                continue
            importlib.import_module(module_name).seed(world)
        self.stdout.write(self.style.SUCCESS(_("Demo data ready. Sign in at http://127.0.0.1:8000/ with:")))
        for username, role, scope in world.logins:
            self.stdout.write(f"  {username:<12} {demo.DEMO_PASSWORD:<12} {role} · {scope}")
