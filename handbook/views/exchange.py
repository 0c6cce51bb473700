"""Exchanging the handbook in the browser: download an edition as JSON or xlsx, and (for
administrators) upload a company's own handbook as a new draft."""

import json
from urllib.parse import quote

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from branches import audit

from .. import selectors, services
from ..exchange import edition_to_dict
from ..xlsx import handbook_to_xlsx, xlsx_to_handbook

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Handbook file (.json or .xlsx, the export format)"))
    version = forms.CharField(
        label=gettext_lazy("Store as version"),
        max_length=32,
        required=False,
        help_text=gettext_lazy("Leave empty to use the version written in the file."),
    )


@login_required
def edition_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    edition = selectors.get_edition_for(request.user, pk)
    data = edition_to_dict(edition)
    if fmt == "json":
        content, content_type = json.dumps(data, ensure_ascii=False, indent=2).encode(), "application/json"
    elif fmt == "xlsx":
        content, content_type = handbook_to_xlsx(data), XLSX_TYPE
    else:
        raise Http404
    audit.record(audit.Action.EXPORT, target=f"handbook {edition.version}", detail={"format": fmt})
    response = HttpResponse(content, content_type=content_type)
    filename = quote(f"{edition.title}-{edition.version}.{fmt}")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


@login_required
def edition_upload(request: HttpRequest) -> HttpResponse:
    """Every problem of the file is listed and nothing is written until it is clean."""
    selectors.require_reader(request.user)
    selectors.require_editor(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > settings.UPLOAD_MAX_BYTES:
                raise ValidationError(_("The file is too large."))
            if upload.name.lower().endswith(".xlsx"):
                data = xlsx_to_handbook(upload)
            else:
                try:
                    data = json.loads(upload.read().decode("utf-8"))
                except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                    raise ValidationError(_("The file is neither valid JSON nor an .xlsx workbook.")) from exc
            edition = services.edition_import(
                data=data, version=form.cleaned_data["version"] or None, created_by=request.user
            )
        except ValidationError as exc:
            problems = exc.messages
        else:
            messages.success(request, _("Imported as draft %(version)s.") % {"version": edition.version})
            return redirect("handbook:edition", pk=edition.pk)
    return render(request, "handbook/import.html", {"form": form, "problems": problems})
