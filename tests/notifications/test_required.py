"""What the committee requires, per organisation: an administrator's page, inherited by the
units below (the nearest rule wins, the code's default without one), read by the
preferences page and honoured by notify()."""

import pytest
from django.urls import reverse

from notifications.events import Channel, Event
from notifications.models import ChannelRule, Preference
from notifications.requirements import required_at
from notifications.services import notify
from tests.conftest import World

pytestmark = pytest.mark.django_db

REPLY = {"task": "x", "by": "y", "reply": "z"}


def _post(client, org, *ticks: str):
    return client.post(reverse("notifications:required", args=[org.pk]), {"on": list(ticks)})


def test_the_administrator_requires_e_mail_and_a_person_can_no_longer_turn_it_off(world: World, as_role) -> None:
    world.secretary_a.email = "a@example.cn"
    world.secretary_a.save()
    admin = as_role("administrator")
    page = admin.get(reverse("notifications:required", args=[world.branch_a.pk])).content.decode()
    assert 'value="supervision:email" checked' in page  # the code's default shows through
    assert 'value="sheet:email" checked' not in page
    response = _post(admin, world.branch_a, "sheet:in_app", "sheet:email", "supervision:in_app", "supervision:email")
    assert response.status_code == 302
    rule = ChannelRule.objects.get(organisation=world.branch_a, event=Event.SHEET)
    assert rule.required == ["in_app", "email"] and rule.updated_by == world.administrator

    # The secretary had turned e-mail off for sheets: the page now shows it required.
    Preference.objects.create(user=world.secretary_a, event=Event.SHEET, channel=Channel.EMAIL, enabled=False)
    prefs = as_role("secretary_a").get(reverse("notifications:preferences")).content.decode()
    assert 'value="sheet:email" checked disabled' in prefs
    sheet = {"kind": "月工作提醒表", "period": "2026年11月", "due_count": 1, "overdue_count": 0, "period_end": "x"}
    message = notify([world.secretary_a], Event.SHEET, sheet, organisation=world.branch_a)
    assert set(message.deliveries.values_list("channel", flat=True)) == {Channel.IN_APP, Channel.EMAIL}


def test_a_unit_may_require_less_than_the_code_default(world: World, as_role) -> None:
    world.secretary_a.email = "a@example.cn"
    world.secretary_a.save()
    # The code requires e-mail for supervision; the committee requires only the platform.
    _post(as_role("administrator"), world.committee, "supervision:in_app")
    client = as_role("secretary_a")
    assert (
        'value="supervision:email" checked disabled'
        not in client.get(reverse("notifications:preferences")).content.decode()
    )
    client.post(reverse("notifications:preferences"), {"on": ["supervision:in_app"]})
    context = {"task": "x", "due_on": "2026-11-30", "by": "y", "comment": "z"}
    message = notify([world.secretary_a], Event.SUPERVISION, context, organisation=world.branch_a)
    assert list(message.deliveries.values_list("channel", flat=True)) == [Channel.IN_APP]


def test_the_nearest_rule_above_a_unit_wins_and_the_code_default_without_one(world: World, as_role) -> None:
    admin = as_role("administrator")
    reply = Event.SUPERVISION_REPLY
    assert required_at(world.group_a1, reply) == (Channel.IN_APP,)  # the code's default
    _post(admin, world.committee, f"{reply}:in_app", f"{reply}:email")
    both = (Channel.IN_APP, Channel.EMAIL)
    assert required_at(world.branch_a, reply) == both
    assert required_at(world.group_a1, reply) == both
    assert required_at(world.branch_b, reply) == both
    # Branch A sets its own: it and its group follow it; branch B still the committee's.
    _post(admin, world.branch_a, f"{reply}:email")
    assert required_at(world.branch_a, reply) == (Channel.EMAIL,)
    assert required_at(world.group_a1, reply) == (Channel.EMAIL,)
    assert required_at(world.branch_b, reply) == both
    page = admin.get(reverse("notifications:required", args=[world.group_a1.pk])).content.decode()
    assert "按一号项目部党支部的设置" in page
    # Ticking what the units above have takes the unit's own rule away: it follows them again.
    _post(admin, world.branch_a, f"{reply}:in_app", f"{reply}:email")
    assert not ChannelRule.objects.filter(organisation=world.branch_a).exists()
    assert required_at(world.group_a1, reply) == both


def test_only_administrators_set_it_and_only_within_their_units(world: World, as_role) -> None:
    url = reverse("notifications:required", args=[world.branch_a.pk])
    assert as_role("administrator").get(url).status_code == 200
    # Another branch's secretary: branch A is not theirs to see.
    assert as_role("secretary_b").get(url).status_code == 404
    assert _post(as_role("secretary_b"), world.branch_a, "sheet:email").status_code == 404
    # Branch A's own secretary and reviewer: the wrong role.
    assert as_role("secretary_a").get(url).status_code == 403
    assert _post(as_role("secretary_a"), world.branch_a, "sheet:email").status_code == 403
    assert _post(as_role("reviewer"), world.branch_a, "sheet:email").status_code == 403
    assert not ChannelRule.objects.exists()


def test_bad_ticks_are_ignored(world: World, as_role) -> None:
    response = _post(as_role("administrator"), world.branch_a, "nonsense", "sheet:fax", "test:email", "x" * 5000)
    assert response.status_code == 302
    # Nothing ticked that counts: every event now requires nothing in branch A.
    assert ChannelRule.objects.filter(organisation=world.branch_a, required=[]).exists()
    assert not ChannelRule.objects.filter(event=Event.TEST).exists()
