"""The audit log page: administrators see the events of their subtree."""

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import abilities, audit, selectors


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    abilities.require(request.user, "audit.view")
    visible = selectors.audit_events_visible_to(request.user)
    events = visible
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
