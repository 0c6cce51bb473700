"""Every URL of the REST API, in the ``api`` namespace, below ``/api/``.

An app adds its resources with one ``router.register`` line each; the router names them
``api:<basename>-list``, ``api:<basename>-detail`` and ``api:<basename>-<action>``.
"""

from django.urls import include, path, re_path
from rest_framework.routers import SimpleRouter

from assessments.apis import checks as checks_apis
from assessments.apis import dashboard as dashboard_apis
from assessments.apis import findings as findings_apis
from assessments.apis import grades as grades_apis
from assessments.apis import rectification as rectification_apis
from assessments.apis import scorecards as scorecard_apis
from branches import apis as branches_apis
from development import apis as development_apis
from dues import apis as dues_apis
from handbook import apis as handbook_apis
from meetings import apis as meetings_apis
from members import apis as members_apis
from tasks import apis as tasks_apis

from . import schema  # noqa: F401 - registers the OpenAPI extensions
from .docs import DocsView, SchemaView
from .tokens import TokenRevokeAllView, TokenView
from .unknown import UnknownEndpointView

app_name = "api"

router = SimpleRouter()
router.register("organisations", branches_apis.OrganisationViewSet, basename="organisation")
router.register("members", members_apis.MemberViewSet, basename="member")
router.register("member-imports", members_apis.MemberImportViewSet, basename="member-import")
router.register("dues", dues_apis.DuesEntryViewSet, basename="dues-entry")
router.register("handbook/editions", handbook_apis.EditionViewSet, basename="handbook-edition")
router.register("handbook/articles", handbook_apis.ArticleViewSet, basename="handbook-article")
router.register("findings", findings_apis.FindingViewSet, basename="finding")
router.register("check-records", checks_apis.CheckRecordViewSet, basename="check-record")
router.register("difficulties", checks_apis.DifficultyViewSet, basename="difficulty")
router.register("rectification-items", rectification_apis.RectificationItemViewSet, basename="rectification-item")
router.register("grades", grades_apis.GradeViewSet, basename="grade")
router.register("scorecards", scorecard_apis.ScorecardViewSet, basename="scorecard")
router.register("dashboard", dashboard_apis.DashboardViewSet, basename="dashboard")
router.register("tasks", tasks_apis.TaskViewSet, basename="task")
router.register("task-evidence", tasks_apis.EvidenceViewSet, basename="task-evidence")
router.register("reminder-sheets", tasks_apis.ReminderSheetViewSet, basename="reminder-sheet")
router.register("requirements", tasks_apis.RequirementViewSet, basename="requirement")
router.register("meetings", meetings_apis.MeetingViewSet, basename="meeting")
router.register("meeting-resolutions", meetings_apis.ResolutionViewSet, basename="meeting-resolution")
router.register("meeting-attendance", meetings_apis.AttendanceViewSet, basename="meeting-attendance")
router.register("dues-months", dues_apis.DuesMonthViewSet, basename="dues-month")
router.register("development-candidates", development_apis.CandidateViewSet, basename="development-candidate")

urlpatterns = [
    path("schema/", SchemaView.as_view(), name="schema"),
    path("docs/", DocsView.as_view(), name="docs"),
    path("v1/auth/token/", TokenView.as_view(), name="token"),
    path("v1/auth/token/revoke-all/", TokenRevokeAllView.as_view(), name="token-revoke-all"),
    path("v1/me/", branches_apis.MeView.as_view(), name="me"),
    path("v1/", include(router.urls)),
    # Last: any other path below /api/ answers 404 in the API's error format, not as HTML.
    re_path(r"^[\s\S]*$", UnknownEndpointView.as_view(), name="unknown"),
]
