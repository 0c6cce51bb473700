from django.urls import path

from . import views

app_name = "branches"

urlpatterns = [
    path("", views.org_tree, name="tree"),
    path("<int:pk>/", views.org_detail, name="detail"),
    path("<int:pk>/new/", views.org_create, name="create"),
    path("<int:pk>/edit/", views.org_edit, name="edit"),
    path("<int:pk>/move/", views.org_move, name="move"),
    path("<int:pk>/dissolve/", views.org_dissolve, name="dissolve"),
    path("<int:pk>/roles/", views.org_roles, name="roles"),
    path("<int:pk>/roles/<int:assignment_pk>/revoke/", views.role_revoke, name="role_revoke"),
]
