from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BranchesConfig(AppConfig):
    name = "branches"
    verbose_name = _("Organisations")

    def ready(self) -> None:
        from . import audit, permissions, signals  # noqa: F401 - signal receivers; the ability table
