from django.urls import path

from . import views, views_excel

app_name = "members"

urlpatterns = [
    path("", views.roster, name="roster"),
    path("<int:pk>/", views.member_detail, name="detail"),
    path("<int:pk>/edit/", views.member_edit, name="edit"),
    path("<int:pk>/transfer/", views.member_transfer, name="transfer"),
    path("org/<int:pk>/", views.org_roster, name="org_roster"),
    path("org/<int:pk>/new/", views.member_create, name="create"),
    path("org/<int:pk>/transfer-all/", views.branch_transfer_all, name="transfer_all"),
    path("org/<int:pk>/export.xlsx", views_excel.export, name="export"),
    path("org/<int:pk>/import/", views_excel.import_start, name="import_start"),
    path("import/template.xlsx", views_excel.import_template, name="import_template"),
    path("imports/<int:pk>/", views_excel.import_detail, name="import_detail"),
    path("imports/<int:pk>/progress/", views_excel.import_progress, name="import_progress"),
    path("imports/<int:pk>/commit/", views_excel.import_commit, name="import_commit"),
]
