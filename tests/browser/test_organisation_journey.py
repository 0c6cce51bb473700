"""An administrator builds a piece of the tree and hands a branch to its secretary."""

import pytest
from playwright.sync_api import Page, expect

from branches.models import Organisation, Role, RoleAssignment
from tests.browser.conftest import sign_in
from tests.conftest import World

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_administrator_opens_a_branch_and_its_secretary_sees_only_it(
    world: World, live_server, page: Page, shoot
) -> None:
    base = live_server.url
    sign_in(page, base, "administrator")
    expect(page.locator("h1")).to_contain_text("管理员")
    shoot(page, "01-workbench")

    page.click("text=组织机构")
    expect(page.locator("ul.tree")).to_contain_text("一号项目部党支部")
    shoot(page, "02-tree")

    page.click("text=第一党总支")
    page.click("text=新建下级组织")
    page.fill("#id_code", "P3")
    page.fill("#id_name", "三号项目部党支部")
    page.select_option("#id_kind", "branch")
    page.fill("#id_work_unit", "三号项目部")
    shoot(page, "03-new-branch-form")
    page.click("button.primary")
    expect(page.locator(".messages")).to_contain_text("已创建")
    shoot(page, "04-branch-created")

    page.click("text=角色授权")
    page.fill("#id_username", "newsec")
    page.select_option("#id_role", Role.SECRETARY)
    page.fill("#id_full_name", "丙支部书记")
    page.fill("#id_password", "Long-enough-9")
    page.click("button.primary")
    expect(page.locator("table.data")).to_contain_text("丙支部书记")
    shoot(page, "05-role-granted")
    branch = Organisation.objects.get(code="P3")
    assert RoleAssignment.objects.filter(user__username="newsec", organisation=branch, role=Role.SECRETARY).exists()

    page.click("button:has-text('退出')")
    sign_in(page, base, "newsec", "Long-enough-9")
    page.click("text=组织机构")
    expect(page.locator("ul.tree")).to_contain_text("三号项目部党支部")
    expect(page.locator("ul.tree")).not_to_contain_text("一号项目部党支部")
    shoot(page, "06-secretary-sees-own-branch")

    response = page.goto(f"{base}/orgs/{world.branch_a.pk}/")
    assert response is not None and response.status == 404


def test_a_phone_sized_screen_shows_the_whole_navigation(world: World, live_server, page: Page, shoot) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server.url, "secretary_a")
    # On a phone the navigation sits behind the 菜单 button.
    page.click("#menu-toggle")
    page.locator("nav.mainnav").get_by_text("组织机构").click()
    page.wait_for_url(f"{live_server.url}/orgs/")
    page.click("#menu-toggle")
    expect(page.locator("nav.mainnav")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the page scrolls sideways on a phone"
    shoot(page, "01-phone-tree")


def test_a_user_switches_to_english_and_back(world: World, live_server, page: Page) -> None:
    sign_in(page, live_server.url, "reviewer")
    page.click("button[value=en]")
    expect(page.locator("nav.mainnav")).to_contain_text("Organisations")
    page.click("button[value=zh-hans]")
    expect(page.locator("nav.mainnav")).to_contain_text("组织机构")
