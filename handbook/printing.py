"""《基层党建工作标准化管理手册》 as a printable PDF.

Rendering 52 articles takes several seconds, too long to hold a web worker. An edition that
is not a draft never changes, so its PDF is made once per state and language by a job
(``handbook.jobs.make_edition_pdf``) and kept in storage; the page serves the stored file and,
until it exists, says it is being prepared. A draft changes under its editors and is rendered
on each request.
"""

import hashlib

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import translation

from config.pdf import render_pdf

from . import selectors
from .models import Edition

FOLDER = "handbook/pdf"


def render_edition(edition: Edition) -> bytes:
    """The PDF in the active language (it labels the tables)."""
    return render_pdf(
        "handbook/pdf/handbook.html", {"edition": edition, "parts": selectors.edition_with_articles(edition)}
    )


def stored_name(edition: Edition, language: str) -> str:
    # The state is part of the name: the cover says whether the edition is in force or retired.
    state = f"{edition.version}|{edition.status}|{edition.published_at}"
    return f"{FOLDER}/{edition.pk}-{language}-{hashlib.sha256(state.encode()).hexdigest()[:16]}.pdf"


def stored_pdf(edition: Edition, language: str) -> str | None:
    """The stored file's name, when it has been made."""
    name = stored_name(edition, language)
    return name if default_storage.exists(name) else None


def make_edition_pdf(*, edition_id: int, language: str) -> str | None:
    """Renders and stores the PDF of a published or retired edition; drops the files of its
    earlier states. Returns the stored name (None for a draft or a deleted edition)."""
    edition = Edition.objects.filter(pk=edition_id).first()
    if edition is None or edition.is_draft:
        return None
    name = stored_name(edition, language)
    if not default_storage.exists(name):
        with translation.override(language):
            content = render_edition(edition)
        if not default_storage.exists(name):  # another job may have finished meanwhile
            default_storage.save(name, ContentFile(content))
    _, files = default_storage.listdir(FOLDER)
    for other in files:
        if other.startswith(f"{edition.pk}-{language}-") and f"{FOLDER}/{other}" != name:
            default_storage.delete(f"{FOLDER}/{other}")
    return name
