"""Putting a person on the roster: the history's "entered the roll" row (登记入册) is dated today,
or the day the registration took effect when the caller gives it — never in the future, never
before the member joined — and the member's own join date is left as given."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from members import services
from members.models import Member, TransferKind
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def _fields(**changes) -> dict:
    probe = MemberFactory.build()
    fields = {
        "name": "新党员",
        "gender": probe.gender,
        "birth_date": probe.birth_date,
        "id_number": probe.id_number,
        "category": "probationary",
        "joined_on": timezone.localdate() - dt.timedelta(days=40),
        "full_member_on": None,
    }
    return {**fields, **changes}


def _entered(member: Member) -> dt.date:
    return member.transfers.get(kind=TransferKind.JOINED).on


def test_the_entry_on_the_roll_is_dated_today_by_default(world) -> None:
    member = services.member_create(branch=world.branch_a, by=world.administrator, **_fields())
    assert _entered(member) == timezone.localdate()


def test_the_entry_on_the_roll_is_dated_the_day_given_and_the_join_date_is_kept(world) -> None:
    joined = timezone.localdate() - dt.timedelta(days=40)
    approved = timezone.localdate() - dt.timedelta(days=10)
    member = services.member_create(branch=world.branch_a, by=None, on=approved, **_fields(joined_on=joined))
    assert _entered(member) == approved
    member.refresh_from_db()
    assert member.joined_on == joined


@pytest.mark.parametrize(
    ("days", "message"),
    [
        (-1, "登记入册日期不能晚于今天。"),
        (41, "登记入册日期不能早于入党日期。"),
    ],
)
def test_a_future_date_or_one_before_joining_is_refused_and_nothing_is_written(world, days, message) -> None:
    on = timezone.localdate() - dt.timedelta(days=days)
    with pytest.raises(ValidationError) as refused:
        services.member_create(branch=world.branch_a, by=None, on=on, **_fields())
    assert refused.value.message_dict["on"] == [message]
    assert not Member.objects.filter(name="新党员").exists()
