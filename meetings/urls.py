from django.urls import path

from . import views

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
]
