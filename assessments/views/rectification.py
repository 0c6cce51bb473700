"""整改: the list of rectification items and one item, with the branch's report and the
reviewer's verification."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from branches import abilities
from config.request_values import parse_id
from tasks.evidence import ACCEPT, KINDS

from .. import selectors
from ..models import RectificationEvidence, RectificationStatus
from ..selectors import get_rectification_for
from ..services.rectification import rectification_assign, rectification_report, rectification_verify
from .common import run_and_redirect


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


def _posted_owner(request: HttpRequest) -> int | None:
    """The id of the user picked in the owner field; the service decides whether they may own the item."""
    raw = request.POST.get("owner", "").strip()
    if not raw:
        return None
    owner_id = parse_id(raw)
    if owner_id is None:
        raise ValidationError(_("Choose the owner from the list."))
    return owner_id


@login_required
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_rectification_for(request.user, pk)
    return render(
        request,
        "assessments/rectification_item.html",
        {
            "item": item,
            "can_report": abilities.can(request.user, "rectification.report", item),
            "can_verify": abilities.can(request.user, "rectification.verify", item),
            "can_assign": abilities.can(request.user, "rectification.assign", item),
            "candidates": selectors.owner_candidates(item.branch),
            "files": item.files.all(),
            "accept": ACCEPT,
            "kinds": KINDS,
        },
    )


@login_required
@require_POST
def item_report(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_rectification_for(request.user, pk, ability="rectification.report")
    return run_and_redirect(
        request,
        lambda: rectification_report(
            item=item,
            by=request.user,
            action_taken=request.POST.get("action_taken", ""),
            evidence=request.POST.get("evidence", ""),
            owner_id=_posted_owner(request),
            files=request.FILES.getlist("files"),
        ),
        _("Reported as done; the committee will verify it."),
        "assessments:rectification_item",
        pk=item.pk,
    )


@login_required
@require_POST
def item_verify(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_rectification_for(request.user, pk, ability="rectification.verify")
    accept = request.POST.get("decision") == "close"
    return run_and_redirect(
        request,
        lambda: rectification_verify(item=item, by=request.user, accept=accept, reason=request.POST.get("reason", "")),
        _("Closed.") if accept else _("Sent back to the branch."),
        "assessments:rectification_item",
        pk=item.pk,
    )


@login_required
@require_POST
def item_assign(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_rectification_for(request.user, pk, ability="rectification.assign")
    return run_and_redirect(
        request,
        lambda: rectification_assign(item=item, by=request.user, owner_id=_posted_owner(request)),
        _("Owner saved."),
        "assessments:rectification_item",
        pk=item.pk,
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
