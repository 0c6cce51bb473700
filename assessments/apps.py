from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("Assessments")

    def ready(self) -> None:
        from handbook.study import register_deduction_source

        from . import permissions  # noqa: F401 - the ability table
        from .dashboard import reviewed_deductions

        # The handbook proposes next quarter's study focus from the most-deducted articles.
        register_deduction_source(reviewed_deductions)

        from branches.services import organisation_moved

        # The roll-ups are kept per unit above a branch: a moved subtree takes its sums along.
        organisation_moved.connect(_moved, dispatch_uid="assessments_rollups_moved")

        from django.db.backends.signals import connection_created

        from .dashboard_generations import install

        # Every write of what the dashboard reads moves its cached figures' generation on.
        connection_created.connect(install, dispatch_uid="assessments_dashboard_cache")


def _moved(sender: object, *, unit_id: int, old_path: str, new_path: str, **kwargs: object) -> None:
    from .rollups import subtree_moved

    subtree_moved(unit_id=unit_id, old_path=old_path, new_path=new_path)
