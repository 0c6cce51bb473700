"""HTML views of the organisation tree and of roles. Thin: access through selectors,
writes through services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from config.forms import add_service_errors

from . import abilities, selectors, services
from .forms import DissolveForm, GrantRoleForm, MoveForm, OrganisationForm
from .models import Organisation, OrgStatus, RoleAssignment, User
from .workbench import workbench_for


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """工作台: what the user must do now, one section per role that applies."""
    grants = selectors.grants_of(request.user)
    return render(
        request,
        "branches/home.html",
        {"sections": workbench_for(request.user), "has_role": bool(grants) or request.user.is_superuser},
    )


@login_required
def org_tree(request: HttpRequest) -> HttpResponse:
    show_dissolved = request.GET.get("dissolved") == "1"
    qs = selectors.organisations_visible_to(request.user)
    if not show_dissolved:
        qs = qs.filter(status=OrgStatus.ACTIVE)
    rows = selectors.tree_rows(qs)
    return render(request, "branches/tree.html", {"rows": rows, "show_dissolved": show_dissolved})


@login_required
def org_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = selectors.get_organisation_for(request.user, pk)
    can_admin = abilities.holds(request.user, "organisation.administer", organisation)
    children = organisation.children.order_by("code")
    return render(
        request,
        "branches/detail.html",
        {
            "org": organisation,
            "children": children,
            "can_admin": can_admin,
            "holders": selectors.holders_of(organisation) if can_admin else None,
        },
    )


@login_required
def org_create(request: HttpRequest, pk: int) -> HttpResponse:
    parent = abilities.unit_for(request.user, pk, "organisation.administer")
    form = OrganisationForm(request.POST or None, parent=parent)
    if request.method == "POST" and form.is_valid():
        try:
            child = services.organisation_create(by=request.user, parent=parent, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Created %(name)s.") % {"name": child.name})
            return redirect("branches:detail", pk=child.pk)
    return render(request, "branches/form.html", {"form": form, "parent": parent, "title": _("New unit")})


@login_required
def org_edit(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = abilities.unit_for(request.user, pk, "organisation.administer")
    # A separate instance for the form: validating a bad POST mutates it, and the page's
    # heading must keep showing the stored name.
    form = OrganisationForm(request.POST or None, instance=Organisation.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.fields}
        try:
            services.organisation_update(by=request.user, organisation=organisation, **fields)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("branches:detail", pk=organisation.pk)
    return render(request, "branches/form.html", {"form": form, "org": organisation, "title": _("Edit")})


@login_required
def org_move(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = abilities.unit_for(request.user, pk, "organisation.administer")
    targets = selectors.move_targets_for(request.user, organisation).order_by("path")
    form = MoveForm(request.POST or None, targets=targets)
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_move(
                by=request.user, organisation=organisation, new_parent=form.cleaned_data["new_parent"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Moved."))
            return redirect("branches:detail", pk=organisation.pk)
    return render(request, "branches/move.html", {"form": form, "org": organisation})


@login_required
def org_dissolve(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = abilities.unit_for(request.user, pk, "organisation.administer")
    form = DissolveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_dissolve(by=request.user, organisation=organisation, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Dissolved %(name)s.") % {"name": organisation.name})
            return redirect("branches:detail", pk=organisation.pk)
    return render(request, "branches/dissolve.html", {"form": form, "org": organisation})


@login_required
def org_roles(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = abilities.unit_for(request.user, pk, "organisation.administer")
    form = GrantRoleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = User.objects.filter(username=data["username"].strip()).first()
        try:
            if user is None:
                if not data["full_name"] or not data["password"]:
                    raise ValidationError(_("No such user: give a full name and an initial password to create one."))
                validate_password(data["password"])
                user = services.user_create(
                    username=data["username"], full_name=data["full_name"], password=data["password"]
                )
            services.role_grant(user=user, role=data["role"], organisation=organisation, by=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Granted."))
            return redirect("branches:roles", pk=organisation.pk)
    holders = list(selectors.holders_of(organisation))
    for assignment in holders:
        # Not offered where the table refuses it (one's own administrator role).
        assignment.may_revoke = abilities.can(request.user, "role.revoke", assignment)  # type: ignore[attr-defined]
    return render(request, "branches/roles.html", {"org": organisation, "form": form, "holders": holders})


@login_required
@require_POST
def role_revoke(request: HttpRequest, pk: int, assignment_pk: int) -> HttpResponse:
    organisation = abilities.unit_for(request.user, pk, "organisation.administer")
    assignment = get_object_or_404(RoleAssignment, pk=assignment_pk, organisation=organisation)
    try:
        services.role_revoke(assignment=assignment, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Revoked."))
    return redirect("branches:roles", pk=organisation.pk)
