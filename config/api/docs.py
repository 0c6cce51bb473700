"""``/api/schema/`` (OpenAPI 3) and ``/api/docs/`` (Swagger UI from
``static/vendor/swagger-ui-dist-*``, no CDN).

The split view serves its start-up script as a separate same-origin request
(``/api/docs/?script``) instead of an inline ``<script>``, so the page runs under the site's
Content-Security-Policy (``script-src 'self'``); the template keeps its styles in a file.
"""

from typing import Any

from django.utils import translation
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.request import Request
from rest_framework.response import Response


class SchemaView(SpectacularAPIView):
    """The schema is read by developers: in English unless ``?lang=zh-hans`` asks otherwise."""

    @extend_schema(exclude=True)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if request.GET.get("lang"):
            return super().get(request, *args, **kwargs)
        with translation.override("en"):
            return super().get(request, *args, **kwargs)


class DocsView(SpectacularSwaggerSplitView):
    template_name = "api/swagger_ui.html"
    url_name = "api:schema"
    title = "Party Branch Standardization API"
