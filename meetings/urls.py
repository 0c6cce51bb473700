from django.urls import path

from . import views, views_corrections

app_name = "meetings"

urlpatterns = [
    path("", views.index, name="index"),
    path("org/<int:pk>/", views.unit_meetings, name="unit"),
    path("org/<int:pk>/new/", views.record, name="record"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/record.pdf", views.record_pdf, name="pdf"),
    path("attendance/<int:pk>/makeup/", views.makeup, name="makeup"),
    path("resolutions/", views.resolutions, name="resolutions"),
    path("resolutions/<int:pk>/close/", views.resolution_close, name="resolution_close"),
    path("files/<int:pk>/", views.meeting_file, name="file"),
    path("<int:pk>/edit/", views_corrections.edit, name="edit"),
    path("<int:pk>/files/", views_corrections.files_add, name="files_add"),
    path("files/<int:pk>/remove/", views_corrections.file_remove, name="file_remove"),
    path("resolutions/<int:pk>/edit/", views_corrections.resolution_edit, name="resolution_edit"),
]
