"""The tasks app over the REST API (issue 7): tasks and their evidence (``work``), reminder
sheets (``sheets``) and work requirements (``requirements``); shapes in ``serializers``.
Each viewset is registered with one line in ``config/api/urls.py``."""

from .requirements import RequirementViewSet
from .sheets import ReminderSheetViewSet
from .work import EvidenceViewSet, TaskViewSet

__all__ = ["EvidenceViewSet", "ReminderSheetViewSet", "RequirementViewSet", "TaskViewSet"]
