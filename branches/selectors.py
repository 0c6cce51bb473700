"""Reads of the organisation tree, and the one place that decides who may see what.

Every view, API endpoint and job that reads branch data starts from
``organisations_visible_to`` (or ``get_organisation_for``): an organisation outside the
user's scope is a 404, one inside it without the right role a 403.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from .audit import Action
from .models import ApiToken, AuditEvent, Organisation, OrgKind, OrgStatus, Role, RoleAssignment, User

ALL_ROLES = frozenset(Role.values)


@dataclass(frozen=True)
class Grant:
    role: str
    organisation_id: int
    path: str


def grants_of(user: User) -> tuple[Grant, ...]:
    """The user's role assignments, loaded once per user object (one query)."""
    if not user.is_authenticated:
        return ()
    cached = getattr(user, "_grants_cache", None)
    if cached is None:
        cached = tuple(
            Grant(role=role, organisation_id=org_id, path=path)
            for role, org_id, path in RoleAssignment.objects.filter(user=user).values_list(
                "role", "organisation_id", "organisation__path"
            )
        )
        user._grants_cache = cached  # type: ignore[attr-defined]
    return cached


def forget_grants(user: User) -> None:
    """Call after changing a user's roles within the same request."""
    if hasattr(user, "_grants_cache"):
        del user._grants_cache


def _subtree_q(paths: Iterable[str], field: str = "path") -> Q | None:
    # Nested grants (a role on a committee and on one of its branches) add nothing.
    ordered = sorted(set(paths), key=len)
    kept: list[str] = []
    for path in ordered:
        if not any(path.startswith(prefix) for prefix in kept):
            kept.append(path)
    if not kept:
        return None
    return reduce(or_, (Q(**{f"{field}__startswith": p}) for p in kept))


def subtree_filter(user: User, *, roles: Iterable[str] | None = None, field: str = "path") -> Q | None:
    """A Q over ``field`` (an organisation path, possibly across a relation) limited to the
    subtrees where the user holds one of ``roles``; None means nothing; superusers see all."""
    if user.is_authenticated and user.is_superuser:
        return Q()
    wanted = ALL_ROLES if roles is None else set(roles)
    return _subtree_q((g.path for g in grants_of(user) if g.role in wanted), field=field)


def in_subtree(organisation: Organisation, *, via: str = "path") -> Q:
    """The rows whose organisation path at ``via`` lies in ``organisation``'s subtree (the
    organisation itself included): ``Task.objects.filter(in_subtree(root, via="branch__path"))``."""
    return under_path(organisation.path, via=via)


def under_path(path: str, *, via: str = "path") -> Q:
    """``in_subtree`` by the root's path alone (a query compiled once, ``config.baked``)."""
    return Q(**{f"{via}__startswith": path})


def reaching_filter(user: User, field: str = "organisation") -> Q | None:
    """A Q over a relation ``field`` to Organisation: the units whose publications reach the
    user — those above any unit where they hold a role (a branch reads its committee's study
    focus) and those inside their scope. None means nothing; superusers see all."""
    if user.is_authenticated and user.is_superuser:
        return Q()
    grants = grants_of(user)
    if not grants:
        return None
    above = {int(pk) for g in grants for pk in g.path.strip("/").split("/") if pk}
    inside = _subtree_q((g.path for g in grants), field=f"{field}__path")
    return Q(**{f"{field}_id__in": above}) | inside


def company_filter(user: User, field: str = "path") -> Q | None:
    """A Q over ``field`` (an organisation path) covering the whole company (root committee)
    of each unit where the user holds a role; None means nothing; superusers see all."""
    if user.is_authenticated and user.is_superuser:
        return Q()
    roots = {"/" + g.path.strip("/").split("/")[0] + "/" for g in grants_of(user)}
    return _subtree_q(roots, field=field)


def organisations_visible_to(user: User, *, roles: Iterable[str] | None = None) -> QuerySet[Organisation]:
    """Every organisation the user may see (with one of ``roles``, if given)."""
    q = subtree_filter(user, roles=roles)
    if q is None:
        return Organisation.objects.none()
    return Organisation.objects.filter(q)


def roles_on(user: User, organisation: Organisation) -> set[str]:
    """The roles the user holds over ``organisation``, through it or any ancestor."""
    if user.is_authenticated and user.is_superuser:
        return set(ALL_ROLES)
    return {g.role for g in grants_of(user) if organisation.path.startswith(g.path)}


def has_role_anywhere(user: User, *roles: str) -> bool:
    if user.is_authenticated and user.is_superuser:
        return True
    return any(g.role in roles for g in grants_of(user))


def require_role_anywhere(user: User, *roles: str) -> None:
    if not has_role_anywhere(user, *roles):
        raise PermissionDenied


def get_organisation_for(user: User, pk: int, *, roles: Iterable[str] | None = None) -> Organisation:
    """The organisation ``pk`` if the user may see it: 404 outside the scope, 403 when
    inside it but without one of ``roles``."""
    organisation = organisations_visible_to(user).select_related("parent").filter(pk=pk).first()
    if organisation is None:
        raise Http404
    if roles is not None and not (roles_on(user, organisation) & set(roles)):
        raise PermissionDenied
    return organisation


def move_targets_for(user: User, organisation: Organisation) -> QuerySet[Organisation]:
    """Where the user may move ``organisation``: active units they administer, outside its
    own subtree (which kinds fit below which is the model's rule, checked on the move)."""
    from .abilities import units_for  # the engine reads this module: imported late

    return units_for(user, "organisation.administer").filter(status=OrgStatus.ACTIVE).exclude(in_subtree(organisation))


def subtree_of(organisation: Organisation, *, include_dissolved: bool = True) -> QuerySet[Organisation]:
    """The organisation and everything below it, in one query whatever the depth."""
    qs = Organisation.objects.filter(in_subtree(organisation))
    if not include_dissolved:
        qs = qs.filter(status=OrgStatus.ACTIVE)
    return qs


def committee_of(organisation: Organisation) -> Organisation:
    """The nearest 党委 above the organisation (itself if it is one): the committee that
    checks it and signs what it is sent. A tree's root is always a committee."""
    if organisation.kind == OrgKind.COMMITTEE:
        return organisation
    ancestors = Organisation.objects.filter(pk__in=organisation.ancestor_ids, kind=OrgKind.COMMITTEE)
    return max(ancestors, key=lambda o: o.depth, default=organisation)


def issuer_name(committee: Organisation) -> str:
    """The name printed as issuer on the sheets a committee sends: ``ISSUING_COMMITTEE`` if set."""
    return settings.ISSUING_COMMITTEE or committee.name


def tree_rows(organisations: QuerySet[Organisation]) -> list[Organisation]:
    """Organisations in tree order, siblings by code, each with ``indent`` relative to the
    shallowest one shown (one query; the ordering is done here because paths hold primary
    keys, which sort as text: /1/10/ before /1/2/)."""
    rows = list(organisations)
    children: dict[int | None, list[Organisation]] = {}
    present = {org.pk for org in rows}
    for org in rows:
        children.setdefault(org.parent_id if org.parent_id in present else None, []).append(org)
    ordered: list[Organisation] = []
    top = min((org.depth for org in rows), default=0)

    def visit(parent_id: int | None) -> None:
        for org in sorted(children.get(parent_id, []), key=lambda o: o.code):
            org.indent = org.depth - top  # type: ignore[attr-defined]
            ordered.append(org)
            visit(org.pk)

    visit(None)
    return ordered


def holders_of(organisation: Organisation) -> QuerySet[RoleAssignment]:
    """Role assignments held directly on this organisation."""
    return (
        RoleAssignment.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("role", "user__username")
    )


def roles_held_by(user: User) -> QuerySet[RoleAssignment]:
    """The user's own role assignments, with their organisations."""
    return (
        RoleAssignment.objects.filter(user=user).select_related("organisation").order_by("role", "organisation__code")
    )


def api_tokens_of(user: User) -> QuerySet[ApiToken]:
    """The user's tokens still in force, newest first."""
    return ApiToken.objects.filter(user=user, expires_at__gt=timezone.now()).order_by("-created_at", "-pk")


def password_check_failures_since(user: User, since: dt.datetime) -> list[dt.datetime]:
    """When the user last got their current password wrong on the password-change form."""
    return sorted(
        AuditEvent.objects.filter(actor=user, action=Action.PASSWORD_CHECK_FAILED, at__gte=since).values_list(
            "at", flat=True
        )
    )


def api_token_for(raw: str) -> ApiToken | None:
    """The unexpired token whose digest matches ``raw``, for an active user; else None."""
    return (
        ApiToken.objects.select_related("user")
        .filter(digest=ApiToken.digest_of(raw), expires_at__gt=timezone.now(), user__is_active=True)
        .first()
    )


def audit_events_visible_to(user: User) -> QuerySet[AuditEvent]:
    """The audit log as ``user`` may read it, in one query.

    An administrator sees the events about organisations in the subtrees they administer.
    Events about no organisation (sign-ins, failed sign-ins, tokens) belong to the users they
    name — the actor, and the user in ``target`` (the username tried at a failed sign-in,
    whose tokens a superuser revoked) — and are seen where one of them holds a role within
    those subtrees. An administrator of a whole tree (a committee at the top) also sees the
    ones no such user accounts for — a mistyped username, a user with no role — which no
    narrower administrator could; with two trees, neither sees the other's users.
    Superusers see everything.
    """
    if user.is_authenticated and user.is_superuser:
        return AuditEvent.objects.all()
    from .abilities import holders_of  # the engine builds on these selectors

    readers = holders_of("audit.view")
    administered = [g.path for g in grants_of(user) if g.role in readers]
    about_organisations = _subtree_q(administered, field="organisation_path")
    if about_organisations is None:
        return AuditEvent.objects.none()
    holders = RoleAssignment.objects.filter(_subtree_q(administered, field="organisation__path"))
    unscoped = Q(organisation_path="")
    visible = about_organisations | (unscoped & _by_one_of(holders))
    if any(path.count("/") == 2 for path in administered):
        visible |= unscoped & ~_by_one_of(RoleAssignment.objects.all())
    return AuditEvent.objects.filter(visible)


def _by_one_of(assignments: QuerySet[RoleAssignment]) -> Q:
    """Events whose actor, or the user named as their target, holds one of ``assignments``."""
    return Q(actor__in=assignments.values("user")) | Q(target__in=assignments.values("user__username"))
