from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("badge/", views.badge, name="badge"),
    path("<int:pk>/open/", views.open_item, name="open"),
    path("read-all/", views.read_all, name="read_all"),
    path("preferences/", views.choices, name="preferences"),
    path("org/<int:pk>/robots/", views.robots, name="robots"),
    path("org/<int:pk>/log/", views.log, name="log"),
    path("org/<int:pk>/required/", views.required, name="required"),
    path("robots/<int:pk>/", views.robot_edit, name="robot_edit"),
    path("robots/<int:pk>/test/", views.robot_test, name="robot_test"),
    path("robots/<int:pk>/delete/", views.robot_delete, name="robot_delete"),
]
