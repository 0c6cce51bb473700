"""notify(): one message, one delivery per recipient × channel, each sent once, retried
with backoff against a local webhook server that fails the first requests."""

import datetime as dt
import threading

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from notifications.configuration import robot_save
from notifications.events import Channel, Event
from notifications.models import Delivery, DeliveryStatus, Message, Robot
from notifications.services import deliveries_sweep, delivery_send, notify
from tests.conftest import World

pytestmark = pytest.mark.django_db

SHEET = {"kind": "月工作提醒表", "period": "2026年11月", "due_count": 5, "overdue_count": 1, "period_end": "2026-11-30"}


@pytest.fixture
def secretary(world: World):
    world.secretary_a.email = "a@example.cn"
    world.secretary_a.save(update_fields=["email"])
    return world.secretary_a


def _robot(world: World, hook, kind: str = "wecom", secret: str = "", org=None) -> Robot:
    return robot_save(
        organisation=org or world.branch_a,
        by=world.administrator,
        kind=kind,
        name="一号项目部工作群",
        url=hook.url(),
        secret=secret,
    )


def test_a_message_reaches_the_person_in_the_platform_and_by_email(
    world: World, secretary, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        message = notify([secretary], Event.SHEET, SHEET, organisation=world.branch_a, link="/tasks/sheets/1/")
    assert message.title == "一号项目部党支部：月工作提醒表（2026年11月）已生成"
    by_channel = {d.channel: d for d in message.deliveries.all()}
    assert set(by_channel) == {Channel.IN_APP, Channel.EMAIL}
    assert by_channel[Channel.IN_APP].status == DeliveryStatus.SENT
    assert by_channel[Channel.EMAIL].status == DeliveryStatus.SENT
    [sent] = mail.outbox
    assert sent.to == ["a@example.cn"]
    assert sent.subject == message.title
    assert "http://127.0.0.1:8000/tasks/sheets/1/" in sent.body and "2026-11-30" in sent.body
    html, kind = sent.alternatives[0]
    assert kind == "text/html" and "打开平台查看" in html and "/tasks/sheets/1/" in html


def test_without_an_address_only_the_in_app_copy_is_made(world: World) -> None:
    message = notify([world.secretary_a], Event.SHEET, SHEET, organisation=world.branch_a)
    assert list(message.deliveries.values_list("channel", flat=True)) == [Channel.IN_APP]


def test_the_same_key_tells_once(world: World, secretary) -> None:
    assert notify([secretary], Event.SHEET, SHEET, organisation=world.branch_a, key="sheet:1")
    assert notify([secretary], Event.SHEET, SHEET, organisation=world.branch_a, key="sheet:1") is None
    assert Message.objects.count() == 1


def test_a_wecom_robot_gets_markdown_with_a_link_back(world: World, hook, django_capture_on_commit_callbacks) -> None:
    _robot(world, hook)
    with django_capture_on_commit_callbacks(execute=True):
        notify([], Event.SHEET, SHEET, organisation=world.branch_a, link="/tasks/sheets/7/")
    [request] = hook.received
    assert request.body["msgtype"] == "markdown"
    content = request.body["markdown"]["content"]
    assert "一号项目部党支部" in content and "[查看提醒表]" in content
    assert "(http://127.0.0.1:8000/tasks/sheets/7/)" in content
    assert Delivery.objects.get(channel=Channel.WECOM).status == DeliveryStatus.SENT


def test_a_signed_dingtalk_robot_is_called_with_a_signature_dingtalk_accepts(
    world: World, hook, django_capture_on_commit_callbacks
) -> None:
    hook.secret = "SEC0123456789abcdef"
    _robot(world, hook, kind="dingtalk", secret=hook.secret)
    with django_capture_on_commit_callbacks(execute=True):
        notify([], Event.SHEET, SHEET, organisation=world.branch_a, link="/tasks/")
    [request] = hook.accepted
    assert request.body["msgtype"] == "markdown"
    assert request.body["markdown"]["title"].startswith("一号项目部党支部")
    assert "timestamp" in request.query and "sign" in request.query
    assert Delivery.objects.get().status == DeliveryStatus.SENT


def test_a_wrong_dingtalk_secret_is_refused_and_logged_with_the_reason(
    world: World, hook, django_capture_on_commit_callbacks, settings
) -> None:
    settings.NOTIFY_MAX_ATTEMPTS = 1
    hook.secret = "SECright"
    _robot(world, hook, kind="dingtalk", secret="SECwrong")
    with django_capture_on_commit_callbacks(execute=True):
        notify([], Event.SHEET, SHEET, organisation=world.branch_a)
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED
    assert "310000" in delivery.error and "sign not match" in delivery.error
    assert hook.accepted == []


def test_a_robot_of_a_unit_above_gets_its_units_messages_only_when_asked(world: World, hook) -> None:
    robot = _robot(world, hook, org=world.general)
    notify([], Event.SHEET, SHEET, organisation=world.branch_a)
    assert not Delivery.objects.filter(robot=robot).exists()
    robot.include_below = True
    robot.save()
    notify([], Event.SHEET, SHEET, organisation=world.branch_a)
    assert Delivery.objects.filter(robot=robot).count() == 1


def test_failures_are_retried_with_backoff_until_the_robot_takes_it(
    world: World, hook, django_capture_on_commit_callbacks
) -> None:
    hook.fail_first = 2
    _robot(world, hook)
    start = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        notify([], Event.SHEET, SHEET, organisation=world.branch_a)
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.RETRYING, 1)
    assert "HTTP 500" in delivery.error
    assert delivery.next_attempt_at >= start + dt.timedelta(seconds=60)
    # Not due yet: the sweeper leaves it.
    with django_capture_on_commit_callbacks(execute=True):
        assert deliveries_sweep(now=start + dt.timedelta(seconds=30))["sent"] == 0
    assert len(hook.received) == 1
    later = start + dt.timedelta(seconds=61)
    assert delivery_send(delivery_id=delivery.pk, now=later).status == "retrying"
    delivery.refresh_from_db()
    assert delivery.attempts == 2
    assert delivery.next_attempt_at >= later + dt.timedelta(seconds=300)  # the second wait is longer
    assert delivery_send(delivery_id=delivery.pk, now=later + dt.timedelta(seconds=301)).status == "sent"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.error) == (DeliveryStatus.SENT, 3, "")
    assert len(hook.received) == 3


def test_a_robot_answering_an_errcode_is_a_failure_and_gives_up_after_the_last_attempt(
    world: World, hook, settings
) -> None:
    settings.NOTIFY_MAX_ATTEMPTS = 2
    hook.fail_first, hook.fail_with = 5, "errcode"
    _robot(world, hook)
    message = notify([], Event.SHEET, SHEET, organisation=world.branch_a)
    delivery = message.deliveries.get()
    far = timezone.now() + dt.timedelta(days=1)
    assert delivery_send(delivery_id=delivery.pk, now=far).status == "retrying"
    assert delivery_send(delivery_id=delivery.pk, now=far + dt.timedelta(hours=2)).status == "failed"
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED and "130101" in delivery.error
    assert delivery_send(delivery_id=delivery.pk, now=far + dt.timedelta(days=1)).status == "skipped"
    assert len(hook.received) == 2


def test_a_delivery_is_sent_once_when_the_job_runs_twice(world: World, hook) -> None:
    _robot(world, hook)
    message = notify([], Event.SHEET, SHEET, organisation=world.branch_a)  # queued, not run (no commit)
    delivery = message.deliveries.get()
    assert delivery_send(delivery_id=delivery.pk).status == "sent"
    assert delivery_send(delivery_id=delivery.pk).status == "skipped"
    assert len(hook.received) == 1


def test_a_dead_jobs_claim_is_taken_back_by_the_sweeper(world: World, hook) -> None:
    _robot(world, hook)
    delivery = notify([], Event.SHEET, SHEET, organisation=world.branch_a).deliveries.get()
    long_ago = timezone.now() - dt.timedelta(hours=1)
    Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.SENDING, claim="dead", claimed_at=long_ago)
    assert deliveries_sweep()["taken_back"] == 1
    assert delivery_send(delivery_id=delivery.pk).status == "sent"


# Two threads writing at once: on the tests' in-memory SQLite (shared cache) the second
# writer gets "table is locked" instead of waiting, so the race is run where it is real.
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_delivery_is_sent_once_when_two_jobs_run_at_the_same_moment(world: World, hook) -> None:
    hook.delay = 0.3  # the first job is still sending when the second one starts
    _robot(world, hook)
    delivery = notify([], Event.SHEET, SHEET, organisation=world.branch_a).deliveries.get()
    # Committed at once here, so the job has run inline: make the row wait again.
    Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.PENDING, claim="", attempts=0)
    hook.received.clear()
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def job() -> None:
        barrier.wait()
        try:
            outcomes.append(delivery_send(delivery_id=delivery.pk).status)
        finally:
            connection.close()

    threads = [threading.Thread(target=job) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["sent", "skipped"]
    assert len(hook.received) == 1


def test_a_robot_outside_the_allowed_hosts_is_refused(world: World) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        robot_save(
            organisation=world.branch_a, by=world.administrator, kind="wecom", name="x", url="http://10.0.0.1/hook"
        )
