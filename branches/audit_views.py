"""The audit log page: administrators see the events of their subtree."""

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import audit, selectors
from .models import AuditEvent, Role, User


def audit_events_visible_to(user: User) -> QuerySet[AuditEvent]:
    """Events about organisations in the user's administrator subtrees; platform-wide
    events (sign-ins) only for administrators of a whole committee at the top."""
    scope = selectors.subtree_filter(user, roles=[Role.ADMINISTRATOR], field="organisation_path")
    if scope is None:
        return AuditEvent.objects.none()
    top_admin = user.is_superuser or any(
        g.role == Role.ADMINISTRATOR and g.path.count("/") == 2 for g in selectors.grants_of(user)
    )
    if top_admin:
        scope |= Q(organisation_path="")
    return AuditEvent.objects.filter(scope)


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    selectors.require_role_anywhere(request.user, Role.ADMINISTRATOR)
    events = audit_events_visible_to(request.user)
    action = request.GET.get("action", "")
    who = request.GET.get("who", "").strip()
    since = _date(request.GET.get("since", ""))
    until = _date(request.GET.get("until", ""))
    if action:
        events = events.filter(action=action)
    if who:
        events = events.filter(Q(actor_name__icontains=who) | Q(target__icontains=who))
    if since:
        events = events.filter(at__date__gte=since)
    if until:
        events = events.filter(at__date__lte=until)
    page = Paginator(events.select_related("organisation"), 50).get_page(request.GET.get("page"))
    actions = audit.action_choices()
    return render(
        request,
        "branches/audit_log.html",
        {"page": page, "actions": actions, "filters": {"action": action, "who": who, "since": since, "until": until}},
    )
