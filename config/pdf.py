"""One way to make a PDF: ``render_pdf(template, context) -> bytes``.

WeasyPrint would otherwise fetch any URL it meets, including ``file:`` and remote ones
written into user text; the fetcher here serves our own static files and nothing else.
Fonts come from the system (fontconfig), so Chinese text needs fonts-noto-cjk installed.
"""

import logging
import mimetypes
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

# A made-up origin: relative URLs in templates resolve against it, and nothing outside it
# is ever fetched.
BASE_URL = "https://pdf.invalid/"

# WeasyPrint reports every rendering step at INFO, which would drown the application's log.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


class StaticOnlyFetcher(URLFetcher):
    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        prefix = BASE_URL + settings.STATIC_URL.lstrip("/")
        if not url.startswith(prefix):
            raise ValueError(f"PDF rendering does not fetch {url[:80]}")
        relative = url[len(prefix) :].split("?")[0].split("#")[0]
        found = finders.find(relative) if ".." not in Path(relative).parts else None
        if not found:
            raise ValueError(f"No static file {relative}")
        path = Path(found if isinstance(found, str) else found[0])
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": content_type})


def html_to_pdf(html: str) -> bytes:
    return HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher()).write_pdf()


def render_pdf(template_name: str, context: dict[str, Any]) -> bytes:
    return html_to_pdf(render_to_string(template_name, context))
