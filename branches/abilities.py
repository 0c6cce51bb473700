"""Who may do what: the engine behind the ability tables.

Each app names its abilities in ``<app>/permissions.py`` as a table — an ability, the roles
that hold it (some only under a condition on the object), the object states in which it can
be used — and every page, API endpoint, template and service asks the same three questions
here instead of restating a role list:

- ``can(user, "task.complete", task)`` → bool, for links and buttons;
- ``require(user, "task.complete", task)`` → returns, or raises: ``Http404`` when the object
  is outside everything the user may see, ``PermissionDenied`` (403) when it is inside but the
  user does not hold the ability, ``Conflict`` (409 in the API, a message on a page) when the
  user holds it but the object's state forbids it now;
- ``allowed_actions(user, obj)`` → the names of the abilities on ``obj`` the user can use now.

An ability is about one kind of object (``on=Task``), found through its organisation; or about
nothing in particular: ``scope=ANYWHERE`` (holding one of the roles anywhere, e.g. to open a
list page) or ``scope=PLATFORM`` (holding it on a root of the tree, e.g. to edit the handbook
every committee reads). The tree-path scoping of querysets stays in ``branches.selectors``;
``visible(user, name, field)`` turns an ability into that scope.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from config.exceptions import Conflict

from .models import Organisation, User
from .selectors import grants_of, roles_on, subtree_filter

OBJECT = "object"
ANYWHERE = "anywhere"
PLATFORM = "platform"

Condition = Callable[[Any, Any], bool]  # (user, obj) -> bool
M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class Ability:
    """One row of an ability table."""

    name: str
    # role → None (held outright) or a condition on (user, obj) under which the role holds it.
    holders: Mapping[str, Condition | None]
    on: type | None = None
    scope: str = OBJECT
    # The object's state in which the ability can be used, and what to say when it cannot.
    when: Callable[[Any], bool] | None = None
    refused: Callable[[Any], str] | str = ""
    # A rule on the acting user and the object together (not one's own administrator role),
    # refused as a state is: a Conflict with ``refused``.
    when_by: Condition | None = None
    # Held whatever the role, e.g. the task's assignee completing their own task.
    owner: Condition | None = None
    label: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(self.holders)


ABILITIES: dict[str, Ability] = {}
_ORGANISATION_OF: dict[type, Callable[[Any], Organisation]] = {}


def define(
    name: str,
    holders: Mapping[str, Condition | None] | Iterable[str],
    *,
    on: type | None = None,
    scope: str = OBJECT,
    when: Callable[[Any], bool] | None = None,
    refused: Callable[[Any], str] | str = "",
    owner: Condition | None = None,
    label: str = "",
    when_by: Condition | None = None,
) -> Ability:
    """Add a row to the table. ``holders`` is a mapping of role → condition, or a plain
    iterable of roles that hold the ability outright."""
    if name in ABILITIES:
        raise ValueError(f"ability {name!r} is defined twice")
    if scope == OBJECT and on is None:
        raise ValueError(f"ability {name!r} is about an object: say which kind with on=")
    table = dict(holders) if isinstance(holders, Mapping) else dict.fromkeys(holders)
    ability = Ability(
        name=name,
        holders=table,
        on=on,
        scope=scope,
        when=when,
        refused=refused,
        owner=owner,
        label=label,
        when_by=when_by,
    )
    ABILITIES[name] = ability
    return ability


def organisation_of(model: type, getter: Callable[[Any], Organisation]) -> None:
    """Say how to find the organisation an object of ``model`` belongs to."""
    _ORGANISATION_OF[model] = getter


def ability(name: str) -> Ability:
    try:
        return ABILITIES[name]
    except KeyError:
        raise LookupError(f"no ability named {name!r}; define it in an app's permissions.py") from None


def holders_of(name: str) -> frozenset[str]:
    """The roles that hold ``name`` (some perhaps only under a condition)."""
    return ability(name).roles


def _organisation(obj: Any) -> Organisation:
    if isinstance(obj, Organisation):
        return obj
    for model, getter in _ORGANISATION_OF.items():
        if isinstance(obj, model):
            return getter(obj)
    raise LookupError(f"no organisation_of() for {type(obj).__name__}")


def _is_superuser(user: User) -> bool:
    return bool(user.is_authenticated and user.is_superuser)


def _holds(user: User, row: Ability, obj: Any) -> bool:
    """Whether the user holds the ability (the state aside)."""
    if not user.is_authenticated:
        return False
    if _is_superuser(user):
        return True
    if row.scope == PLATFORM:
        # Held on a root of the tree (a path of one id, "/1/").
        return any(g.role in row.holders and g.path.count("/") == 2 for g in grants_of(user))
    if row.scope == ANYWHERE or obj is None:
        # Asked without an object (a list page): one of the roles anywhere will do.
        return any(g.role in row.holders for g in grants_of(user))
    if row.owner is not None and row.owner(user, obj):
        return True
    held = roles_on(user, _organisation(obj))
    for role in held & row.roles:
        condition = row.holders[role]
        if condition is None or condition(user, obj):
            return True
    return False


def _state_allows(row: Ability, obj: Any, user: User) -> bool:
    if obj is None:
        return True
    return (row.when is None or row.when(obj)) and (row.when_by is None or row.when_by(user, obj))


def holds(user: User, name: str, obj: Any = None) -> bool:
    """Whether the user holds ``name`` on ``obj`` by role (or as its owner), whatever its state."""
    return _holds(user, ability(name), obj)


def can(user: User, name: str, obj: Any = None) -> bool:
    """Whether the user may use ``name`` on ``obj`` now (role and state)."""
    row = ability(name)
    return _holds(user, row, obj) and _state_allows(row, obj, user)


def in_scope(user: User, obj: Any) -> bool:
    """Whether the object is within what the user may see at all: any role over its
    organisation (a refusal is then a 403, not a 404)."""
    if _is_superuser(user):
        return True
    return bool(user.is_authenticated and roles_on(user, _organisation(obj)))


def refusal(name: str, obj: Any) -> str:
    """What to say when the object's state forbids ``name``."""
    row = ability(name)
    message = row.refused(obj) if callable(row.refused) else row.refused
    return str(message or _("This cannot be done in its current state."))


def require(user: User, name: str, obj: Any = None) -> None:
    """Return if the user may use ``name`` on ``obj`` now; else raise 404, 403 or Conflict."""
    row = ability(name)
    if not _holds(user, row, obj):
        if row.scope == OBJECT and obj is not None and not in_scope(user, obj):
            raise Http404
        raise PermissionDenied
    if not _state_allows(row, obj, user):
        raise Conflict(refusal(name, obj))


def allowed_actions(user: User, obj: Any) -> set[str]:
    """The abilities on ``obj``'s kind that the user can use on it now."""
    return {
        name
        for name, row in ABILITIES.items()
        if row.scope == OBJECT and row.on is not None and isinstance(obj, row.on) and can(user, name, obj)
    }


def actions_map(user: User, obj: Any) -> dict[str, bool]:
    """``allowed_actions`` as ``{"complete": True, ...}`` keyed by the part after the dot, for
    templates (``{% if may.complete %}``) and API payloads."""
    allowed = allowed_actions(user, obj)
    return {
        name.split(".", 1)[1]: name in allowed
        for name, row in ABILITIES.items()
        if row.scope == OBJECT and row.on is not None and isinstance(obj, row.on)
    }


def visible(user: User, name: str, *, field: str = "path") -> Q | None:
    """A Q over ``field`` (an organisation path) limited to the subtrees where the user holds
    one of the ability's roles; None means nothing; superusers see all. Conditions on single
    objects are not applied here: this is the scope of a list, not the answer for one row."""
    return subtree_filter(user, roles=holders_of(name), field=field)


def held_outright(name: str, *, field: str = "role") -> Q:
    """A Q over role assignments (``field`` their role) whose role holds ``name`` outright:
    who an ability names when there is no acting user to ask about, e.g. to whom the
    reminder sheets are e-mailed, or which branches have nobody answering for them."""
    return Q(**{f"{field}__in": sorted(role for role, condition in ability(name).holders.items() if condition is None)})


def role_for(name: str) -> str:
    """The one role that holds ``name`` outright, to grant it (the demo seed's secretary);
    LookupError when the table names several or none."""
    roles = [role for role, condition in ability(name).holders.items() if condition is None]
    if len(roles) != 1:
        raise LookupError(f"{name!r} is held outright by {len(roles)} roles, not one")
    return str(roles[0])


def units_for(user: User, name: str) -> QuerySet[Organisation]:
    """The organisations where the user holds one of the ability's roles."""
    q = visible(user, name)
    if q is None:
        return Organisation.objects.none()
    return Organisation.objects.filter(q)


def get_scoped(user: User, queryset: QuerySet[M], pk: Any, *, via: str = "branch__path") -> M:
    """The row ``pk`` of ``queryset`` if it lies within anything the user may see (any role
    over the organisation path at ``via``); else 404. Check an ability on it with ``require``."""
    q = subtree_filter(user, field=via)
    found = None if q is None else queryset.filter(q).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def get_for(user: User, name: str, queryset: QuerySet[M], pk: Any, *, via: str = "branch__path") -> M:
    """``get_scoped`` then ``require`` the role part of ``name`` (404 outside, 403 without the
    ability). The state part is left to the service, which refuses with its own message."""
    found = get_scoped(user, queryset, pk, via=via)
    row = ability(name)
    if not _holds(user, row, found):
        raise PermissionDenied
    return found


def unit_for(user: User, pk: Any, name: str) -> Organisation:
    """The organisation ``pk``: 404 outside everything the user may see, 403 inside it
    without ``name`` (its state is left to the caller or the service)."""
    units = Organisation.objects.select_related("parent")
    return get_for(user, name, units, pk, via="path")
