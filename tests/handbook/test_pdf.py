"""The handbook as a PDF: Chinese text in an embedded CJK font, and no fetching from outside."""

import subprocess

import pytest
from django.urls import reverse

from config.pdf import StaticOnlyFetcher, render_pdf


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


def test_the_handbook_pdf_holds_the_article_titles_in_an_embedded_cjk_font(default_edition, as_role, tmp_path):
    response = as_role("secretary_a").get(reverse("handbook:edition_pdf", kwargs={"pk": default_edition.pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = _text(response.content, tmp_path)
    assert "基层党建工作标准化管理手册" in text
    for article in default_edition.articles.all()[:52:7]:
        assert article.title[:8] in text.replace("\n", "")
    fonts = [line for line in _fonts(response.content, tmp_path).splitlines() if "CJK" in line]
    assert fonts, "no CJK font in the PDF"
    assert all(" yes " in line for line in fonts), "the CJK font is not embedded"


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
