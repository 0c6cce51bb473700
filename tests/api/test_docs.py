"""/api/docs/: Swagger UI from vendored files, working under the site's CSP."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

VENDOR = Path(settings.BASE_DIR) / "static" / "vendor" / "swagger-ui-dist-5.35.0"


def test_the_docs_page_has_no_inline_script_or_style(db: None) -> None:
    response = Client().get(reverse("api:docs"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "script-src 'self'" in response["Content-Security-Policy"]
    scripts = re.findall(r"<script([^>]*)>", html)
    assert scripts
    assert all("src=" in attributes for attributes in scripts)
    assert "<style" not in html
    # Every script and style sheet comes from this site: no CDN.
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert "/static/vendor/swagger-ui-dist-5.35.0/swagger-ui-bundle.js" in sources
    assert all(source.startswith(("/static/", "/api/docs/")) for source in sources), sources


def test_the_start_up_script_is_served_as_javascript(db: None) -> None:
    response = Client().get(reverse("api:docs"), {"script": ""})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in response.content.decode()
    assert "/api/schema/" in response.content.decode()


def test_the_vendored_files_are_there_with_their_licence() -> None:
    for name in ["LICENSE", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "swagger-ui.css"]:
        assert (VENDOR / name).is_file(), name


@pytest.mark.browser
def test_the_docs_page_renders_in_a_real_browser_without_csp_violations(live_server: object) -> None:
    from playwright.sync_api import sync_playwright

    problems: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page()
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.goto(f"{live_server.url}/api/docs/")  # type: ignore[attr-defined]
        page.wait_for_selector("text=/api/v1/organisations/", timeout=20000)
        title = page.inner_text(".information-container .title")
        browser.close()
    assert "Party Branch Standardization API" in title
    assert problems == []
