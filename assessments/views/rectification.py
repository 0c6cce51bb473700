"""整改: the list of rectification items and one item, with the branch's report and the
reviewer's verification."""

from collections.abc import Callable
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from branches import abilities
from tasks.evidence import ACCEPT

from .. import selectors
from ..forms.cards import AssignForm, ReportForm, VerifyForm, add_service_errors
from ..models import RectificationEvidence, RectificationItem, RectificationStatus
from ..selectors import get_rectification_for
from ..services.rectification import rectification_assign, rectification_report, rectification_verify


@login_required
def item_list(request: HttpRequest) -> HttpResponse:
    abilities.require(request.user, "scorecard.view")
    show_all = request.GET.get("all") == "1"
    mine = request.GET.get("mine") == "1"
    # The workbench's lists: what the user must work off (?todo=1, ?todo=1&overdue=1) and what
    # waits for their verification (?verify=1), counted there from the same selectors.
    todo, verify = request.GET.get("todo") == "1", request.GET.get("verify") == "1"
    overdue = todo and request.GET.get("overdue") == "1"
    if todo:
        items = selectors.rectification_to_work_off(request.user)
        if overdue:
            items = items.filter(deadline__lt=timezone.localdate())
    elif verify:
        items = selectors.rectification_to_verify(request.user)
    else:
        items = selectors.rectification_items_visible_to(request.user)
        if not show_all:
            items = items.exclude(status=RectificationStatus.CLOSED)
        if mine:
            items = items.filter(owner=request.user)
    items = items.select_related("branch", "finding", "owner").order_by("deadline", "pk")
    return render(
        request,
        "assessments/rectification_list.html",
        {
            "items": items[:500],
            "count": items.count(),
            "show_all": show_all,
            "mine": mine,
            "todo": todo,
            "overdue": overdue,
            "verify": verify,
        },
    )


def _item_page(request: HttpRequest, item: RectificationItem, *, status: int = 200, **forms: Any) -> HttpResponse:
    """The item with its three forms; a form bound to what was just posted keeps the typed
    text and shows each refusal beside its field."""
    candidates = selectors.owner_candidates(item.branch)
    bound = {
        "report_form": ReportForm(initial={"action_taken": item.action_taken, "evidence": item.evidence}),
        "assign_form": AssignForm(),
        "verify_form": VerifyForm(),
    } | forms
    return render(
        request,
        "assessments/rectification_item.html",
        {
            "item": item,
            "can_report": abilities.can(request.user, "rectification.report", item),
            "can_verify": abilities.can(request.user, "rectification.verify", item),
            "can_assign": abilities.can(request.user, "rectification.assign", item),
            "candidates": candidates,
            "files": item.files.all(),
            "accept": ACCEPT,
            **bound,
        },
        status=status,
    )


@login_required
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _item_page(request, get_rectification_for(request.user, pk))


def _post(
    request: HttpRequest,
    item: RectificationItem,
    form: django_forms.Form,
    name: str,
    run: Callable[[dict[str, Any]], object],
    done: str,
) -> HttpResponse:
    """Validates ``form``, runs the service; a refusal re-renders the page with the form bound."""
    if form.is_valid():
        try:
            run(form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("assessments:rectification_item", pk=item.pk)
    return _item_page(request, item, status=400, **{name: form})


@login_required
@require_POST
def item_report(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_rectification_for(request.user, pk, ability="rectification.report")
    return _post(
        request,
        item,
        ReportForm(request.POST, request.FILES),
        "report_form",
        lambda data: rectification_report(
            item=item,
            by=request.user,
            action_taken=data["action_taken"],
            evidence=data["evidence"],
            owner_id=data["owner"],
            files=data["files"],
        ),
        _("Reported as done; the committee will verify it."),
    )


@login_required
@require_POST
def item_verify(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_rectification_for(request.user, pk, ability="rectification.verify")
    form = VerifyForm(request.POST)
    accept = form.is_valid() and form.cleaned_data["decision"] == "close"
    return _post(
        request,
        item,
        form,
        "verify_form",
        lambda data: rectification_verify(
            item=item, by=request.user, accept=data["decision"] == "close", reason=data["reason"]
        ),
        _("Closed.") if accept else _("Sent back to the branch."),
    )


@login_required
@require_POST
def item_assign(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_rectification_for(request.user, pk, ability="rectification.assign")
    return _post(
        request,
        item,
        AssignForm(request.POST),
        "assign_form",
        lambda data: rectification_assign(item=item, by=request.user, owner_id=data["owner"]),
        _("Owner saved."),
    )


@login_required
def item_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    """A file of the branch's report: after the item's own access check, and only ever as an
    attachment with the type the evidence rule gave it (never shown inline)."""
    evidence = get_object_or_404(RectificationEvidence.objects.only("item_id"), pk=pk)
    get_rectification_for(request.user, evidence.item_id)
    evidence = RectificationEvidence.objects.get(pk=pk)
    return FileResponse(
        evidence.file.open("rb"), as_attachment=True, filename=evidence.name, content_type=evidence.content_type
    )
