"""The meeting record's "打印 / PDF" link in a real browser at 1366×900 and 390×844: it is
there, a touch target, nothing on the page scrolls sideways, and it downloads the PDF."""

import datetime as dt
from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import DESKTOP, PHONE, sign_in
from tests.browser.test_list_pages_phone import MEASURE
from tests.conftest import World
from tests.factories import make_meeting

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_record_page_links_its_pdf_on_a_desk_and_a_phone(world: World, live_server, page: Page, shoot) -> None:
    from handbook.services import load_default_edition

    load_default_edition()
    meeting = make_meeting(world.branch_a, members=6, absent=2, resolutions=2)
    row = meeting.attendance.filter(present=False).order_by("pk").first()
    row.makeup_on, row.makeup_note = dt.date.today(), "书记带学会议精神"
    row.save()
    sign_in(page, live_server.url, "secretary_a")
    problems: list[str] = []
    for size, viewport in (("1366", DESKTOP), ("390", PHONE)):
        page.set_viewport_size(viewport)
        response = page.goto(f"{live_server.url}/meetings/{meeting.pk}/")
        assert response is not None and response.status == 200
        link = page.locator("#mt-pdf")
        assert link.is_visible()
        box = link.bounding_box()
        assert box is not None and box["height"] >= 44, box
        shoot(page, f"detail-{size}")
        if viewport is PHONE:
            found = page.evaluate(MEASURE)
            problems += [f"squeezed {cell}" for cell in found["squeezed"]]
            problems += [f"scrolls sideways: {box}" for box in found["sideways"]]
    assert problems == [], "\n".join(problems)
    with page.expect_download() as download:
        page.locator("#mt-pdf").click()
    path = download.value.path()
    assert path is not None
    content = Path(path).read_bytes()
    assert content.startswith(b"%PDF")
    (shoot.folder / "record.pdf").write_bytes(content)
