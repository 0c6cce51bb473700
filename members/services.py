"""Writes to the roster: members, their transfers, and status changes.

Every change of branch or status leaves a MemberTransfer row, so a member's history of
branches (组织关系接转) can always be shown. A refusal because of the member's current
status is a ``Conflict`` (the REST API's 409); a wrong choice in the request a plain
``ValidationError`` (400).
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from branches import abilities
from branches.models import Organisation, OrgKind, User
from config.exceptions import Conflict

from .models import ON_ROLL_STATUSES, Member, MemberStatus, MemberTransfer, TransferKind

# What a secretary may change of a member of their own branch.
CONTACT_FIELDS = ("phone", "post")
EDITABLE_FIELDS = (
    "name",
    "gender",
    "ethnicity",
    "birth_date",
    "id_number",
    "phone",
    "education",
    "post",
    "category",
    "joined_on",
    "full_member_on",
    "is_union_member",
    "is_league_member",
)
# Statuses set through member_change_status; flowing and transferred out have their own services.
PLAIN_STATUSES = (MemberStatus.ON_ROLL, MemberStatus.SUSPENDED, MemberStatus.EXPELLED, MemberStatus.DECEASED)


def _require(by: User | None, *objects: object) -> None:
    """A person acting must administer the members (and branches) concerned; ``None`` is the
    system itself (an import being committed, a job), which its own caller has checked."""
    if by is not None:
        for obj in objects:
            abilities.require(by, "member.administer", obj)


def _check_target_branch(branch: Organisation) -> None:
    if branch.kind != OrgKind.BRANCH:
        raise ValidationError(_("Members belong to a branch (党支部)."))
    if not branch.is_active:
        raise ValidationError(_("This branch is dissolved: members cannot be added to it."))


def _record(
    member: Member,
    kind: str,
    *,
    on: dt.date,
    by: User | None,
    reason: str = "",
    from_branch: Organisation | None = None,
    to_branch: Organisation | None = None,
) -> MemberTransfer:
    return MemberTransfer.objects.create(
        member=member,
        kind=kind,
        on=on,
        reason=reason.strip()[:200],
        recorded_by=by,
        from_branch=from_branch,
        to_branch=to_branch,
    )


@transaction.atomic
def member_create(*, branch: Organisation, by: User | None, on: dt.date | None = None, **fields: object) -> Member:
    """Puts a person on the roster. ``on`` dates the history's "entered the roll" row when the
    registration took effect earlier than it is typed in (the committee's approval of a
    probationary member, 上级党委审批); by default today. The member's ``joined_on`` is their
    own field: the date they joined the Party (for a probationary member the general meeting's
    admission), which the registration date does not change."""
    _require(by, branch)
    _check_target_branch(branch)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"member_create cannot set {sorted(unknown)}")
    member = Member(branch=branch, status=MemberStatus.ON_ROLL, **fields)
    member.id_number = (member.id_number or "").strip().upper()
    member.full_clean()
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise ValidationError({"on": _("The date entered on the roll cannot be in the future.")})
    if on < member.joined_on:
        raise ValidationError({"on": _("The date entered on the roll cannot be before the date joined.")})
    member.save()
    _record(member, TransferKind.JOINED, on=on, by=by, to_branch=branch)
    return member


@transaction.atomic
def member_update(*, member: Member, fields: dict[str, object], allowed: tuple[str, ...] = EDITABLE_FIELDS) -> Member:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValueError(f"member_update cannot change {sorted(unknown)}")
    for name, value in fields.items():
        setattr(member, name, value.strip() if isinstance(value, str) else value)
    member.id_number = member.id_number.upper()
    member.full_clean()
    member.save()
    return member


@transaction.atomic
def member_transfer(*, member: Member, to_branch: Organisation, on: dt.date, reason: str, by: User | None) -> Member:
    """Moves a member to another branch; a member transferred out comes back in (转入)."""
    member = Member.objects.select_for_update().select_related("branch").get(pk=member.pk)
    _require(by, member, to_branch)
    _check_target_branch(to_branch)
    if member.status not in (*ON_ROLL_STATUSES, MemberStatus.TRANSFERRED_OUT):
        raise Conflict(_("Only a member on the roll, flowing or transferred out can be transferred."))
    coming_back = member.status == MemberStatus.TRANSFERRED_OUT
    if member.branch_id == to_branch.pk and not coming_back:
        raise ValidationError(_("The member is already in this branch."))
    old = member.branch
    member.branch = to_branch
    if coming_back:
        member.status = MemberStatus.ON_ROLL
    member.full_clean()
    member.save()
    kind = TransferKind.TRANSFER_IN if coming_back else TransferKind.TRANSFER
    _record(member, kind, on=on, by=by, reason=reason, from_branch=old, to_branch=to_branch)
    return member


@transaction.atomic
def member_transfer_out(*, member: Member, on: dt.date, reason: str, by: User | None) -> Member:
    """转出: the member leaves the organisation's roll; ``reason`` says where to."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    _require(by, member)
    if member.status not in ON_ROLL_STATUSES:
        raise Conflict(_("Only a member on the roll or flowing can be transferred out."))
    if not reason.strip():
        raise ValidationError(_("Say where the member is transferred to."))
    member.status = MemberStatus.TRANSFERRED_OUT
    member.flowing_to = ""
    member.save()
    _record(member, TransferKind.TRANSFER_OUT, on=on, by=by, reason=reason, from_branch=member.branch)
    return member


@transaction.atomic
def member_mark_flowing(*, member: Member, flowing_to: str, on: dt.date, reason: str, by: User | None) -> Member:
    """流动党员: still on the branch's roll, working elsewhere for now."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    _require(by, member)
    if member.status not in ON_ROLL_STATUSES:
        raise Conflict(_("Only a member on the roll can become flowing."))
    member.status = MemberStatus.FLOWING
    member.flowing_to = flowing_to.strip()
    member.full_clean()
    member.save()
    _record(member, TransferKind.FLOWING, on=on, by=by, reason=reason or member.flowing_to, from_branch=member.branch)
    return member


@transaction.atomic
def member_return(*, member: Member, on: dt.date, by: User | None) -> Member:
    member = Member.objects.select_for_update().get(pk=member.pk)
    _require(by, member)
    if member.status != MemberStatus.FLOWING:
        raise Conflict(_("The member is not flowing."))
    member.status = MemberStatus.ON_ROLL
    member.flowing_to = ""
    member.save()
    _record(member, TransferKind.RETURNED, on=on, by=by, to_branch=member.branch)
    return member


@transaction.atomic
def member_change_status(*, member: Member, status: str, on: dt.date, reason: str, by: User | None) -> Member:
    """停止党籍 / 出党 / 去世, or back on the roll; recorded in the history with a reason."""
    if status not in PLAIN_STATUSES:
        raise ValidationError(_("Use the transfer or flowing actions for this status."))
    member = Member.objects.select_for_update().get(pk=member.pk)
    _require(by, member)
    if member.status == status:
        raise Conflict(_("The member already has this status."))
    if not reason.strip():
        raise ValidationError(_("Give a reason."))
    if status == MemberStatus.ON_ROLL and not member.branch.is_active:
        raise Conflict(_("This branch is dissolved: transfer the member to an active branch instead."))
    member.status = status
    member.flowing_to = ""
    member.save()
    _record(member, TransferKind.STATUS, on=on, by=by, reason=f"{member.get_status_display()}: {reason}")
    return member


@transaction.atomic
def branch_transfer_all(
    *, from_branch: Organisation, to_branch: Organisation, on: dt.date, reason: str, by: User | None
) -> int:
    """Moves every member still on a branch's roll to another branch in one action
    (typically before or after the branch is dissolved). Returns how many moved."""
    if from_branch.kind != OrgKind.BRANCH:
        raise ValidationError(_("Members belong to a branch (党支部)."))
    _require(by, from_branch, to_branch)
    _check_target_branch(to_branch)
    if from_branch.pk == to_branch.pk:
        raise ValidationError(_("Choose a different branch to transfer the members to."))
    moving = list(
        Member.objects.select_for_update()
        .filter(branch=from_branch, status__in=ON_ROLL_STATUSES)
        .values_list("pk", flat=True)
    )
    if not moving:
        raise Conflict(_("No member is on this branch's roll."))
    Member.objects.filter(pk__in=moving).update(branch=to_branch, updated_at=timezone.now())
    MemberTransfer.objects.bulk_create(
        [
            MemberTransfer(
                member_id=pk,
                kind=TransferKind.TRANSFER,
                from_branch=from_branch,
                to_branch=to_branch,
                on=on,
                reason=reason.strip()[:200],
                recorded_by=by,
            )
            for pk in moving
        ]
    )
    return len(moving)
