"""Reminder sheets (党建 日/月/季/半年 工作提醒表) over the REST API: ``/api/v1/reminder-sheets/``.

Read through ``tasks.selectors`` (a branch's sheets: its administrators, reviewers and
secretaries; another branch's sheet 404, a plain member 403). A sheet is JSON by default and
a download with ``?format=pdf`` or ``?format=xlsx`` (or ``Accept: application/pdf`` / the
xlsx type), made by the same renderers as the web page's downloads and recorded in the audit
log alike. Errors are JSON whatever format was asked for.
"""

from typing import Any

from django.db.models import QuerySet
from django.utils.http import content_disposition_header
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import filters, viewsets
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from branches import abilities, audit
from config.api.schema import ID_LOOKUP_REGEX

from .. import selectors
from ..exports import sheet_pdf, sheet_xlsx
from ..models import ReminderSheet
from .filters import SheetFilter
from .serializers import ReminderSheetDetailSerializer, ReminderSheetSerializer

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class _DownloadRenderer(BaseRenderer):
    """Chosen by ``?format=`` or Accept; the view hands it the file's bytes, which it passes on."""

    charset = None

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> bytes:
        return data


class PdfRenderer(_DownloadRenderer):
    media_type = "application/pdf"
    format = "pdf"


class XlsxRenderer(_DownloadRenderer):
    media_type = XLSX
    format = "xlsx"


EXPORTS = {"pdf": sheet_pdf, "xlsx": sheet_xlsx}


@extend_schema_view(
    list=extend_schema(
        summary="The reminder sheets of the branches the user may see, filtered, ordered and paged",
    ),
    retrieve=extend_schema(
        summary="One reminder sheet with its lines; or the sheet as PDF or xlsx",
        description=(
            "JSON by default. `?format=pdf` or `?format=xlsx` (or the Accept header) downloads the "
            "sheet as an attachment, the same file as the web page's download."
        ),
        parameters=[
            OpenApiParameter(
                "format", str, enum=["json", "pdf", "xlsx"], required=False, description="json unless given."
            )
        ],
        responses={
            (200, "application/json"): ReminderSheetDetailSerializer,
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY),
            (200, XLSX): OpenApiResponse(OpenApiTypes.BINARY),
        },
    ),
)
class ReminderSheetViewSet(viewsets.GenericViewSet):
    """党建工作提醒表: what each branch must do in a period, and what is overdue."""

    serializer_class = ReminderSheetSerializer
    renderer_classes = [JSONRenderer, PdfRenderer, XlsxRenderer]
    filter_backends = [DjangoFilterBackend, filters.OrderingFilter]
    filterset_class = SheetFilter
    ordering_fields = ["period_start", "created_at", "sent_at", "kind"]
    ordering = ["-period_start", "kind", "pk"]
    lookup_value_regex = ID_LOOKUP_REGEX

    def get_queryset(self) -> QuerySet[ReminderSheet]:
        return selectors.sheets_visible_to(self.request.user).select_related("branch")

    def get_renderers(self) -> list[BaseRenderer]:
        # Only a sheet downloads; the schema documents the downloads on their own (see above).
        if self.action == "retrieve" and not getattr(self, "swagger_fake_view", False):
            return super().get_renderers()
        return [JSONRenderer()]

    def handle_exception(self, exc: Exception) -> Response:
        # An error is JSON even when a PDF or xlsx was asked for.
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return super().handle_exception(exc)

    def list(self, request: Request) -> Response:
        abilities.require(request.user, "sheet.view")
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        sheet = selectors.get_sheet_for(request.user, int(pk))
        export = EXPORTS.get(request.accepted_renderer.format)
        if export is None:
            return Response(ReminderSheetDetailSerializer(sheet).data)
        audit.record(
            audit.Action.EXPORT,
            actor=request.user,
            organisation=sheet.branch,
            target=f"reminder sheet #{sheet.pk}",
            detail={"format": request.accepted_renderer.format},
        )
        filename, content_type, content = export(sheet)
        response = Response(content, content_type=content_type)
        response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
        return response
