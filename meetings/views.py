"""会议记录 pages: a unit's meetings, recording one, its record with attendance, the make-up
study of an absentee, closing resolutions one by one, and the open resolutions to work off."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from branches import abilities, audit
from branches.models import OrgKind
from config.exceptions import Conflict
from config.forms import add_service_errors

from . import printing, selectors, services
from .detail_actions import correction_context
from .forms import CloseForm, ListFilterForm, MakeupForm, MeetingForm
from .models import Attendance, MeetingFile, Resolution, rate

LIST_ROWS = 200


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The meetings of the highest unit the user reads them for."""
    abilities.require(request.user, "meeting.list")
    unit = abilities.units_for(request.user, "meeting.list").order_by("path").first()
    if unit is None:
        raise Http404
    return redirect("meetings:unit", pk=unit.pk)


@login_required
def unit_meetings(request: HttpRequest, pk: int) -> HttpResponse:
    unit = abilities.unit_for(request.user, pk, "meeting.list")
    form = ListFilterForm(request.GET or None)
    kind, quarter = "", None
    if form.is_bound and form.is_valid():
        kind, quarter = form.cleaned_data["kind"], form.cleaned_data["quarter"]
    meetings = selectors.meetings_of(request.user, unit, kind=kind, quarter=quarter)
    return render(
        request,
        "meetings/list.html",
        {
            "unit": unit,
            "form": form,
            "meetings": meetings[:LIST_ROWS],
            "count": meetings.count(),
            "can_record": unit.kind == OrgKind.BRANCH and abilities.can(request.user, "meeting.record", unit),
        },
    )


@login_required
def record(request: HttpRequest, pk: int) -> HttpResponse:
    branch = abilities.unit_for(request.user, pk, "meeting.record")
    if branch.kind != OrgKind.BRANCH:
        raise Http404
    roster = list(selectors.roster_of(branch))
    own = next((member.pk for member in roster if member.user_id == request.user.pk), None)
    form = MeetingForm(request.POST or None, request.FILES or None, roster=roster, initial={"host": own})
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_record(branch=branch, by=request.user, **form.service_arguments())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Meeting recorded."))
            return redirect("meetings:detail", pk=meeting.pk)
    return render(request, "meetings/record.html", {"branch": branch, "form": form, "roster": roster})


def _resolution_row(request: HttpRequest, resolution: Resolution, *, edit: bool) -> tuple[Resolution, bool, bool]:
    """A resolution with whether the user may close it and (``edit``: on the record's page,
    a few rows; the list leaves correcting to the record) correct it."""
    user = request.user
    can_edit = edit and abilities.can(user, "resolution.edit", resolution)
    return resolution, abilities.can(user, "resolution.close", resolution), can_edit


def _detail_context(request: HttpRequest, meeting) -> dict:
    rows = list(meeting.attendance.select_related("member", "makeup_by"))
    present = sum(1 for row in rows if row.present)
    resolutions = list(meeting.resolutions.select_related("owner_member", "owner_user", "closed_by"))
    return {
        "meeting": meeting,
        "present_rows": [row for row in rows if row.present],
        "absent_rows": [row for row in rows if not row.present],
        "present": present,
        "expected": len(rows),
        "rate": rate(present, len(rows)),
        "resolutions": [_resolution_row(request, r, edit=True) for r in resolutions],
        "files": list(meeting.files.all()),
        "can_makeup": abilities.holds(request.user, "meeting.makeup", rows[0]) if rows else False,
        "task": meeting.task if meeting.task_id else None,
        "close_form": CloseForm(),
        **correction_context(request, meeting),
    }


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.get_meeting_for(request.user, pk)
    return render(request, "meetings/detail.html", _detail_context(request, meeting))


@login_required
def record_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The record as a PDF in the layout of the handbook's example (``meetings.printing``),
    for whoever reads the record's page."""
    meeting = selectors.get_meeting_for(request.user, pk)
    filename, content_type, content = printing.meeting_pdf(meeting)
    target = f"meeting record #{meeting.pk}"
    audit.record(audit.Action.EXPORT, organisation=meeting.branch, target=target, detail={"format": "pdf"})
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def makeup(request: HttpRequest, pk: int) -> HttpResponse:
    row = abilities.get_scoped(
        request.user,
        Attendance.objects.select_related("member", "meeting__branch"),
        pk,
        via="meeting__branch__path",
    )
    if not abilities.holds(request.user, "meeting.makeup", row):
        raise PermissionDenied
    meeting = row.meeting
    if row.present:
        messages.error(request, abilities.refusal("meeting.makeup", row))
        return redirect("meetings:detail", pk=meeting.pk)
    roster = selectors.roster_of(meeting.branch)
    initial = {"on": row.makeup_on, "led_by": row.makeup_by_id, "note": row.makeup_note}
    form = MakeupForm(request.POST or None, roster=roster, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.attendance_makeup(
                row=row,
                by=request.user,
                on=form.cleaned_data["on"],
                led_by=form.cleaned_data["led_by"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Make-up study recorded."))
            return redirect("meetings:detail", pk=meeting.pk)
    return render(request, "meetings/makeup.html", {"row": row, "meeting": meeting, "form": form})


@login_required
@require_POST
def resolution_close(request: HttpRequest, pk: int) -> HttpResponse:
    resolution = abilities.get_scoped(
        request.user,
        Resolution.objects.select_related("meeting__branch", "owner_member"),
        pk,
        via="meeting__branch__path",
    )
    if not abilities.holds(request.user, "resolution.close", resolution):
        raise PermissionDenied
    form = CloseForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(m for errors in form.errors.values() for m in errors))
        return redirect("meetings:detail", pk=resolution.meeting_id)
    try:
        services.resolution_close(resolution=resolution, by=request.user, note=form.cleaned_data["note"])
    except Conflict as exc:
        messages.error(request, " ".join(exc.messages))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Resolution closed."))
    if request.POST.get("next") == "list":
        return redirect("meetings:resolutions")
    return redirect("meetings:detail", pk=resolution.meeting_id)


@login_required
def resolutions(request: HttpRequest) -> HttpResponse:
    """The open resolutions the user answers for: the workbench counts the same selector."""
    abilities.require(request.user, "meeting.list")
    rows = selectors.open_resolutions_for(request.user)
    return render(
        request,
        "meetings/resolutions.html",
        {
            "rows": [_resolution_row(request, r, edit=False) for r in rows[:LIST_ROWS]],
            "count": rows.count(),
            "close_form": CloseForm(),
        },
    )


@login_required
def meeting_file(request: HttpRequest, pk: int) -> HttpResponse:
    """A photo or file of the meeting, after the record's own access check, as an attachment."""
    stored = get_object_or_404(MeetingFile.objects.only("meeting_id"), pk=pk)
    selectors.get_meeting_for(request.user, stored.meeting_id)
    stored = MeetingFile.objects.get(pk=pk)
    return FileResponse(
        stored.file.open("rb"), as_attachment=True, filename=stored.name, content_type=stored.content_type
    )
