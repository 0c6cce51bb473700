"""A branch's reminder sheets (工作提醒表): on screen, as PDF and as xlsx."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from branches import audit

from .. import selectors
from ..exports import sheet_pdf, sheet_xlsx


@login_required
def sheet_detail(request: HttpRequest, pk: int) -> HttpResponse:
    sheet = selectors.get_sheet_for(request.user, pk)
    return render(request, "tasks/sheet.html", {"sheet": sheet})


def _download(filename: str, content_type: str, content: bytes) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def sheet_pdf_download(request: HttpRequest, pk: int) -> HttpResponse:
    sheet = selectors.get_sheet_for(request.user, pk)
    audit.record(
        audit.Action.EXPORT, organisation=sheet.branch, target=f"reminder sheet #{sheet.pk}", detail={"format": "pdf"}
    )
    return _download(*sheet_pdf(sheet))


@login_required
def sheet_xlsx_download(request: HttpRequest, pk: int) -> HttpResponse:
    sheet = selectors.get_sheet_for(request.user, pk)
    audit.record(
        audit.Action.EXPORT, organisation=sheet.branch, target=f"reminder sheet #{sheet.pk}", detail={"format": "xlsx"}
    )
    return _download(*sheet_xlsx(sheet))
