"""An administrator's set-up of an organisation's group robots (WeCom / DingTalk)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from branches import abilities
from branches.models import Organisation, User

from .channels.robots import allowed_host
from .models import Delivery, Robot
from .secrets import encrypt, hint


@transaction.atomic
def robot_save(
    *,
    organisation: Organisation,
    by: User,
    kind: str,
    name: str,
    url: str = "",
    secret: str = "",
    clear_secret: bool = False,
    include_below: bool = False,
    is_active: bool = True,
    robot: Robot | None = None,
) -> Robot:
    """Adds a robot, or changes one: an empty address or secret keeps the stored one."""
    abilities.require(by, "notifications.configure", organisation)
    url, secret = url.strip(), secret.strip()
    if robot is None:
        robot = Robot(organisation=organisation, created_by=by)
        if not url:
            raise ValidationError({"url": _("Enter the robot's webhook address.")})
    if url:
        if not allowed_host(url):
            raise ValidationError(
                {"url": _("This address is not a WeCom or DingTalk robot address this platform may call.")}
            )
        robot.url_encrypted, robot.url_hint = encrypt(url), hint(url)
    if secret:
        robot.secret_encrypted = encrypt(secret)
    elif clear_secret:
        robot.secret_encrypted = ""
    robot.kind, robot.name = kind, name.strip()
    robot.include_below, robot.is_active = include_below, is_active
    robot.full_clean()
    robot.save()
    return robot


@transaction.atomic
def robot_delete(*, robot: Robot, by: User) -> None:
    abilities.require(by, "notifications.configure", robot.organisation)
    robot.delete()


def robot_test(*, robot: Robot, by: User) -> Delivery:
    """The test button: one test message to this robot alone, sent at once so that the
    administrator reads the outcome (its queued job then finds it sent and does nothing)."""
    from .events import Event
    from .services import delivery_send, notify

    abilities.require(by, "notifications.configure", robot.organisation)
    message = notify(
        [], Event.TEST, {"by": str(by), "robot": robot.name}, organisation=robot.organisation, link="/", robots=[robot]
    )
    delivery = message.deliveries.get()  # type: ignore[union-attr]
    delivery_send(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    return delivery
