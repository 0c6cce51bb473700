"""Who may do what with the organisation tree, its roles and the audit log."""

from django.utils.translation import gettext_lazy as _

from .abilities import ANYWHERE, PLATFORM, define, organisation_of
from .models import Organisation, Role, RoleAssignment

organisation_of(RoleAssignment, lambda assignment: assignment.organisation)

define("organisation.view", tuple(Role.values), on=Organisation, label=_("See the unit"))
# Structure and people: create units below, edit, move, dissolve, grant and revoke roles.
define("organisation.administer", (Role.ADMINISTRATOR,), on=Organisation, label=_("Administer the unit"))
define("role.revoke", (Role.ADMINISTRATOR,), on=RoleAssignment, label=_("Revoke the role"))
define("audit.view", (Role.ADMINISTRATOR,), scope=ANYWHERE, label=_("Read the audit log"))
# Users who hold no role belong to no subtree: only the administrators of a whole tree see them.
define("users.unplaced", (Role.ADMINISTRATOR,), scope=PLATFORM, label=_("See the users who hold no role"))
