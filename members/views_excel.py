"""The Excel pages: template, upload → check → preview → import, progress, export."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from branches import abilities, audit
from branches.models import Organisation

from . import imports, selectors
from .excel import reader
from .excel.resource import XLSX_CONTENT_TYPE, render_export, render_template
from .forms import ImportForm
from .models import ImportStatus


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def import_template(request: HttpRequest) -> HttpResponse:
    abilities.require(request.user, "member.import")
    return _xlsx(render_template(), "members-template.xlsx")


@login_required
def export(request: HttpRequest, pk: int) -> HttpResponse:
    """The roster of an organisation's subtree, in the template's columns, with full ID
    numbers: administrators only, so that the file can be re-imported."""
    organisation = abilities.unit_for(request.user, pk, "member.administer")
    members = selectors.roster(selectors.members_visible_to(request.user), branch=organisation)
    content = render_export(members)
    audit.record(audit.Action.EXPORT, organisation=organisation, target="members roster", detail={"format": "xlsx"})
    return _xlsx(content, f"members-{organisation.code}-{timezone.localdate():%Y%m%d}.xlsx")


@login_required
@csrf_exempt
def import_start(request: HttpRequest, pk: int) -> HttpResponse:
    """Administrators import below their organisation; a secretary into their own branch.

    The size limit is enforced while the upload streams in, so the handler goes in before
    anything reads the body; the CSRF check, which reads it, follows in ``_import_page``.
    """
    organisation = abilities.unit_for(request.user, pk, "member.import")
    limiter = reader.SizeLimitedUpload(request)
    request.upload_handlers.insert(0, limiter)
    return _import_page(request, organisation, limiter)


@csrf_protect
def _import_page(request: HttpRequest, organisation: Organisation, limiter: reader.SizeLimitedUpload) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    if limiter.refused:
        form.is_valid()
        message = _("The file is over the size limit of %(limit)s MB.") % {"limit": round(limiter.limit / 1048576, 1)}
        form.errors["file"] = form.error_class([message])
    elif request.method == "POST" and form.is_valid():
        try:
            import_row = imports.import_start(
                organisation=organisation, by=request.user, upload=form.cleaned_data["file"]
            )
        except reader.FileRefused as exc:
            form.add_error("file", str(exc.args[0]))
        else:
            return redirect("members:import_detail", pk=import_row.pk)
    return render(
        request,
        "members/import_start.html",
        {
            "org": organisation,
            "form": form,
            "recent": selectors.imports_of(organisation),
            "max_rows": reader.max_rows(),
            "max_mb": round(reader.max_bytes() / 1048576, 1),
        },
    )


def _import_context(request: HttpRequest, pk: int) -> dict[str, object]:
    import_row = selectors.get_import_for(request.user, pk)
    return {"imp": import_row, "org": import_row.organisation, "statuses": ImportStatus}


@login_required
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "members/import_detail.html", _import_context(request, pk))


@login_required
def import_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The part of the page htmx polls while a job runs; it stops polling once done."""
    context = _import_context(request, pk)
    response = render(request, "members/_import_status.html", context)
    if not context["imp"].is_running and request.headers.get("HX-Request"):  # type: ignore[attr-defined]
        # Reload the whole page so that the report and the buttons appear.
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def import_commit(request: HttpRequest, pk: int) -> HttpResponse:
    import_row = selectors.get_import_for(request.user, pk)
    if imports.import_request_commit(import_row=import_row):
        messages.success(request, _("Importing: you may leave this page and come back."))
    else:
        messages.error(request, imports.import_commit_refusal(import_row=import_row))
    return redirect("members:import_detail", pk=import_row.pk)
