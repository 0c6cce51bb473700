"""党费台账 pages: a branch's month (enter, close, export, import), a member's dues, arrears."""

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from branches import abilities, audit
from branches.models import Organisation
from config.exceptions import Conflict
from config.forms import add_service_errors
from members.selectors import get_member_for

from . import excel, selectors, services
from .brackets import rate_label, summary
from .forms import EntryForm, ImportForm, ReopenForm

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _month(year: int, month: int) -> dt.date:
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        raise Http404
    return dt.date(year, month, 1)


def _month_url(branch: Organisation, month: dt.date) -> str:
    return redirect("dues:month", pk=branch.pk, year=month.year, month=month.month).url


@login_required
def branches(request: HttpRequest) -> HttpResponse:
    """The branches whose ledger the user reads, each with this month's link."""
    abilities.require(request.user, "dues.view")
    today = timezone.localdate()
    return render(
        request,
        "dues/branches.html",
        {"branches": selectors.kept_branches(request.user), "month": selectors.first_of(today)},
    )


@login_required
def current(request: HttpRequest, pk: int) -> HttpResponse:
    branch = abilities.unit_for(request.user, pk, "dues.view")
    return redirect(_month_url(branch, selectors.first_of(timezone.localdate())))


def _rows(lines: list[selectors.Line], data: object = None) -> list[tuple[selectors.Line, EntryForm]]:
    rows = []
    for line in lines:
        e = line.entry
        initial = {
            "base": line.base,
            "payer_kind": line.payer_kind,
            "amount_paid": e.amount_paid if e else None,
            "paid_on": e.paid_on if e else None,
            "override_amount": e.override_amount if e else None,
            "override_reason": e.override_reason if e else "",
        }
        rows.append((line, EntryForm(data, prefix=f"m{line.member.pk}", initial=initial)))
    return rows


@login_required
def month_page(request: HttpRequest, pk: int, year: int, month: int) -> HttpResponse:
    """A branch's month: every member on the roll, entered and saved in one go."""
    branch = abilities.unit_for(request.user, pk, "dues.view")
    day = _month(year, month)
    ledger = selectors.month_of(branch, day)
    lines = selectors.month_lines(branch, day)
    rows = _rows(lines, request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not abilities.holds(request.user, "dues.keep", ledger):
            raise PermissionDenied
        if ledger.is_closed:
            messages.error(request, abilities.refusal("dues.keep", ledger))
            return redirect(_month_url(branch, day))
        if all(form.is_valid() for _line, form in rows):
            wanted = [(line.member, form.values()) for line, form in rows if not form.is_blank()]
            try:
                services.dues_record_many(by=request.user, branch=branch, month=day, rows=wanted)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            except Conflict as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("Saved the dues of %(n)s members.") % {"n": len(wanted)})
                return redirect(_month_url(branch, day))
        else:
            messages.error(request, _("Some rows have errors: nothing was saved."))
    entries = [line.entry for line in lines if line.entry]
    totals = {
        "due": sum((e.amount_due for e in entries), start=0),
        "paid": sum((e.amount_paid for e in entries), start=0),
        "unpaid": sum(1 for e in entries if not e.is_paid),
    }
    return render(
        request,
        "dues/month.html",
        {
            "branch": branch,
            "ledger": ledger,
            "month": day,
            "rows": [
                (line, form, rate_label(line.entry.payer_kind, line.entry.rate) if line.entry else "")
                for line, form in rows
            ],
            "totals": totals,
            "rates": summary(),
            "may_keep": abilities.can(request.user, "dues.keep", ledger),
            "may_reopen": abilities.can(request.user, "dues.reopen", ledger),
            "previous": selectors.previous_month(day),
            "next": (day + dt.timedelta(days=32)).replace(day=1),
        },
    )


@login_required
@require_POST
def close(request: HttpRequest, pk: int, year: int, month: int) -> HttpResponse:
    branch = abilities.unit_for(request.user, pk, "dues.view")
    day = _month(year, month)
    if not abilities.holds(request.user, "dues.keep", selectors.month_of(branch, day)):
        raise PermissionDenied
    try:
        services.dues_month_close(by=request.user, branch=branch, month=day)
    except Conflict as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The month is closed."))
    return redirect(_month_url(branch, day))


@login_required
def reopen(request: HttpRequest, pk: int, year: int, month: int) -> HttpResponse:
    branch = abilities.unit_for(request.user, pk, "dues.view")
    day = _month(year, month)
    ledger = selectors.month_of(branch, day)
    if not abilities.holds(request.user, "dues.reopen", ledger):
        raise PermissionDenied
    if not ledger.is_closed:
        messages.error(request, abilities.refusal("dues.reopen", ledger))
        return redirect(_month_url(branch, day))
    form = ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.dues_month_reopen(by=request.user, ledger=ledger, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The month is open again."))
            return redirect(_month_url(branch, day))
    return render(request, "dues/reopen.html", {"branch": branch, "month": day, "form": form})


@login_required
def export(request: HttpRequest, pk: int, year: int, month: int) -> HttpResponse:
    branch = abilities.unit_for(request.user, pk, "dues.view")
    day = _month(year, month)
    content = excel.export_month(branch, day, selectors.month_lines(branch, day))
    audit.record(audit.Action.EXPORT, organisation=branch, target="dues ledger", detail={"month": f"{day:%Y-%m}"})
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="dues-{branch.code}-{day:%Y-%m}.xlsx"'
    return response


@login_required
def import_month(request: HttpRequest, pk: int, year: int, month: int) -> HttpResponse:
    """The month's xlsx back: every row checked; one bad row and nothing is written."""
    branch = abilities.unit_for(request.user, pk, "dues.view")
    day = _month(year, month)
    ledger = selectors.month_of(branch, day)
    if not abilities.holds(request.user, "dues.keep", ledger):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > settings.UPLOAD_MAX_BYTES:
            errors = [_("The file is larger than the limit.")]
        else:
            members = {line.member.pk: line.member for line in selectors.month_lines(branch, day)}
            rows, errors = excel.read_month(upload, upload.size, members)
            if not errors and not rows:
                errors = [_("The file holds no rows.")]
        if not errors:
            try:
                services.dues_record_many(by=request.user, branch=branch, month=day, rows=rows)
            except ValidationError as exc:
                errors = exc.messages
            except Conflict as exc:
                errors = [str(exc)]
            else:
                messages.success(request, _("Imported the dues of %(n)s members.") % {"n": len(rows)})
                return redirect(_month_url(branch, day))
    return render(request, "dues/import.html", {"branch": branch, "month": day, "form": form, "errors": errors})


@login_required
def member_dues(request: HttpRequest, pk: int) -> HttpResponse:
    """A member's dues month by month: the ledger's readers, and the member themself."""
    member = get_member_for(request.user, pk, ability="dues.member_view")
    return render(
        request,
        "dues/member.html",
        {
            "member": member,
            "entries": list(selectors.dues_of(member)[:36]),
            "months_owed": selectors.months_owed(member),
            "arrears_months": selectors.ARREARS_MONTHS,
        },
    )


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """Your own dues, when your account is linked to your record on the roll."""
    member = getattr(request.user, "member", None)
    if member is None:
        return render(request, "dues/mine_none.html")
    return redirect("dues:member", pk=member.pk)


@login_required
def arrears(request: HttpRequest) -> HttpResponse:
    """Members owing three months or more: the list the workbench counts."""
    abilities.require(request.user, "dues.view")
    return render(
        request,
        "dues/arrears.html",
        {"members": selectors.arrears_members(request.user), "arrears_months": selectors.ARREARS_MONTHS},
    )
