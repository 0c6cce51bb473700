"""The monthly arrears job: each member in arrears told to their branch's secretaries and,
in the platform, to themselves; once per member and month, however often the job runs."""

import datetime as dt

import pytest
from django.urls import reverse

from dues.jobs import send_arrears_reminders
from notifications.events import Channel, Event
from notifications.models import Delivery, Message
from tests.conftest import World
from tests.dues.factories import entry_in
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 5)


def _owing(world: World, months: int, *, user=None, name: str = "欠费党员"):
    member = MemberFactory(branch=world.branch_a, name=name, user=user)
    for i in range(6):
        entry_in(world.branch_a, member=member, month=dt.date(2026, 10 - i, 1), paid="0" if i < months else "48.00")
    # This month's dues are not late yet.
    entry_in(world.branch_a, member=member, month=dt.date(2026, 11, 1))
    return member


def test_the_job_tells_the_secretary_and_the_member_once_per_member_and_month(world: World) -> None:
    world.secretary_a.email = "a@example.cn"
    world.secretary_a.save()
    member = _owing(world, 3, user=world.member)
    _owing(world, 2, name="只欠两月")  # not yet in arrears

    assert send_arrears_reminders(on=TODAY.isoformat()) == 1
    assert send_arrears_reminders(on=TODAY.isoformat()) == 0  # run twice: nobody told again

    told = Message.objects.get(event=Event.DUES_ARREARS)
    assert told.key == f"dues_arrears:{member.pk}:2026-11"
    assert told.organisation == world.branch_a
    assert told.link == reverse("dues:member", args=[member.pk])
    assert "欠费党员" in told.title and "3个月" in told.title
    assert "一号项目部党支部" in told.text and "144.00元" in told.text  # 3 × 48.00 owed
    assert set(told.deliveries.values_list("recipient__username", "channel")) == {
        (world.secretary_a.username, Channel.IN_APP),
        (world.secretary_a.username, Channel.EMAIL),
    }
    own = Message.objects.get(event=Event.DUES_ARREARS_OWN)
    assert list(own.deliveries.values_list("recipient", "channel")) == [(world.member.pk, Channel.IN_APP)]
    assert "您" in own.title
    # No group chat hears about a person's arrears.
    assert not Delivery.objects.filter(robot__isnull=False).exists()


def test_next_month_the_member_still_in_arrears_is_told_again(world: World) -> None:
    _owing(world, 3)
    send_arrears_reminders(on=TODAY.isoformat())
    send_arrears_reminders(on="2026-12-05")
    assert Message.objects.filter(event=Event.DUES_ARREARS).count() == 2


def test_nobody_is_told_when_nobody_is_in_arrears(world: World) -> None:
    _owing(world, 2, user=world.member)
    assert send_arrears_reminders(on=TODAY.isoformat()) == 0
    assert not Message.objects.exists()
    assert not Delivery.objects.exists()


def test_the_job_is_on_the_beat_schedule_monthly() -> None:
    from config.beat import BEAT_SCHEDULE

    entry = BEAT_SCHEDULE["dues-arrears"]
    assert entry["task"] == "dues.jobs.send_arrears_reminders"
    assert entry["schedule"].day_of_month == {5}
