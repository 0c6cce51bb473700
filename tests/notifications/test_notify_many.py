"""notify_many(): the same messages and deliveries as notify() one by one, in a few queries
whatever their number (a reminder sheet to every branch)."""

import pytest
from django.db import connection

from branches.models import User
from notifications.events import Channel, Event
from notifications.models import ChannelRule, Delivery, Message, Preference, Robot
from notifications.secrets import encrypt, hint
from notifications.services import Notice, notify, notify_many
from tests.conftest import World
from tests.factories import make_org

pytestmark = pytest.mark.django_db

SHEET = {"kind": "月工作提醒表", "period": "2026年11月", "due_count": 5, "overdue_count": 1, "period_end": "2026-11-30"}


def _robot(org, *, include_below: bool = False) -> Robot:
    url = "http://127.0.0.1:9/robot/send?access_token=x"
    return Robot.objects.create(
        organisation=org,
        kind="wecom",
        name="群",
        url_encrypted=encrypt(url),
        url_hint=hint(url),
        include_below=include_below,
    )


def _outcome() -> list[tuple]:
    """Every message with its deliveries, comparable between two runs."""
    rows = []
    for message in Message.objects.order_by("key"):
        deliveries = sorted(
            (d.channel, d.recipient_id, d.robot_id, d.address, d.status) for d in message.deliveries.all()
        )
        rows.append((message.key, message.organisation_id, message.title, message.text, message.link, deliveries))
    return rows


def _notices(world: World) -> list[Notice]:
    return [
        Notice([world.secretary_a], SHEET, world.branch_a, "/tasks/sheets/1/", "sheet:1"),
        Notice([world.secretary_b, world.member], SHEET, world.branch_b, "/tasks/sheets/2/", "sheet:2"),
        Notice([], SHEET, world.branch_b, "/tasks/sheets/3/", "sheet:3"),
    ]


@pytest.fixture
def varied(world: World) -> World:
    """An address, a person who turned e-mail off, a rule above one branch, robots."""
    for user, email in ((world.secretary_a, "a@example.cn"), (world.secretary_b, "b@example.cn")):
        user.email = email
        user.save(update_fields=["email"])
    world.member.email = "m@example.cn"
    world.member.save(update_fields=["email"])
    Preference.objects.create(user=world.secretary_b, event=Event.SHEET, channel=Channel.EMAIL, enabled=False)
    ChannelRule.objects.create(organisation=world.general, event=Event.SHEET, required=["in_app", "email"])
    _robot(world.branch_a)
    _robot(world.committee, include_below=True)
    _robot(world.general)  # not shared below: the branches do not get it
    return world


def test_many_at_once_make_what_one_by_one_makes(varied: World) -> None:
    for n in _notices(varied):
        notify(n.recipients, Event.SHEET, n.context, organisation=n.organisation, link=n.link, key=n.key)
    one_by_one = _outcome()
    Delivery.objects.all().delete()
    Message.objects.all().delete()
    assert notify_many(Event.SHEET, _notices(varied)) == 3
    assert _outcome() == one_by_one
    # Sanity: the rule above forced e-mail on the secretary who had turned it off.
    assert Delivery.objects.filter(recipient=varied.secretary_b, channel=Channel.EMAIL).exists()
    assert Delivery.objects.filter(message__key="sheet:1", robot__isnull=False).count() == 2


def test_a_key_already_told_is_skipped(varied: World) -> None:
    notify([varied.secretary_a], Event.SHEET, SHEET, organisation=varied.branch_a, key="sheet:1")
    assert notify_many(Event.SHEET, _notices(varied)) == 2
    assert Message.objects.filter(key="sheet:1").count() == 1
    assert notify_many(Event.SHEET, _notices(varied)) == 0


class Queries:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def test_queries_do_not_grow_with_the_messages(varied: World) -> None:
    def run(notices: list[Notice]) -> int:
        counter = Queries()
        with connection.execute_wrapper(counter):
            notify_many(Event.SHEET, notices)
        return counter.count

    few = run(_notices(varied))
    notices = []
    for n in range(20):
        branch = make_org(varied.general, code=f"M{n}")
        user = User.objects.create(username=f"m{n}", email=f"m{n}@example.cn")
        notices.append(Notice([user], SHEET, branch, f"/tasks/sheets/{10 + n}/", f"sheet:{10 + n}"))
    assert run(notices) == few
    assert Message.objects.count() == 23
