"""The notifications app's URLs in the role × URL table (see tests/url_table.py).

A person's own notifications and choices: everyone signed in (another person's item is a
404). An organisation's group robots and delivery log: its administrators."""

from notifications.events import Channel, Event
from notifications.models import Delivery, DeliveryStatus, Message, Robot
from notifications.secrets import encrypt, hint
from tests.url_table import Case, from_ability, statuses

ADMIN_OF_A = statuses(403, administrator=200, secretary_b=404, outsider=404)


def item_of_secretary_a(world: object) -> dict[str, int]:
    message = Message.objects.create(event=Event.SHEET, organisation=world.branch_a, title="t", text="t", link="/")  # type: ignore[attr-defined]
    delivery = Delivery.objects.create(
        message=message,
        channel=Channel.IN_APP,
        recipient=world.secretary_a,
        status=DeliveryStatus.SENT,  # type: ignore[attr-defined]
    )
    return {"pk": delivery.pk}


def robot_of_a(world: object) -> dict[str, int]:
    # Port 9 (discard) on the loopback: a test message fails at once, without waiting.
    url = "http://127.0.0.1:9/robot/send?access_token=x"
    robot = Robot.objects.create(
        organisation=world.branch_a,
        kind="wecom",
        name="群",
        url_encrypted=encrypt(url),
        url_hint=hint(url),  # type: ignore[attr-defined]
    )
    return {"pk": robot.pk}


URLS = {
    "notifications:inbox": Case(statuses(200)),
    "notifications:badge": Case(statuses(200)),
    "notifications:preferences": Case(statuses(200)),
    "notifications:read_all": Case(statuses(302), method="post"),
    "notifications:open": Case(statuses(404, secretary_a=302), kwargs=item_of_secretary_a, method="post"),
    "notifications:robots": Case(from_ability("notifications.configure"), kwargs=lambda w: {"pk": w.branch_a.pk}),
    "notifications:log": Case(from_ability("notifications.log"), kwargs=lambda w: {"pk": w.branch_a.pk}),
    "notifications:required": Case(from_ability("notifications.require"), kwargs=lambda w: {"pk": w.branch_a.pk}),
    "notifications:robot_edit": Case(from_ability("notifications.configure"), kwargs=robot_of_a),
    "notifications:robot_test": Case(from_ability("notifications.configure", ok=302), kwargs=robot_of_a, method="post"),
    "notifications:robot_delete": Case(
        from_ability("notifications.configure", ok=302), kwargs=robot_of_a, method="post"
    ),
}
