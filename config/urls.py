from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from branches import account_views, audit_views
from branches import views as branch_views
from branches.forms import GuardedPasswordChangeForm

from . import views

urlpatterns = [
    path("", branch_views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(form_class=GuardedPasswordChangeForm),
        name="password_change",
    ),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("accounts/tokens/", account_views.api_tokens, name="api_tokens"),
    path("accounts/tokens/revoke-all/", account_views.api_tokens_revoke_all, name="api_tokens_revoke_all"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("audit/", audit_views.audit_log, name="audit_log"),
    path("orgs/", include("branches.urls")),
    path("members/", include("members.urls")),
    path("dues/", include("dues.urls")),
    path("handbook/", include("handbook.urls")),
    path("api/", include("config.api.urls")),
    path("tasks/", include("tasks.urls")),
    path("assessments/", include("assessments.urls")),
    path("notifications/", include("notifications.urls")),
    path("meetings/", include("meetings.urls")),
    path("development/", include("development.urls")),
    path("admin/", admin.site.urls),
]
