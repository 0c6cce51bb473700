"""Who may do what with the roster (党员名册) and its imports."""

from django.utils.translation import gettext_lazy as _

from branches.abilities import define, organisation_of
from branches.models import Role

from .models import Member, MemberImport

organisation_of(Member, lambda member: member.branch)
organisation_of(MemberImport, lambda row: row.organisation)

# A plain member reads no roster; the organising member (组织委员) keeps the branch's.
define(
    "member.view",
    (Role.ADMINISTRATOR, Role.REVIEWER, Role.SECRETARY, Role.ORGANIZING_MEMBER),
    on=Member,
    label=_("Read the roster"),
)
# The contact fields for the branch; every field for an administrator.
define("member.edit", (Role.ADMINISTRATOR, Role.SECRETARY, Role.ORGANIZING_MEMBER), on=Member, label=_("Edit"))
define("member.administer", (Role.ADMINISTRATOR,), on=Member, label=_("Add, transfer and export members"))
define("member.see_full_id", (Role.ADMINISTRATOR,), on=Member, label=_("See the full ID number"))
define(
    "member.import",
    (Role.ADMINISTRATOR, Role.SECRETARY, Role.ORGANIZING_MEMBER),
    on=MemberImport,
    label=_("Import a roster"),
)
