"""HTML views of the roster and of transfers. Thin: access through selectors, writes
through services. The Excel pages are in ``views_excel``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from branches import abilities
from branches.models import Organisation, OrgKind
from branches.selectors import in_subtree
from development.selectors import file_of_member
from dues.selectors import dues_flag

from . import selectors, services
from .forms import (
    ContactForm,
    MemberCreateForm,
    MemberForm,
    RosterFilterForm,
    TransferAllForm,
    TransferForm,
    add_service_errors,
)
from .models import ON_ROLL_STATUSES

PAGE_SIZE = 50


def _roster_page(request: HttpRequest, organisation: Organisation | None) -> HttpResponse:
    members = selectors.members_visible_to(request.user)
    branches = selectors.branches_for_filter(request.user, organisation)
    form = RosterFilterForm(request.GET or None, branches=branches)
    filters: dict[str, object] = {}
    if form.is_valid():
        filters = {k: v for k, v in form.cleaned_data.items() if v}
    page = Paginator(
        selectors.roster(members, viewer=request.user, branch=filters.pop("branch", organisation), **filters), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    for member in page:
        member.shown_id = selectors.shown_id(request.user, member)  # type: ignore[attr-defined]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "members/roster.html",
        {
            "org": organisation,
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_admin": organisation is not None and abilities.holds(request.user, "member.administer", organisation),
            "can_import": organisation is not None and abilities.holds(request.user, "member.import", organisation),
        },
    )


@login_required
def roster(request: HttpRequest) -> HttpResponse:
    """Every member the user may see, across all the subtrees they hold a roster role on."""
    abilities.require(request.user, "member.view")
    return _roster_page(request, None)


@login_required
def org_roster(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = abilities.unit_for(request.user, pk, "member.view")
    return _roster_page(request, organisation)


@login_required
def member_detail(request: HttpRequest, pk: int) -> HttpResponse:
    member = selectors.get_member_for(request.user, pk)
    return render(
        request,
        "members/detail.html",
        {
            "member": member,
            "shown_id": selectors.shown_id(request.user, member),
            "history": selectors.history_of(member),
            "can_admin": abilities.holds(request.user, "member.administer", member),
            "can_edit": abilities.holds(request.user, "member.edit", member),
            **dues_flag(request.user, member),
            "development_file": file_of_member(request.user, member),
        },
    )


@login_required
def member_create(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = abilities.unit_for(request.user, pk, "member.administer")
    branches = selectors.transfer_targets(request.user).filter(in_subtree(organisation))
    form = MemberCreateForm(request.POST or None, branches=branches)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        branch = data.pop("branch")
        try:
            member = services.member_create(branch=branch, by=request.user, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Added %(name)s.") % {"name": member.name})
            return redirect("members:detail", pk=member.pk)
    return render(request, "members/form.html", {"form": form, "org": organisation, "title": _("New member")})


@login_required
def member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Administrators edit the whole record; a secretary only the contact fields."""
    member = selectors.get_member_for(request.user, pk, ability="member.edit")
    allowed = selectors.editable_fields_for(request.user, member)
    form_class = MemberForm if allowed == services.EDITABLE_FIELDS else ContactForm
    form = form_class(request.POST or None, instance=member)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_update(member=member, fields=dict(form.cleaned_data), allowed=allowed)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("members:detail", pk=member.pk)
    return render(request, "members/form.html", {"form": form, "member": member, "title": _("Edit member")})


@login_required
def member_transfer(request: HttpRequest, pk: int) -> HttpResponse:
    member = selectors.get_member_for(request.user, pk, ability="member.administer")
    targets = selectors.transfer_targets(request.user)
    form = TransferForm(request.POST or None, targets=targets)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        common = {"member": member, "on": data["on"], "by": request.user}
        try:
            match data["action"]:
                case "transfer":
                    services.member_transfer(to_branch=data["to_branch"], reason=data["reason"], **common)
                case "transfer_out":
                    services.member_transfer_out(reason=data["reason"], **common)
                case "flowing":
                    services.member_mark_flowing(flowing_to=data["flowing_to"], reason=data["reason"], **common)
                case "return":
                    services.member_return(**common)
                case _:
                    services.member_change_status(status=data["status"], reason=data["reason"], **common)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Recorded."))
            return redirect("members:detail", pk=member.pk)
    return render(
        request,
        "members/transfer.html",
        {"form": form, "member": member, "shown_id": selectors.shown_id(request.user, member)},
    )


@login_required
def branch_transfer_all(request: HttpRequest, pk: int) -> HttpResponse:
    """Moves everyone on a branch's roll at once, e.g. when its project ends."""
    organisation = abilities.unit_for(request.user, pk, "member.administer")
    targets = selectors.transfer_targets(request.user).exclude(pk=organisation.pk)
    form = TransferAllForm(request.POST or None, targets=targets)
    on_roll = organisation.members.filter(status__in=ON_ROLL_STATUSES).count()
    is_branch = organisation.kind == OrgKind.BRANCH
    if is_branch and request.method == "POST" and form.is_valid():
        try:
            moved = services.branch_transfer_all(from_branch=organisation, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Transferred %(count)d member(s).") % {"count": moved})
            return redirect("members:org_roster", pk=organisation.pk)
    return render(
        request,
        "members/transfer_all.html",
        {"form": form, "org": organisation, "on_roll": on_roll, "is_branch": is_branch},
    )
