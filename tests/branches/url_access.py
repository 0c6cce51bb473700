from tests.url_table import ADMIN_OF_A, SEEN_IN_A, Case, statuses

URLS = {
    "home": Case(statuses(200)),
    "healthz": Case(statuses(200, anonymous=200)),
    "login": Case(statuses(302, anonymous=200)),
    # Signing out is a POST; a GET is refused for everyone.
    "logout": Case(statuses(405, anonymous=405)),
    "password_change": Case(statuses(200)),
    "password_change_done": Case(statuses(200)),
    "api_tokens": Case(statuses(200)),
    # Anyone signed in revokes their own tokens and is sent back to the list.
    "api_tokens_revoke_all": Case(statuses(302), method="post"),
    "set_language": Case(statuses(302, anonymous=302), method="post", data=lambda w: {"language": "en"}),
    "audit_log": Case(statuses(403, administrator=200)),
    "branches:tree": Case(statuses(200)),
    "branches:detail": Case(SEEN_IN_A, kwargs=lambda w: {"pk": w.branch_a.pk}),
    "branches:create": Case(ADMIN_OF_A, kwargs=lambda w: {"pk": w.branch_a.pk}),
    "branches:edit": Case(ADMIN_OF_A, kwargs=lambda w: {"pk": w.branch_a.pk}),
    "branches:move": Case(ADMIN_OF_A, kwargs=lambda w: {"pk": w.branch_a.pk}),
    "branches:dissolve": Case(ADMIN_OF_A, kwargs=lambda w: {"pk": w.branch_a.pk}),
    "branches:roles": Case(ADMIN_OF_A, kwargs=lambda w: {"pk": w.branch_a.pk}),
    # A POST that revokes the secretary's role: the administrator is sent back to the page.
    "branches:role_revoke": Case(
        statuses(403, administrator=302, secretary_b=404, outsider=404),
        kwargs=lambda w: {"pk": w.branch_a.pk, "assignment_pk": w.secretary_a.role_assignments.get().pk},
        method="post",
    ),
}
