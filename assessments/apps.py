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
