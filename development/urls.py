from django.urls import path

from . import views

app_name = "development"

urlpatterns = [
    path("", views.index, name="index"),
    path("org/<int:pk>/", views.unit_files, name="unit"),
    path("org/<int:pk>/new/", views.candidate_new, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/record/<slug:kind>/", views.record_step, name="record"),
    path("<int:pk>/close/", views.close, name="close"),
]
