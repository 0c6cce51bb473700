"""Correcting a meeting record in a real browser, on a phone and on a desk: the record's page
with its correction link and add-file control, the edit form with an error beside the field,
then a photo added later; and a resolution corrected: "更正" beside the open resolution (a
44 px target), its form with an error beside the field, the corrected row on the record."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from meetings.models import Meeting
from meetings.services import Absence, ResolutionInput, meeting_record
from tests.browser.conftest import sign_in
from tests.conftest import World
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db(transaction=True)

SIZES = {"phone": {"width": 390, "height": 844}, "desk": {"width": 1366, "height": 900}}


def _meeting(world: World, *, with_resolutions: bool = False) -> Meeting:
    roster = [MemberFactory(branch=world.branch_a, name=name) for name in ("王芳", "李强", "赵敏", "孙杰")]
    resolutions = [
        ResolutionInput(text="十二月底前完成党费收缴", owner_member=roster[2], due_on=timezone.localdate()),
        ResolutionInput(text="组织学习新修订的条例", owner_member=roster[3]),
    ]
    return meeting_record(
        branch=world.branch_a,
        by=world.secretary_a,
        kind="committee",
        held_at=timezone.localtime().replace(hour=9, minute=30, second=0, microsecond=0) - dt.timedelta(days=1),
        place="项目部会议室",
        topics="传达上级会议精神",
        host=roster[0],
        absences=[Absence(member=roster[1], reason="出差")],
        resolutions=resolutions if with_resolutions else [],
    )


@pytest.mark.parametrize("size", sorted(SIZES))
def test_the_secretary_corrects_a_record_and_adds_a_photo_later(
    world: World, live_server, page: Page, shoot, tmp_path, size: str
) -> None:
    meeting = _meeting(world)
    base = live_server.url
    page.set_viewport_size(SIZES[size])
    sign_in(page, base, "secretary_a")
    page.goto(f"{base}/meetings/{meeting.pk}/")
    expect(page.locator("#mt-files")).to_contain_text("尚无照片或文件")
    shoot(page, f"01-detail-{size}")

    page.click("#mt-correct a")
    expect(page.locator("#id_topics")).to_have_value("传达上级会议精神")
    page.uncheck(f"#id_present_{meeting.attendance.get(member__name='赵敏').member_id}")
    page.fill("#id_topics", "传达上级会议精神并研究落实措施")
    page.click("button[type=submit].primary")
    expect(page.locator(".has-error .error")).to_contain_text("赵敏")
    expect(page.locator("#id_topics")).to_have_value("传达上级会议精神并研究落实措施")
    shoot(page, f"02-edit-error-{size}")

    page.fill(f"#id_reason_{meeting.attendance.get(member__name='赵敏').member_id}", "病假")
    page.click("button[type=submit].primary")
    expect(page.locator("#mt-rate")).to_contain_text("50.0%")

    photo = tmp_path / "会议照片.png"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 32)
    page.set_input_files("#mt-files input[type=file]", str(photo))
    page.click("#mt-files button[type=submit].primary")
    expect(page.locator("#mt-files")).to_contain_text("会议照片.png")
    remove = page.locator("#mt-files form.inline button")
    box = remove.bounding_box()
    assert box and box["height"] >= 44 and box["width"] >= 44
    shoot(page, f"03-detail-with-file-{size}")
    page.goto(f"{base}/meetings/{meeting.pk}/edit/")
    page.set_viewport_size(SIZES[size])
    shoot(page, f"04-edit-{size}")


@pytest.mark.parametrize("size", sorted(SIZES))
def test_the_secretary_corrects_a_resolution(world: World, live_server, page: Page, shoot, size: str) -> None:
    meeting = _meeting(world, with_resolutions=True)
    first = meeting.resolutions.order_by("pk").first()
    base = live_server.url
    page.set_viewport_size(SIZES[size])
    sign_in(page, base, "secretary_a")
    page.goto(f"{base}/meetings/{meeting.pk}/")
    link = page.locator(f"a[href='/meetings/resolutions/{first.pk}/edit/']")
    expect(link).to_have_text("更正")
    assert link.bounding_box()["height"] >= 44
    shoot(page, f"01-detail-{size}")

    link.click()
    expect(page.locator("h1")).to_have_text("更正决议事项")
    expect(page.locator("#id_text")).to_have_value("十二月底前完成党费收缴")
    page.fill("#id_text", "")
    page.click("form button.primary")
    expect(page.locator(".field.has-error .error")).to_have_text("该字段为必填项。")
    shoot(page, f"02-error-{size}")

    page.fill("#id_text", "一月十日前完成党费收缴并公示")
    page.select_option("#id_owner_member", label="孙杰")
    page.fill("#id_due_on", "2027-01-10")
    page.click("form button.primary")
    page.wait_for_url(f"{base}/meetings/{meeting.pk}/")
    row = page.locator("#mt-resolutions tbody tr").first
    expect(row).to_contain_text("一月十日前完成党费收缴并公示")
    expect(row).to_contain_text("孙杰")
    expect(row).to_contain_text("2027-01-10")
    assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size]["width"]
    shoot(page, f"03-corrected-{size}")
