"""An article's example on a phone and a desk, in a real browser: its "|" tables are tables
that scroll sideways in their own box while the page does not, no cell is squeezed, and the
fill-in form downloads as an xlsx file."""

import pytest
from playwright.sync_api import Page

from handbook.models import Edition
from tests.browser.conftest import DESKTOP, PHONE, sign_in
from tests.conftest import World

pytestmark = pytest.mark.django_db(transaction=True)

MEASURE = """() => {
  const root = document.documentElement;
  const squeezed = [];
  for (const cell of document.querySelectorAll('.hb-example-table td, .hb-example-table th')) {
    const style = getComputedStyle(cell);
    const inner = cell.getBoundingClientRect().width - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    if (inner < 2 * parseFloat(style.fontSize) - 1) squeezed.push(cell.textContent.trim().slice(0, 20));
  }
  const boxes = [...document.querySelectorAll('.hb-example-scroll')];
  const link = document.querySelector('a[href$="fill-in.xlsx"]');
  return {
    page: root.scrollWidth - root.clientWidth,
    scrolling: boxes.filter(b => b.scrollWidth > b.clientWidth + 1).length,
    boxes: boxes.length,
    squeezed,
    link: link ? link.getBoundingClientRect().height : 0,
  };
}"""


def test_example_tables_scroll_in_their_own_box_on_a_phone_and_the_form_downloads(
    world: World, default_edition: Edition, live_server, page: Page, shoot
) -> None:
    base = live_server.url
    sign_in(page, base, "secretary_a")
    found = {}
    for code, name in (("3-02", "wide-table"), ("1-06", "table"), ("1-04", "paragraphs")):
        article = default_edition.articles.get(code=code)
        for size, viewport in (("1366", DESKTOP), ("390", PHONE)):
            page.set_viewport_size(viewport)
            response = page.goto(f"{base}/handbook/articles/{article.pk}/")
            assert response is not None and response.status == 200
            page.locator(".hb-example").scroll_into_view_if_needed()
            shoot(page, f"{code}-{name}-{size}")
            page.screenshot(path=str(shoot.folder / f"{code}-{name}-{size}-screen.png"))
            found[(code, size)] = page.evaluate(MEASURE)
    for (code, size), measured in found.items():
        assert measured["page"] <= 1, f"{code} at {size} scrolls sideways by {measured['page']}px"
        assert measured["squeezed"] == [], f"{code} at {size}: squeezed {measured['squeezed']}"
        assert measured["link"] >= 44, f"{code} at {size}: the download link is {measured['link']}px tall"
    assert found[("3-02", "390")]["boxes"] == 1 and found[("3-02", "390")]["scrolling"] == 1
    assert found[("1-04", "390")]["boxes"] == 0
    assert found[("1-06", "1366")]["scrolling"] == 0
    # The download: an xlsx file named for the article.
    with page.expect_download() as download:
        page.click('a[href$="fill-in.xlsx"]')
    assert download.value.suggested_filename == "1-04-谈心谈话制度-填写表.xlsx"
