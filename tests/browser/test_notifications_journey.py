"""A secretary reads the header's unread count and the notifications; an administrator sets
up a group robot, presses the test button and reads the delivery log — at desk and phone
widths."""

import pytest
from playwright.sync_api import Page, expect

from notifications.events import Event
from notifications.services import notify
from tests.browser.conftest import sign_in
from tests.conftest import World
from tests.notifications.conftest import hook  # noqa: F401 - the local webhook server

pytestmark = pytest.mark.django_db(transaction=True)

SIZES = {"desk": (1366, 900), "phone": (390, 844)}


def _tell(world: World) -> None:
    sheet = {
        "kind": "月工作提醒表",
        "period": "2026-11",
        "due_count": 6,
        "overdue_count": 1,
        "period_end": "2026-11-30",
    }
    notify([world.secretary_a], Event.SHEET, sheet, organisation=world.branch_a, link="/tasks/")
    notify(
        [world.secretary_a],
        Event.SUPERVISION,
        {
            "task": "“三会一课”制度",
            "due_on": "2026-11-25",
            "by": "考核员",
            "comment": "请本周内补齐支委会记录并上传签到表",
        },
        organisation=world.branch_a,
        link="/tasks/",
    )
    notify(
        [world.secretary_a],
        Event.RECTIFICATION_DUE,
        {"code": "1-02", "deadline": "2026-12-03", "days": 3, "owner": "甲支部书记"},
        organisation=world.branch_a,
        link="/tasks/",
    )


@pytest.mark.parametrize("size", SIZES)
def test_the_header_counts_unread_and_an_administrator_sets_up_a_robot(
    live_server,
    page: Page,
    shoot,
    world: World,
    hook,  # noqa: F811
    size: str,
    settings,
) -> None:
    settings.NOTIFY_MAX_ATTEMPTS = 1
    width, height = SIZES[size]
    page.set_viewport_size({"width": width, "height": height})
    base = live_server.url
    _tell(world)

    sign_in(page, base, "secretary_a")
    expect(page.locator(".nt-link .nt-badge")).to_have_text("3")
    shoot(page, f"{size}-01-header-count")
    page.click(".nt-link")
    expect(page.locator(".nt-item.unread")).to_have_count(3)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shoot(page, f"{size}-02-inbox")
    page.goto(f"{base}/notifications/preferences/")
    assert page.evaluate("document.documentElement.scrollWidth") <= width or size == "phone"
    shoot(page, f"{size}-03-preferences")
    if size == "phone":  # sign out is in the header's menu
        page.click("#menu-toggle")
    page.click("form[action='/accounts/logout/'] button")

    sign_in(page, base, "administrator")
    page.goto(f"{base}/notifications/org/{world.branch_a.pk}/robots/")
    page.select_option("#id_kind", "dingtalk")
    page.fill("#id_name", "一号项目部工作群")
    page.fill("#id_url", hook.url("/robot/send?access_token=0f1e2d3c4b5a69788796a5b4c3d2e1f0"))
    hook.secret = "SEC7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c"
    page.fill("#id_secret", hook.secret)
    page.click("form:has(#id_kind) button.primary")
    expect(page.locator(".nt-robots li")).to_have_count(1)
    page.click(".nt-robots button:has-text('发送测试消息')")
    expect(page.locator(".msg")).to_contain_text("测试消息已发送")
    assert len(hook.accepted) == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shoot(page, f"{size}-04-robots")
    hook.fail_first = len(hook.received) + 1
    page.click(".nt-robots button:has-text('发送测试消息')")
    expect(page.locator(".msg")).to_contain_text("测试消息发送失败")
    page.goto(f"{base}/notifications/org/{world.committee.pk}/log/")
    expect(page.locator(".nt-log tbody tr")).to_have_count(2)
    shoot(page, f"{size}-05-delivery-log")
