"""Writes to the organisation tree and to role assignments."""

import datetime as dt
import secrets
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from config.exceptions import Conflict

from . import abilities, audit, selectors
from .models import ApiToken, Organisation, OrgStatus, Role, RoleAssignment, User
from .selectors import forget_grants

# Sent inside the transaction of ``organisation_move`` with ``unit_id``, ``old_path`` and
# ``new_path``: apps that keep sums per unit (the assessments' roll-ups) move them along.
organisation_moved = Signal()

# ``by``: the user asking, whose abilities are checked here (the callers are not trusted to
# have checked); ``None`` only for the system itself (the demo seed, a management command run
# by whoever runs the server, test set-up).


def _administers(by: User | None, organisation: Organisation | None) -> None:
    """``organisation.administer`` on ``organisation``; a new root of the tree (no parent)
    is the platform's own business: the system or a superuser."""
    if by is None:
        return
    if organisation is None:
        if not (by.is_authenticated and by.is_superuser):
            raise PermissionDenied
        return
    abilities.require(by, "organisation.administer", organisation)


@transaction.atomic
def organisation_create(
    *,
    by: User | None,
    parent: Organisation | None,
    code: str,
    name: str,
    kind: str,
    work_unit: str = "",
    is_key: bool = False,
    established_on: dt.date | None = None,
) -> Organisation:
    _administers(by, parent)
    if parent is not None and not parent.is_active:
        raise Conflict(_("Nothing can be added under a dissolved organisation."), code="parent_dissolved")
    organisation = Organisation(
        parent=parent,
        code=code.strip(),
        name=name.strip(),
        kind=kind,
        work_unit=work_unit.strip(),
        is_key=is_key,
        established_on=established_on,
        depth=0 if parent is None else parent.depth + 1,
        path="/pending/",
    )
    organisation.full_clean()
    organisation.save()
    # The path needs the new primary key, which exists only after the first save.
    organisation.path = f"{parent.path if parent else '/'}{organisation.pk}/"
    organisation.save(update_fields=["path"])
    _record_change(organisation, "created", by, parent=parent.code if parent else "")
    return organisation


def _record_change(organisation: Organisation, change: str, by: User | None, **detail: object) -> None:
    audit.record(
        audit.Action.ORGANISATION_CHANGED,
        actor=by,
        organisation=organisation,
        target=organisation.code,
        detail={"change": change, **detail},
    )


@transaction.atomic
def organisation_update(*, by: User | None, organisation: Organisation, **fields: object) -> Organisation:
    """Edits the descriptive fields; moving and dissolving have their own services."""
    _administers(by, organisation)
    allowed = {"code", "name", "work_unit", "is_key", "established_on"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"organisation_update cannot change {sorted(unknown)}")
    for name, value in fields.items():
        setattr(organisation, name, value.strip() if isinstance(value, str) else value)
    organisation.full_clean()
    organisation.save()
    return organisation


@transaction.atomic
def organisation_move(*, by: User | None, organisation: Organisation, new_parent: Organisation) -> Organisation:
    """Moves a whole subtree below ``new_parent`` with two UPDATE statements: the user must
    administer the unit and its new place."""
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    _administers(by, organisation)
    _administers(by, new_parent)
    if new_parent.path.startswith(organisation.path):
        raise ValidationError(
            {"new_parent": _("An organisation cannot be moved below itself or one of its own units.")}
        )
    if not new_parent.is_active:
        raise ValidationError({"new_parent": _("An organisation cannot be moved below a dissolved organisation.")})
    if organisation.parent_id == new_parent.pk:
        return organisation
    old_parent = organisation.parent.code if organisation.parent_id else ""
    organisation.parent = new_parent
    organisation.full_clean(exclude=["path", "depth"])
    old_path = organisation.path
    new_path = f"{new_parent.path}{organisation.pk}/"
    depth_change = new_parent.depth + 1 - organisation.depth
    Organisation.objects.filter(path__startswith=old_path).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
        depth=F("depth") + depth_change,
    )
    Organisation.objects.filter(pk=organisation.pk).update(parent=new_parent)
    organisation.refresh_from_db()
    organisation_moved.send(Organisation, unit_id=organisation.pk, old_path=old_path, new_path=new_path)
    # Under its new path: the administrators of the unit's new place see the move.
    _record_change(organisation, "moved", by, **{"from": old_parent, "to": new_parent.code})
    return organisation


@transaction.atomic
def organisation_dissolve(*, by: User | None, organisation: Organisation, on: dt.date, reason: str) -> Organisation:
    """撤销: a dissolved organisation keeps its history, but only once it is empty."""
    # Imported here: members builds on branches, not the other way round.
    from members.selectors import members_on_roll_count

    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    _administers(by, organisation)
    if not organisation.is_active:
        raise Conflict(_("This organisation is already dissolved."), code="already_dissolved")
    active_children = organisation.children.filter(status=OrgStatus.ACTIVE).count()
    if active_children:
        raise Conflict(
            _("%(count)d active unit(s) still sit below this organisation: move or dissolve them first.")
            % {"count": active_children},
            code="has_active_units",
        )
    on_roll = members_on_roll_count(organisation)
    if on_roll:
        raise Conflict(
            _("%(count)d member(s) are still on this organisation's roll: transfer them first.") % {"count": on_roll},
            code="has_members",
        )
    if organisation.established_on and on < organisation.established_on:
        raise ValidationError({"on": _("An organisation cannot be dissolved before it was established.")})
    organisation.status = OrgStatus.DISSOLVED
    organisation.dissolved_on = on
    organisation.dissolution_reason = reason.strip()
    organisation.full_clean()
    organisation.save()
    _record_change(organisation, "dissolved", by, on=on.isoformat(), reason=organisation.dissolution_reason)
    return organisation


@transaction.atomic
def role_grant(*, user: User, role: str, organisation: Organisation, by: User | None) -> RoleAssignment:
    _administers(by, organisation)
    if role not in Role.values:
        raise ValidationError(_("Unknown role: %(role)s") % {"role": role})
    if not organisation.is_active:
        raise Conflict(_("Roles cannot be granted on a dissolved organisation."), code="organisation_dissolved")
    assignment, created = RoleAssignment.objects.get_or_create(
        user=user, role=role, organisation=organisation, defaults={"granted_by": by}
    )
    if created:
        audit.record(
            audit.Action.ROLE_GRANTED,
            actor=by,
            organisation=organisation,
            target=user.get_username(),
            detail={"role": role},
        )
    forget_grants(user)
    return assignment


@transaction.atomic
def role_revoke(*, assignment: RoleAssignment, by: User | None) -> None:
    """Takes a role away. ``role.revoke`` says who may, and that an administrator cannot take
    their own administrator role (the unit would be left with nobody to give it back; a
    superuser or another administrator can)."""
    user = assignment.user
    if by is not None:
        abilities.require(by, "role.revoke", assignment)
    audit.record(
        audit.Action.ROLE_REVOKED,
        actor=by,
        organisation=assignment.organisation,
        target=user.get_username(),
        detail={"role": assignment.role},
    )
    assignment.delete()
    forget_grants(user)


@transaction.atomic
def user_create(*, username: str, full_name: str, password: str, email: str = "") -> User:
    user = User(username=username.strip(), full_name=full_name.strip(), email=email.strip())
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    return user


@transaction.atomic
def api_token_issue(*, user: User) -> tuple[ApiToken, str]:
    """A new API token for ``user``: the row, and the token itself, which is returned only
    here (the database keeps its digest)."""
    raw = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        digest=ApiToken.digest_of(raw),
        prefix=raw[:8],
        expires_at=timezone.now() + dt.timedelta(days=settings.API_TOKEN_DAYS),
    )
    return token, raw


def api_token_mark_used(*, token: ApiToken) -> None:
    # At most one write a minute per token, whatever the request rate.
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


def api_token_revoke(*, token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk).delete()


@transaction.atomic
def api_tokens_revoke_all(*, user: User, reason: str) -> int:
    """Ends every API token of ``user`` (asked for, or because the password changed: a token
    is a password's stand-in and must not outlive it). Recorded when there was one to end."""
    count, _ = ApiToken.objects.filter(user=user).delete()
    if count:
        audit.record(
            audit.Action.API_TOKENS_REVOKED, target=user.get_username(), detail={"count": count, "reason": reason}
        )
    return count


class PasswordCheck(NamedTuple):
    right: bool
    # While positive, the password was not even checked: too many wrong ones lately.
    locked_for: dt.timedelta = dt.timedelta(0)


@transaction.atomic
def current_password_check(*, user: User, password: str) -> PasswordCheck:
    """Checks the current password on the password-change form, at most
    ``PASSWORD_CHANGE_FAILURE_LIMIT`` wrong ones per cool-off: a signed-in session (left open,
    or stolen) must not become a way to guess the password without the sign-in lockout.
    Each wrong one is an audit event, which is also the count (one per database, whatever
    the cache)."""
    # Serialises concurrent guesses by one user so that none slips past the limit.
    User.objects.select_for_update().filter(pk=user.pk).first()
    window = settings.AXES_COOLOFF_TIME
    now = timezone.now()
    failures = selectors.password_check_failures_since(user, now - window)
    limit = settings.PASSWORD_CHANGE_FAILURE_LIMIT
    if len(failures) >= limit:
        # Unlocked once enough of them have aged out of the window to leave fewer than the limit.
        return PasswordCheck(right=False, locked_for=failures[len(failures) - limit] + window - now)
    if user.check_password(password):
        return PasswordCheck(right=True)
    audit.record(audit.Action.PASSWORD_CHECK_FAILED, actor=user, target=user.get_username())
    return PasswordCheck(right=False)
