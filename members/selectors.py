"""Reads of the roster. Every read starts from the acting user's scope (branches.selectors):
a member outside it is a 404, one inside it without the right role a 403."""

from django.db.models import Q, QuerySet

from branches import abilities
from branches.models import Organisation, OrgKind, OrgStatus, User
from branches.selectors import in_subtree

from . import id_numbers
from .models import ON_ROLL_STATUSES, Member, MemberImport, MemberTransfer
from .services import CONTACT_FIELDS, EDITABLE_FIELDS


def members_on_roll_count(organisation: Organisation) -> int:
    """Members still on the roll anywhere in the organisation's subtree."""
    return Member.objects.filter(in_subtree(organisation, via="branch__path"), status__in=ON_ROLL_STATUSES).count()


def members_visible_to(user: User, *, ability: str = "member.view") -> QuerySet[Member]:
    q = abilities.visible(user, ability, field="branch__path")
    if q is None:
        return Member.objects.none()
    return Member.objects.filter(q)


def get_member_for(user: User, pk: int, *, ability: str = "member.view") -> Member:
    """The member ``pk``: 404 outside every subtree the user holds a role on, 403 inside
    one without ``ability``."""
    return abilities.get_for(user, ability, Member.objects.select_related("branch"), pk)


def may_see_full_id(user: User, organisation: Organisation) -> bool:
    return abilities.holds(user, "member.see_full_id", organisation)


def shown_id(user: User, member: Member) -> str:
    """The ID number as this user may see it: in full only to an administrator."""
    return member.id_number if may_see_full_id(user, member.branch) else id_numbers.mask(member.id_number)


def editable_fields_for(user: User, member: Member) -> tuple[str, ...]:
    """What the user may change of ``member``: every field for an administrator, the
    contact fields for a secretary, nothing for anyone else."""
    if abilities.holds(user, "member.administer", member):
        return EDITABLE_FIELDS
    if abilities.holds(user, "member.edit", member):
        return CONTACT_FIELDS
    return ()


def roster(
    members: QuerySet[Member],
    *,
    viewer: User | None = None,
    q: str = "",
    category: str = "",
    status: str = "",
    branch: Organisation | None = None,
) -> QuerySet[Member]:
    """Search by name, phone or ID number; filter by category, status, branch.

    The ID number is searched only as far as ``viewer`` can read it (``shown_id``): its last
    four characters, which every roster shows, or the whole number where the viewer sees it
    whole. Matching any other part would let a masked number be read back a guess at a time
    (a secretary knows the birth date and sees both ends: ``?q=`` two digits + birth date +
    tail names the hidden digits in at most a hundred tries).
    """
    q = q.strip()
    if q:
        condition = Q(name__icontains=q) | Q(phone__contains=q)
        number = id_numbers.normalise(q)
        if len(number) == id_numbers.SHOWN:
            condition |= Q(id_number__endswith=number)
        elif len(number) == 18 and viewer is not None:
            seen_whole = abilities.visible(viewer, "member.see_full_id", field="branch__path")
            if seen_whole is not None:
                condition |= Q(id_number=number) & seen_whole
        members = members.filter(condition)
    if category:
        members = members.filter(category=category)
    if status:
        members = members.filter(status=status)
    if branch is not None:
        members = members.filter(in_subtree(branch, via="branch__path"))
    return members.select_related("branch").order_by("branch__path", "name", "pk")


def branches_for_filter(user: User, within: Organisation | None = None) -> QuerySet[Organisation]:
    qs = abilities.units_for(user, "member.view").filter(kind=OrgKind.BRANCH)
    if within is not None:
        qs = qs.filter(in_subtree(within))
    return qs.order_by("path")


def transfer_targets(user: User) -> QuerySet[Organisation]:
    """Active branches the user administers: where members may be moved to."""
    return (
        abilities.units_for(user, "member.administer")
        .filter(kind=OrgKind.BRANCH, status=OrgStatus.ACTIVE)
        .order_by("path")
    )


def history_of(member: Member) -> QuerySet[MemberTransfer]:
    return member.transfers.select_related("from_branch", "to_branch", "recorded_by").order_by("on", "recorded_at")


def get_import_for(user: User, pk: int) -> MemberImport:
    imports = MemberImport.objects.select_related("organisation")
    return abilities.get_for(user, "member.import", imports, pk, via="organisation__path")


def imports_of(organisation: Organisation) -> QuerySet[MemberImport]:
    return MemberImport.objects.filter(organisation=organisation).select_related("created_by")[:10]
