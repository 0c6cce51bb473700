from django.urls import path

from . import views

app_name = "dues"

urlpatterns = [
    path("", views.branches, name="branches"),
    path("mine/", views.mine, name="mine"),
    path("arrears/", views.arrears, name="arrears"),
    path("member/<int:pk>/", views.member_dues, name="member"),
    path("org/<int:pk>/", views.current, name="current"),
    path("org/<int:pk>/<int:year>/<int:month>/", views.month_page, name="month"),
    path("org/<int:pk>/<int:year>/<int:month>/close/", views.close, name="close"),
    path("org/<int:pk>/<int:year>/<int:month>/reopen/", views.reopen, name="reopen"),
    path("org/<int:pk>/<int:year>/<int:month>/export.xlsx", views.export, name="export"),
    path("org/<int:pk>/<int:year>/<int:month>/import/", views.import_month, name="import"),
]
