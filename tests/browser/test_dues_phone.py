"""The dues ledger's pages in a real browser at 1366×900 and 390×844: the month's table of
inputs stacks as cards on a phone, nothing is squeezed or scrolls sideways; the secretary
enters a base and a payment on the phone and sees the amount of its bracket."""

import datetime as dt

import pytest
from playwright.sync_api import Page

from dues.models import DuesEntry
from tests.browser.conftest import PHONE, at_both_sizes, sign_in
from tests.browser.test_list_pages_phone import MEASURE
from tests.conftest import World
from tests.dues.factories import entry_in
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _year_of(world: World, member, today: dt.date, *, owed: int = 0) -> None:
    month = today.replace(day=1)
    for i in range(1, 7):
        month = (month - dt.timedelta(days=1)).replace(day=1)
        entry_in(world.branch_a, member=member, month=month, base="8600.00", paid="0" if i <= owed else "129.00")


def test_the_dues_pages_stack_on_a_phone_and_the_month_is_entered_there(
    world: World, live_server, page: Page, shoot
) -> None:
    today = dt.date.today()
    names = ["张建国", "李秀英", "王海涛", "赵晓梅"]
    members = [MemberFactory(branch=world.branch_a, name=n) for n in names]
    _year_of(world, members[0], today)
    _year_of(world, members[1], today, owed=3)
    entry_in(world.branch_a, member=members[0], month=today.replace(day=1), base="8600.00", paid="129.00")
    base = live_server.url
    month_url = f"/dues/org/{world.branch_a.pk}/{today.year}/{today.month}/"
    pages = [
        ("month", month_url),
        ("member-dues", f"/dues/member/{members[1].pk}/"),
        ("member-page", f"/members/{members[1].pk}/"),
        ("arrears", "/dues/arrears/"),
        ("branches", "/dues/"),
        ("import", f"{month_url}import/"),
        ("workbench", "/"),
    ]
    sign_in(page, base, "secretary_a")
    problems: list[str] = []
    for name, url in pages:
        for viewport in at_both_sizes(page, f"{base}{url}", shoot, name):
            if viewport is PHONE:
                found = page.evaluate(MEASURE)
                problems += [f"{name}: squeezed {cell}" for cell in found["squeezed"]]
                problems += [f"{name}: scrolls sideways: {box}" for box in found["sideways"]]
    assert problems == [], "\n".join(problems)
    # On the phone: 王海涛's base and payment, saved; the bracket gives 1.5 %.
    page.set_viewport_size(PHONE)
    page.goto(f"{base}{month_url}")
    pk = members[2].pk
    page.fill(f"#id_m{pk}-base", "6000")
    page.fill(f"#id_m{pk}-amount_paid", "90")
    page.fill(f"#id_m{pk}-paid_on", today.isoformat())
    page.click("#dues-month button.primary")
    page.wait_for_url(f"{base}{month_url}")
    shoot(page, "month-saved-390")
    entry = DuesEntry.objects.get(member=members[2])
    assert (str(entry.amount_due), str(entry.amount_paid)) == ("90.00", "90.00")
    assert "已保存" in page.content()
    # A file with a bad row: every bad row named, nothing written.
    import io

    from openpyxl import Workbook

    from dues.excel import COLUMNS

    book = Workbook()
    book.active.append([header for _key, header in COLUMNS])
    book.active.append([members[3].pk, "别人", "在职", "三千"])
    book.active.append([members[3].pk, members[3].name, "退休", 3000])
    out = io.BytesIO()
    book.save(out)
    page.goto(f"{base}{month_url}import/")
    page.set_input_files(
        "#id_file", {"name": "dues.xlsx", "mimeType": "application/octet-stream", "buffer": out.getvalue()}
    )
    page.click("button.primary")
    page.wait_for_selector("#dues-import-errors")
    shoot(page, "import-errors-390")
    assert not DuesEntry.objects.filter(member=members[3]).exists()
