from tests.url_table import Case, from_ability, statuses

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
    "audit_log": Case(from_ability("audit.view")),
    "branches:tree": Case(statuses(200)),
    "branches:detail": Case(from_ability("organisation.view"), kwargs=lambda w: {"pk": w.branch_a.pk}),
    "branches:create": Case(from_ability("organisation.administer"), kwargs=lambda w: {"pk": w.branch_a.pk}),
    "branches:edit": Case(from_ability("organisation.administer"), kwargs=lambda w: {"pk": w.branch_a.pk}),
    "branches:move": Case(from_ability("organisation.administer"), kwargs=lambda w: {"pk": w.branch_a.pk}),
    "branches:dissolve": Case(from_ability("organisation.administer"), kwargs=lambda w: {"pk": w.branch_a.pk}),
    "branches:roles": Case(from_ability("organisation.administer"), kwargs=lambda w: {"pk": w.branch_a.pk}),
    # A POST that revokes the secretary's role: the administrator is sent back to the page.
    "branches:role_revoke": Case(
        from_ability("role.revoke", ok=302),
        kwargs=lambda w: {"pk": w.branch_a.pk, "assignment_pk": w.secretary_a.role_assignments.get().pk},
        method="post",
    ),
}
