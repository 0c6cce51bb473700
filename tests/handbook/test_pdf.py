"""The handbook as a PDF: Chinese text in an embedded CJK font, and no fetching from outside."""

import subprocess

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from config.pdf import StaticOnlyFetcher, render_pdf
from handbook import printing
from handbook.models import EditionStatus
from handbook.services import edition_start_draft


def _poppler(tool: str, pdf: bytes, tmp_path) -> str:
    path = tmp_path / f"{tool}.pdf"
    path.write_bytes(pdf)
    # A fixed poppler tool on a file the test wrote: no untrusted input reaches the command.
    args = [tool, str(path)] + (["-"] if tool == "pdftotext" else [])
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def _text(pdf: bytes, tmp_path) -> str:
    return _poppler("pdftotext", pdf, tmp_path)


def _fonts(pdf: bytes, tmp_path) -> str:
    return _poppler("pdffonts", pdf, tmp_path)


def _get(client, edition):
    return client.get(reverse("handbook:edition_pdf", kwargs={"pk": edition.pk}))


def _content(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_the_handbook_pdf_holds_the_article_titles_in_an_embedded_cjk_font(
    default_edition, as_role, tmp_path, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # the job runs inline, as without a worker
        _get(as_role("secretary_a"), default_edition)
    response = _get(as_role("secretary_a"), default_edition)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = _content(response)
    text = _text(pdf, tmp_path)
    assert "基层党建工作标准化管理手册" in text
    for article in default_edition.articles.all()[:52:7]:
        assert article.title[:8] in text.replace("\n", "")
    fonts = [line for line in _fonts(pdf, tmp_path).splitlines() if "CJK" in line]
    assert fonts, "no CJK font in the PDF"
    assert all(" yes " in line for line in fonts), "the CJK font is not embedded"


@pytest.fixture
def quick_render(monkeypatch):
    """The storage and job tests below need a PDF, not WeasyPrint's seconds (tested above)."""
    monkeypatch.setattr(printing, "render_edition", lambda edition: f"%PDF-1.7 {edition.status}".encode())


def test_the_pdf_is_made_by_a_job_once_then_served_from_storage(
    default_edition, as_role, django_capture_on_commit_callbacks, quick_render
):
    client = as_role("secretary_a")
    # Until the job has run, the reader gets a page that says so, and nothing is rendered.
    with django_capture_on_commit_callbacks() as queued:
        pending = _get(client, default_edition)
    assert pending.status_code == 200 and pending["Content-Type"].startswith("text/html")
    assert "being prepared" in pending.content.decode()
    assert len(queued) == 1
    with django_capture_on_commit_callbacks() as again:
        _get(client, default_edition)
    assert not again, "a reload queues the same job again"
    for callback in queued:
        callback()
    name = printing.stored_pdf(default_edition, "en")
    assert name is not None
    # Served from storage: what is stored is what the reader gets, byte for byte.
    with default_storage.open(name, "wb") as handle:
        handle.write(b"%PDF-1.7 stored copy")
    assert _content(_get(client, default_edition)) == b"%PDF-1.7 stored copy"


def test_a_retired_edition_gets_its_own_pdf_and_the_old_state_is_dropped(default_edition, quick_render):
    first = printing.make_edition_pdf(edition_id=default_edition.pk, language="en")
    default_edition.status = EditionStatus.RETIRED
    default_edition.save(update_fields=["status"])
    second = printing.make_edition_pdf(edition_id=default_edition.pk, language="en")
    assert first != second
    assert default_storage.exists(second) and not default_storage.exists(first)


def test_a_draft_is_rendered_on_each_request_and_never_stored(default_edition, as_role, world):
    draft = edition_start_draft(source=default_edition, version="2027-draft")
    assert printing.make_edition_pdf(edition_id=draft.pk, language="en") is None
    response = as_role("administrator").get(reverse("handbook:edition_pdf", kwargs={"pk": draft.pk}))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert printing.stored_pdf(draft, "en") is None


def test_the_pdf_renderer_fetches_no_file_or_remote_url(tmp_path):
    fetcher = StaticOnlyFetcher()
    for url in ("file:///etc/passwd", "https://example.com/x.png", "https://pdf.invalid/static/../../etc/passwd"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    assert fetcher.fetch("https://pdf.invalid/static/css/app.css").read().startswith(b"/*")


def test_a_stylesheet_on_the_local_disk_is_never_loaded(tmp_path, settings):
    # If the fetcher served file: URLs this stylesheet would print its content into the page.
    css = tmp_path / "evil.css"
    css.write_text('body::after { content: "TOP-SECRET-CONTENT"; }')
    (tmp_path / "t.html").write_text(
        "{% extends 'pdf/base.html' %}{% block content %}<link rel='stylesheet' href='file://"
        + str(css)
        + "'><p>正文</p>{% endblock %}"
    )
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}]
    text = _text(render_pdf("t.html", {}), tmp_path)
    assert "正文" in text
    assert "TOP-SECRET" not in text
