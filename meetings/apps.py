from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Meeting records")

    def ready(self) -> None:
        from . import permissions  # noqa: F401 - the ability table
