"""In a real browser: an administrator uploads a roster with a bad row, sees every problem,
uploads the corrected file, imports it and finds the members on the roster."""

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from members.models import Member
from tests.browser.conftest import (  # noqa: F401 (fixtures used by this module)
    browser_context_args,
    browser_type_launch_args,
    shoot,
    sign_in,
)
from tests.conftest import World
from tests.members.xlsx import row, xlsx

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_administrator_fixes_a_bad_row_then_imports_the_roster(
    world: World,
    live_server,
    page: Page,
    shoot,  # noqa: F811 (the fixture imported above)
    tmp_path,
) -> None:
    base = live_server.url
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(xlsx([row(), row(姓名="李四", 性别="未知", birth=dt.date(1991, 1, 2))]))
    good = tmp_path / "good.xlsx"
    good.write_bytes(xlsx([row(), row(姓名="李四", birth=dt.date(1991, 1, 2), 支部编码="B")]))

    sign_in(page, base, "administrator")
    page.goto(f"{base}/orgs/{world.committee.pk}/")
    page.click(f"a[href='/members/org/{world.committee.pk}/import/']")
    page.set_input_files("#id_file", str(bad))
    page.click("button.primary")
    expect(page.locator("table.data")).to_contain_text("性别")
    expect(page.locator("form[action$='/commit/']")).to_have_count(0)
    shoot(page, "01-bad-row-reported")
    assert Member.objects.count() == 0

    page.click(f"a[href='/members/org/{world.committee.pk}/import/']")
    page.set_input_files("#id_file", str(good))
    page.click("button.primary")
    shoot(page, "02-preview")
    page.click("form[action$='/commit/'] button")
    expect(page.locator(f"a[href='/members/org/{world.committee.pk}/']")).to_be_visible()
    shoot(page, "03-imported")
    assert Member.objects.count() == 2

    page.click(f"a[href='/members/org/{world.committee.pk}/']")
    expect(page.locator("table.data")).to_contain_text("李四")
    shoot(page, "04-roster")


def test_an_administrator_transfers_a_member_and_the_secretary_sees_a_masked_id(
    world: World,
    live_server,
    page: Page,
    shoot,  # noqa: F811 (the fixture imported above)
) -> None:
    from tests.factories import MemberFactory

    member = MemberFactory(branch=world.branch_a, name="赵敏")
    base = live_server.url
    sign_in(page, base, "administrator")
    page.goto(f"{base}/members/{member.pk}/")
    expect(page.locator("dl.facts")).to_contain_text(member.id_number)
    page.click(f"a[href='/members/{member.pk}/transfer/']")
    page.check("input[name=action][value=transfer]")
    page.select_option("#id_to_branch", str(world.branch_b.pk))
    page.fill("#id_reason", "工作调动")
    shoot(page, "01-transfer-form")
    page.click("button.primary")
    expect(page.locator("table.data")).to_contain_text("工作调动")
    shoot(page, "02-history")

    page.click("button:has-text('退出')")
    sign_in(page, base, "secretary_b")
    page.goto(f"{base}/members/{member.pk}/")
    expect(page.locator("dl.facts")).to_contain_text(member.masked_id_number)
    expect(page.locator("dl.facts")).not_to_contain_text(member.id_number)
    shoot(page, "03-secretary-sees-masked-id")
