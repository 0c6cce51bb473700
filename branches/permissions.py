"""Who may do what with the organisation tree, its roles and the audit log."""

from django.utils.translation import gettext_lazy as _

from .abilities import ANYWHERE, PLATFORM, define, holders_of, organisation_of
from .models import Organisation, Role, RoleAssignment

organisation_of(RoleAssignment, lambda assignment: assignment.organisation)

define("organisation.view", tuple(Role.values), on=Organisation, label=_("See the unit"))
# Structure and people: create units below, edit, move, dissolve, grant and revoke roles.
define("organisation.administer", (Role.ADMINISTRATOR,), on=Organisation, label=_("Administer the unit"))


def _not_own_administration(user: object, assignment: RoleAssignment) -> bool:
    """Nobody takes away their own role that administers the unit: it would be left with
    nobody to give it back (another administrator or a superuser can)."""
    return not (assignment.user_id == user.pk and assignment.role in holders_of("organisation.administer"))  # type: ignore[attr-defined]


define(
    "role.revoke",
    (Role.ADMINISTRATOR,),
    on=RoleAssignment,
    when_by=_not_own_administration,
    refused=_("You cannot revoke your own administrator role."),
    label=_("Revoke the role"),
)
# The one who answers for a branch (its secretary): a branch without one is flagged on the
# workbench; the demo seed gives each branch one.
define("organisation.answer_for", (Role.SECRETARY,), on=Organisation, label=_("Answer for the branch"))
define("audit.view", (Role.ADMINISTRATOR,), scope=ANYWHERE, label=_("Read the audit log"))
# Users who hold no role belong to no subtree: only the administrators of a whole tree see them.
define("users.unplaced", (Role.ADMINISTRATOR,), scope=PLATFORM, label=_("See the users who hold no role"))
