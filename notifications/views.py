"""Pages: a person's notifications and choices; an administrator's group robots and the
delivery log of their units."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from branches import abilities

from . import configuration, preferences, requirements, selectors
from .events import Channel, Event
from .forms import LogFilterForm, RobotForm
from .models import Delivery, DeliveryStatus, Robot


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.inbox_of(request.user), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/inbox.html",
        {
            "page": page,
            "unread": selectors.unread_count(request.user),
            "units": selectors.units_configured_by(request.user),
        },
    )


@login_required
def badge(request: HttpRequest) -> HttpResponse:
    """The header's unread count, fetched after the page (htmx) so that no page pays for it."""
    return render(request, "notifications/_badge.html", {"unread": selectors.unread_count(request.user)})


@login_required
@require_POST
def open_item(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = get_object_or_404(
        Delivery.objects.select_related("message"), pk=pk, recipient=request.user, channel=Channel.IN_APP
    )
    if delivery.read_at is None:
        Delivery.objects.filter(pk=delivery.pk, read_at__isnull=True).update(read_at=timezone.now())
    link = delivery.message.link
    if link and url_has_allowed_host_and_scheme(link, allowed_hosts=None):
        return redirect(link)
    return redirect("notifications:inbox")


@login_required
@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    selectors.inbox_of(request.user).filter(read_at__isnull=True).update(read_at=timezone.now())
    return redirect("notifications:inbox")


@login_required
def choices(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        preferences.preferences_save(user=request.user, chosen=set(request.POST.getlist("on")))
        messages.success(request, _("Your choices are saved."))
        return redirect("notifications:preferences")
    return render(
        request,
        "notifications/preferences.html",
        {"table": preferences.table_for(request.user), "channels": preferences.offered_channels()},
    )


def _robot_for(request: HttpRequest, pk: int) -> Robot:
    return abilities.get_for(
        request.user, "notifications.configure", Robot.objects.select_related("organisation"), pk,
        via="organisation__path",
    )  # fmt: skip


@login_required
def robots(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = abilities.unit_for(request.user, pk, "notifications.configure")
    form = RobotForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            robot = configuration.robot_save(organisation=organisation, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The robot %(name)s is saved.") % {"name": robot.name})
            return redirect("notifications:robots", pk=organisation.pk)
    return render(
        request,
        "notifications/robots.html",
        {"org": organisation, "robots": selectors.robots_of(organisation), "form": form},
    )


def _add_errors(form: RobotForm, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@login_required
def robot_edit(request: HttpRequest, pk: int) -> HttpResponse:
    robot = _robot_for(request, pk)
    initial = {
        "kind": robot.kind,
        "name": robot.name,
        "include_below": robot.include_below,
        "is_active": robot.is_active,
    }
    form = RobotForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            configuration.robot_save(organisation=robot.organisation, by=request.user, robot=robot, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The robot %(name)s is saved.") % {"name": robot.name})
            return redirect("notifications:robots", pk=robot.organisation_id)
    return render(request, "notifications/robot_edit.html", {"org": robot.organisation, "robot": robot, "form": form})


@login_required
@require_POST
def robot_test(request: HttpRequest, pk: int) -> HttpResponse:
    robot = _robot_for(request, pk)
    delivery = configuration.robot_test(robot=robot, by=request.user)
    if delivery.status == DeliveryStatus.SENT:
        messages.success(request, _("The test message was sent to %(name)s.") % {"name": robot.name})
    elif delivery.status in (DeliveryStatus.FAILED, DeliveryStatus.RETRYING):
        messages.error(request, _("The test message failed: %(reason)s") % {"reason": delivery.error})
    else:
        messages.info(request, _("The test message is queued; see the delivery log."))
    return redirect("notifications:robots", pk=robot.organisation_id)


@login_required
@require_POST
def robot_delete(request: HttpRequest, pk: int) -> HttpResponse:
    robot = _robot_for(request, pk)
    organisation_id = robot.organisation_id
    configuration.robot_delete(robot=robot, by=request.user)
    messages.success(request, _("The robot is removed."))
    return redirect("notifications:robots", pk=organisation_id)


@login_required
def log(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = abilities.unit_for(request.user, pk, "notifications.log")
    form = LogFilterForm(request.GET)
    status = form.cleaned_data["status"] if form.is_valid() else ""
    rows = selectors.log_of(organisation, status=status)
    page = Paginator(rows, 50).get_page(form.cleaned_data.get("page") if form.is_valid() else 1)
    return render(
        request,
        "notifications/log.html",
        {
            "org": organisation,
            "page": page,
            "form": form,
            "status": status,
            "counts": selectors.log_counts(organisation),
            "events": Event,
        },
    )


@login_required
def required(request: HttpRequest, pk: int) -> HttpResponse:
    """What the committee requires in this unit and those below: per event, the channels a
    person cannot turn off (inherited from the units above unless set here)."""
    organisation = abilities.unit_for(request.user, pk, "notifications.require")
    if request.method == "POST":
        kept = requirements.rules_save(
            organisation=organisation, by=request.user, chosen=set(request.POST.getlist("on"))
        )
        messages.success(request, _("Saved: %(count)s kinds of message set in this unit.") % {"count": kept})
        return redirect("notifications:required", pk=organisation.pk)
    channels = preferences.offered_channels()
    rows = [
        {
            "label": Event(row.event).label,
            "own": row.own is not None,
            "source": row.applies.source,
            "cells": [
                {"name": f"{row.event}:{c}", "label": Channel(c).label, "on": c in row.applies.required}
                for c in channels
            ],
        }
        for row in requirements.table_of(organisation)
    ]
    return render(
        request,
        "notifications/required.html",
        {"org": organisation, "rows": rows, "channels": [Channel(c).label for c in channels]},
    )
