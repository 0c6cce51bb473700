from django.urls import path

from .views import boards, sheets, work

app_name = "tasks"

urlpatterns = [
    path("", boards.home, name="home"),
    path("overview/", boards.overview, name="overview"),
    path("branch/<int:pk>/", boards.board, name="board"),
    path("branch/<int:pk>/complete-many/", boards.complete_many, name="complete_many"),
    path("branch/<int:pk>/notifications/", boards.notifications, name="notifications"),
    path("org/<int:pk>/requests/new/", boards.request_create, name="request_create"),
    path("<int:pk>/", work.task_detail, name="detail"),
    path("<int:pk>/complete/", work.task_complete, name="complete"),
    path("<int:pk>/assign/", work.task_assign, name="assign"),
    path("<int:pk>/cancel/", work.task_cancel, name="cancel"),
    path("<int:pk>/check/", work.task_check, name="check"),
    path("<int:pk>/supervise/", work.task_supervise, name="supervise"),
    path("<int:pk>/comment/", work.task_comment, name="comment"),
    path("<int:pk>/reply/", work.task_reply, name="reply"),
    path("<int:pk>/release/", work.task_release, name="release"),
    path("evidence/<int:pk>/", work.evidence_download, name="evidence"),
    path("sheets/<int:pk>/", sheets.sheet_detail, name="sheet"),
    path("sheets/<int:pk>/pdf/", sheets.sheet_pdf_download, name="sheet_pdf"),
    path("sheets/<int:pk>/xlsx/", sheets.sheet_xlsx_download, name="sheet_xlsx"),
]
