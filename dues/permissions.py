"""Who may do what with the party dues ledger (党费台账)."""

from django.utils.translation import gettext_lazy as _

from branches.abilities import define, organisation_of
from branches.models import Role
from members.models import Member

from .models import DuesEntry, DuesMonth

organisation_of(DuesMonth, lambda month: month.branch)
organisation_of(DuesEntry, lambda entry: entry.branch)

READERS = (Role.ADMINISTRATOR, Role.REVIEWER, Role.SECRETARY, Role.ORGANIZING_MEMBER)
# Article 1-06: the organising member (组织委员) collects and records, the secretary checks.
KEEPERS = (Role.SECRETARY, Role.ORGANIZING_MEMBER)

define("dues.view", READERS, on=DuesMonth, label=_("Read the dues ledger"))
define(
    "dues.keep",
    KEEPERS,
    on=DuesMonth,
    when=lambda month: not month.is_closed,
    refused=_("This month of the dues ledger is closed."),
    label=_("Keep the dues ledger"),
)
define(
    "dues.reopen",
    (Role.ADMINISTRATOR,),
    on=DuesMonth,
    when=lambda month: month.is_closed,
    refused=_("This month of the dues ledger is open."),
    label=_("Reopen a closed month of dues"),
)
# A member's own dues: the ledger's readers, and the member themself.
define(
    "dues.member_view",
    READERS,
    on=Member,
    owner=lambda user, member: member.user_id is not None and member.user_id == user.pk,
    label=_("Read a member's dues"),
)
