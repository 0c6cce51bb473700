"""Correcting a recorded meeting: the recording form pre-filled, an open resolution's text,
owner and due date, and photos or files added later or removed when added by mistake
(services in ``meetings.corrections``)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from branches import abilities
from config.exceptions import Conflict
from config.forms import add_service_errors

from . import selectors
from .corrections import StaleMeeting, meeting_file_remove, meeting_files_add, meeting_update, resolution_update
from .forms import MeetingEditForm, MeetingFilesForm, ResolutionEditForm
from .models import Meeting, MeetingFile, Resolution
from .views import _detail_context


def _meeting_to_correct(request: HttpRequest, pk: int) -> Meeting:
    """404 outside the user's scope, 403 without ``meeting.edit``; its state is the service's."""
    return abilities.get_for(request.user, "meeting.edit", Meeting.objects.select_related("branch"), pk)


@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The recording form, pre-filled; a stale or refused form is shown again as typed."""
    meeting = _meeting_to_correct(request, pk)
    if request.method != "POST" and not abilities.can(request.user, "meeting.edit", meeting):
        messages.error(request, abilities.refusal("meeting.edit", meeting))
        return redirect("meetings:detail", pk=meeting.pk)
    roster = list(selectors.roster_of(meeting.branch))
    form = MeetingEditForm(request.POST or None, request.FILES or None, meeting=meeting, roster=roster)
    stale = None
    if request.method == "POST" and form.is_valid():
        try:
            meeting_update(meeting=meeting, by=request.user, **form.service_arguments())
        except StaleMeeting as exc:
            stale = exc.meeting
            form.add_error(None, exc.messages[0])
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "held_at" in exc.error_dict:
                exc.error_dict["date"] = exc.error_dict.pop("held_at")
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Meeting record corrected."))
            return redirect("meetings:detail", pk=meeting.pk)
    return render(request, "meetings/edit.html", {"meeting": meeting, "form": form, "stale": stale})


@login_required
@require_POST
def files_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Photos or files that arrived later; a refused file is shown beside the field."""
    meeting = _meeting_to_correct(request, pk)
    form = MeetingFilesForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            meeting_files_add(meeting=meeting, by=request.user, files=form.cleaned_data["files"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Files added to the record."))
            return redirect("meetings:detail", pk=meeting.pk)
    context = _detail_context(request, meeting)
    context["files_form"] = form
    return render(request, "meetings/detail.html", context, status=400)


@login_required
@require_POST
def file_remove(request: HttpRequest, pk: int) -> HttpResponse:
    stored = abilities.get_scoped(
        request.user, MeetingFile.objects.select_related("meeting__branch"), pk, via="meeting__branch__path"
    )
    meeting = _meeting_to_correct(request, stored.meeting_id)
    try:
        meeting_file_remove(stored=stored, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("File removed from the record."))
    return redirect("meetings:detail", pk=meeting.pk)


@login_required
def resolution_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """An open resolution's form, pre-filled; a stale or refused form is shown again as typed."""
    resolution = abilities.get_for(
        request.user,
        "resolution.edit",
        Resolution.objects.select_related("meeting__branch", "owner_member", "owner_user"),
        pk,
        via="meeting__branch__path",
    )
    meeting = resolution.meeting
    if not abilities.can(request.user, "resolution.edit", resolution):
        messages.error(request, abilities.refusal("resolution.edit", resolution))
        return redirect("meetings:detail", pk=meeting.pk)
    form = ResolutionEditForm(request.POST or None, resolution=resolution, roster=selectors.roster_of(meeting.branch))
    stale = None
    if request.method == "POST" and form.is_valid():
        try:
            resolution_update(resolution=resolution, by=request.user, **form.service_arguments())
        except StaleMeeting as exc:
            stale = Resolution.objects.select_related("owner_member", "owner_user").get(pk=resolution.pk)
            form.add_error(None, exc.messages[0])
        except Conflict as exc:  # closed or frozen since the form was read
            messages.error(request, " ".join(exc.messages))
            return redirect("meetings:detail", pk=meeting.pk)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Resolution corrected."))
            return redirect("meetings:detail", pk=meeting.pk)
    return render(
        request,
        "meetings/resolution_edit.html",
        {"resolution": resolution, "meeting": meeting, "form": form, "stale": stale},
    )
