"""整改: the list of rectification items and one item, with the branch's report and the
reviewer's verification."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from branches.selectors import require_role_anywhere

from .. import selectors
from ..models import RectificationStatus
from ..selectors import REVIEW_ROLES, SELF_ROLES, VIEW_ROLES, get_rectification_for
from ..services.rectification import ASSIGN_ROLES, rectification_assign, rectification_report, rectification_verify
from .common import run_and_redirect


@login_required
def item_list(request: HttpRequest) -> HttpResponse:
    require_role_anywhere(request.user, *VIEW_ROLES)
    show_all = request.GET.get("all") == "1"
    mine = request.GET.get("mine") == "1"
    items = selectors.rectification_items_visible_to(request.user).select_related("branch", "finding", "owner")
    if not show_all:
        items = items.exclude(status=RectificationStatus.CLOSED)
    if mine:
        items = items.filter(owner=request.user)
    return render(
        request,
        "assessments/rectification_list.html",
        {"items": items.order_by("deadline", "pk")[:500], "show_all": show_all, "mine": mine},
    )


def _posted_owner(request: HttpRequest) -> int | None:
    """The id of the user picked in the owner field; the service decides whether they may own the item."""
    raw = request.POST.get("owner", "").strip()
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 18:
        raise ValidationError(_("Choose the owner from the list."))
    return int(raw)


@login_required
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_rectification_for(request.user, pk)
    roles = selectors.roles_on(request.user, item.branch)
    return render(
        request,
        "assessments/rectification_item.html",
        {
            "item": item,
            "can_report": item.status == RectificationStatus.OPEN and bool(roles & set(SELF_ROLES)),
            "can_verify": item.status == RectificationStatus.DONE and bool(roles & set(REVIEW_ROLES)),
            "can_assign": item.status != RectificationStatus.CLOSED and bool(roles & set(ASSIGN_ROLES)),
            "candidates": selectors.owner_candidates(item.branch),
        },
    )


@login_required
@require_POST
def item_report(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_rectification_for(request.user, pk, roles=SELF_ROLES)
    return run_and_redirect(
        request,
        lambda: rectification_report(
            item=item,
            by=request.user,
            action_taken=request.POST.get("action_taken", ""),
            evidence=request.POST.get("evidence", ""),
            owner_id=_posted_owner(request),
        ),
        _("Reported as done; the committee will verify it."),
        "assessments:rectification_item",
        pk=item.pk,
    )


@login_required
@require_POST
def item_verify(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_rectification_for(request.user, pk, roles=REVIEW_ROLES)
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
    item = get_rectification_for(request.user, pk, roles=ASSIGN_ROLES)
    return run_and_redirect(
        request,
        lambda: rectification_assign(item=item, by=request.user, owner_id=_posted_owner(request)),
        _("Owner saved."),
        "assessments:rectification_item",
        pk=item.pk,
    )
