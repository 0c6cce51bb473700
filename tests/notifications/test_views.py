"""The pages: a person's notifications (read/unread, the header's count) and choices; an
administrator's group robots (stored encrypted, never shown back, a test button) and the
delivery log of their units."""

import pytest
from django.urls import reverse

from notifications.events import Channel, Event
from notifications.models import Delivery, DeliveryStatus, Preference, Robot
from notifications.services import notify
from tests.conftest import World

pytestmark = pytest.mark.django_db

SHEET = {"kind": "月工作提醒表", "period": "2026年11月", "due_count": 3, "overdue_count": 0, "period_end": "2026-11-30"}
SECRET_URL = "/robot/send?access_token=very-secret-token-1234"


def test_the_header_counts_unread_notifications_and_opening_one_reads_it(world: World, as_role) -> None:
    message = notify([world.secretary_a], Event.SHEET, SHEET, organisation=world.branch_a, link="/tasks/")
    client = as_role("secretary_a")
    page = client.get(reverse("home")).content.decode()
    assert reverse("notifications:badge") in page  # fetched after the page, by htmx
    assert ">1</span>" in client.get(reverse("notifications:badge")).content.decode()
    inbox = client.get(reverse("notifications:inbox")).content.decode()
    assert message.title in inbox
    delivery = message.deliveries.get(channel=Channel.IN_APP)
    response = client.post(reverse("notifications:open", args=[delivery.pk]))
    assert response.status_code == 302 and response["Location"] == "/tasks/"
    delivery.refresh_from_db()
    assert delivery.read_at is not None
    assert client.get(reverse("notifications:badge")).content.decode().strip() == ""


def test_nobody_opens_another_persons_notification(world: World, as_role) -> None:
    message = notify([world.secretary_a], Event.SHEET, SHEET, organisation=world.branch_a)
    delivery = message.deliveries.get()
    assert as_role("secretary_b").post(reverse("notifications:open", args=[delivery.pk])).status_code == 404
    delivery.refresh_from_db()
    assert delivery.read_at is None


def test_mark_all_as_read(world: World, as_role) -> None:
    for n in range(3):
        notify([world.member], Event.SHEET, {**SHEET, "period": f"2026-0{n + 1}"}, organisation=world.branch_a)
    as_role("member").post(reverse("notifications:read_all"))
    assert not Delivery.objects.filter(recipient=world.member, read_at__isnull=True).exists()


def test_a_person_turns_e_mail_off_for_an_event_but_not_what_the_committee_requires(world: World, as_role) -> None:
    world.secretary_a.email = "a@example.cn"
    world.secretary_a.save()
    client = as_role("secretary_a")
    page = client.get(reverse("notifications:preferences")).content.decode()
    assert 'value="supervision:email" checked disabled' in page  # required by the committee
    # Everything unticked: e-mail for sheets goes off; the required channels stay on.
    client.post(reverse("notifications:preferences"), {"on": ["feedback_ready:email"]})
    assert Preference.objects.filter(user=world.secretary_a, event=Event.SHEET, channel=Channel.EMAIL, enabled=False)
    sheet = notify([world.secretary_a], Event.SHEET, SHEET, organisation=world.branch_a)
    assert list(sheet.deliveries.values_list("channel", flat=True)) == [Channel.IN_APP]
    supervision = notify(
        [world.secretary_a],
        Event.SUPERVISION,
        {"task": "x", "due_on": "2026-11-30", "by": "y", "comment": "z"},
        organisation=world.branch_a,
    )
    assert set(supervision.deliveries.values_list("channel", flat=True)) == {Channel.IN_APP, Channel.EMAIL}


def test_an_administrator_adds_a_robot_whose_address_is_stored_encrypted_and_never_shown(
    world: World, as_role, hook
) -> None:
    client = as_role("administrator")
    url = reverse("notifications:robots", args=[world.branch_a.pk])
    response = client.post(
        url,
        {
            "kind": "dingtalk",
            "name": "一号项目部工作群",
            "url": hook.url(SECRET_URL),
            "secret": "SECabcdef123456",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    robot = Robot.objects.get()
    assert "very-secret-token" not in robot.url_encrypted and "SECabcdef" not in robot.secret_encrypted
    for page in (url, reverse("notifications:robot_edit", args=[robot.pk])):
        html = client.get(page).content.decode()
        assert "very-secret-token" not in html and "SECabcdef123456" not in html
        assert "…1234" in html  # the hint: host and last characters


def test_the_test_button_sends_a_signed_test_message_and_the_log_shows_it(world: World, as_role, hook) -> None:
    hook.secret = "SECabcdef123456"
    client = as_role("administrator")
    client.post(
        reverse("notifications:robots", args=[world.branch_a.pk]),
        {"kind": "dingtalk", "name": "工作群", "url": hook.url(), "secret": hook.secret, "is_active": "on"},
    )
    robot = Robot.objects.get()
    response = client.post(reverse("notifications:robot_test", args=[robot.pk]), follow=True)
    assert len(hook.accepted) == 1
    assert "通知测试" in hook.accepted[0].body["markdown"]["title"]
    assert Delivery.objects.get(robot=robot).status == DeliveryStatus.SENT
    assert response.status_code == 200
    log = client.get(reverse("notifications:log", args=[world.committee.pk])).content.decode()
    assert "工作群" in log


def test_the_log_shows_a_failure_with_its_reason(world: World, as_role, hook, settings) -> None:
    settings.NOTIFY_MAX_ATTEMPTS = 1
    hook.fail_first = 1
    client = as_role("administrator")
    client.post(
        reverse("notifications:robots", args=[world.branch_a.pk]),
        {"kind": "wecom", "name": "工作群", "url": hook.url(), "is_active": "on"},
    )
    client.post(reverse("notifications:robot_test", args=[Robot.objects.get().pk]))
    log = client.get(reverse("notifications:log", args=[world.branch_a.pk]), {"status": "failed"}).content.decode()
    assert "HTTP 500" in log
    assert client.get(reverse("notifications:log", args=[world.branch_a.pk]), {"status": "nonsense"}).status_code == 200


def test_a_robot_address_outside_the_allowed_hosts_is_refused_on_the_form(world: World, as_role) -> None:
    response = as_role("administrator").post(
        reverse("notifications:robots", args=[world.branch_a.pk]),
        {"kind": "wecom", "name": "x", "url": "http://169.254.169.254/latest", "is_active": "on"},
    )
    assert response.status_code == 200 and not Robot.objects.exists()


def test_another_branchs_secretary_cannot_see_the_robots_and_the_secretary_is_forbidden(world: World, as_role) -> None:
    url = reverse("notifications:robots", args=[world.branch_a.pk])
    assert as_role("secretary_b").get(url).status_code == 404
    assert as_role("secretary_a").get(url).status_code == 403
