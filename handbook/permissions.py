"""Who may do what with the handbook (定标) and its learning (明标).

The handbook is the platform's: every committee reads the edition in force, so writing it
(drafts, articles, publishing, imports, deciding proposals) belongs to the administrators of
a root of the tree, not to an administrator of one branch or one committee below it.
"""

from django.utils.translation import gettext_lazy as _

from branches.abilities import ANYWHERE, PLATFORM, define
from branches.models import Organisation, Role

define("handbook.read", tuple(Role.values), scope=ANYWHERE, label=_("Read the handbook"))
define("handbook.edit", (Role.ADMINISTRATOR,), scope=PLATFORM, label=_("Edit and publish the handbook"))
define(
    "handbook.propose",
    (Role.ADMINISTRATOR, Role.REVIEWER, Role.SECRETARY),
    scope=ANYWHERE,
    label=_("Propose a change to the handbook"),
)
# 明标: training sessions and the quarter's study focus, organised by a committee.
define("study.organise", (Role.ADMINISTRATOR, Role.REVIEWER), on=Organisation, label=_("Organise training"))
