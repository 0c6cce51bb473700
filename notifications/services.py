"""The one way anything tells people something: ``notify(recipients, event, context)``.

It renders the texts once, stores a ``Message`` and one ``Delivery`` per recipient ×
channel (each person's channels: the event's defaults, their own choices, and what the
committee requires for the message's organisation: ``requirements``), plus one per group
robot of the organisation (and of the units above that share theirs), then queues one job
per delivery after the commit. In-app deliveries are delivered by being stored.

Each delivery is sent once: ``delivery_send`` claims the row with a conditional UPDATE
(waiting or retrying, due, → sending with this run's token) and stores the outcome only if
the claim is still its own. A failure is retried with backoff (NOTIFY_BACKOFF_SECONDS)
until NOTIFY_MAX_ATTEMPTS, then marked failed with its reason; a claim older than
CLAIM_EXPIRES (the worker died) is taken back by ``deliveries_sweep``.
"""

import datetime as dt
import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from branches.models import Organisation, User
from config.jobs import enqueue

from . import preferences, requirements
from .channels import DeliveryError, sender_for
from .events import Channel, spec_of
from .models import Delivery, DeliveryStatus, Message, Robot, absolute_url
from .rendering import render

logger = logging.getLogger(__name__)

CLAIM_EXPIRES = dt.timedelta(minutes=10)
RESEND_PENDING_AFTER = dt.timedelta(minutes=2)
SWEEP_BATCH = 500


def robots_for(organisation: Organisation | None) -> list[Robot]:
    """The active robots of the organisation, and those of the units above it that also
    take the messages of the units below."""
    if organisation is None:
        return []
    above = organisation.ancestor_ids
    return list(
        Robot.objects.filter(is_active=True).filter(
            Q(organisation=organisation) | Q(organisation_id__in=above, include_below=True)
        )
    )


def _phones(users: list[User]) -> dict[int, str]:
    """A person's phone number is the one on their member record (党员 roster)."""
    from members.models import Member

    rows = Member.objects.filter(user__in=users).exclude(phone="").values_list("user_id", "phone")
    return dict(rows)


def _personal_deliveries(message: Message, users: list[User], event: str, now: dt.datetime) -> list[Delivery]:
    chosen = preferences.channels_for(users, event, organisation=message.organisation)
    return _deliveries(message, users, chosen, now)


def _deliveries(message: Message, users: list[User], chosen: dict[int, list[str]], now: dt.datetime) -> list[Delivery]:
    phones = _phones(users) if any(Channel.SMS in c for c in chosen.values()) else {}
    rows = []
    for user in users:
        for channel in chosen[user.pk]:
            address = {Channel.EMAIL: user.email, Channel.SMS: phones.get(user.pk, "")}.get(channel, "")
            if channel in (Channel.EMAIL, Channel.SMS) and not address:
                continue  # nowhere to send it: the in-app copy is enough
            delivered = channel == Channel.IN_APP
            rows.append(
                Delivery(
                    message=message,
                    channel=channel,
                    recipient=user,
                    address=address,
                    status=DeliveryStatus.SENT if delivered else DeliveryStatus.PENDING,
                    sent_at=now if delivered else None,
                    next_attempt_at=now,
                )
            )
    return rows


def _queue(deliveries: Iterable[Delivery]) -> None:
    from .jobs import deliver

    for delivery in deliveries:
        if delivery.status == DeliveryStatus.PENDING:
            enqueue(deliver, delivery.pk)


@transaction.atomic
def notify(
    recipients: Iterable[User],
    event: str,
    context: dict | None = None,
    *,
    organisation: Organisation | None = None,
    link: str = "",
    key: str | None = None,
    robots: Iterable[Robot] | None = None,
) -> Message | None:
    """Tells ``recipients`` (and the organisation's group robots, if the event goes to
    groups) about ``event``. ``key`` makes it once only: a second call with the same key
    does nothing and returns None. ``robots`` replaces the organisation's robots."""
    spec = spec_of(event)
    users = list({user.pk: user for user in recipients if user is not None and user.is_active}.values())
    if key and Message.objects.filter(key=key).exists():
        return None
    context = {
        **(context or {}),
        "branch": organisation.name if organisation else "",
        "link": absolute_url(link),
    }
    texts = render(event, context)
    message = Message(
        event=event,
        organisation=organisation,
        key=key or None,
        title=texts.title,
        text=texts.text,
        markdown=texts.markdown,
        html=texts.html,
        link=link,
    )
    try:
        with transaction.atomic():
            message.save()
    except IntegrityError:
        return None  # the same key, told at the same moment by another run
    now = timezone.now()
    rows = _personal_deliveries(message, users, event, now)
    groups = list(robots) if robots is not None else (robots_for(organisation) if spec.to_groups else [])
    rows += [Delivery(message=message, channel=robot.kind, robot=robot, next_attempt_at=now) for robot in groups]
    created = Delivery.objects.bulk_create(rows)
    _queue(created)
    return message


@dataclass(frozen=True)
class Notice:
    """One message of ``notify_many``: ``notify``'s arguments but the event."""

    recipients: list[User]
    context: dict
    organisation: Organisation
    link: str = ""
    key: str | None = None


def _robots_of(organisations: list[Organisation]) -> dict[int, list[Robot]]:
    """``robots_for`` of each organisation, in one query."""
    ids = {org.pk for org in organisations}
    above = {pk for org in organisations for pk in org.ancestor_ids}
    found: dict[int, list[Robot]] = {pk: [] for pk in ids}
    if not ids:
        return found
    robots = list(
        Robot.objects.filter(is_active=True).filter(
            Q(organisation_id__in=ids) | Q(organisation_id__in=above, include_below=True)
        )
    )
    for org in organisations:
        chain = set(org.ancestor_ids)
        found[org.pk] = [
            r for r in robots if r.organisation_id == org.pk or (r.include_below and r.organisation_id in chain)
        ]
    return found


@transaction.atomic
def notify_many(event: str, notices: list[Notice]) -> int:
    """``notify`` for many messages of one event at once (a reminder sheet to each of
    20,000 branches): the same messages and deliveries, in a few queries whatever their
    number. Returns how many messages were stored. A key already told is skipped; should
    another run store one of the keys meanwhile, each notice goes through ``notify`` instead."""
    spec = spec_of(event)
    keys = [n.key for n in notices if n.key]
    told = set(Message.objects.filter(key__in=keys).values_list("key", flat=True)) if keys else set()
    notices = [n for n in notices if not (n.key and n.key in told)]
    if not notices:
        return 0
    messages = []
    for notice in notices:
        texts = render(event, {**notice.context, "branch": notice.organisation.name, "link": absolute_url(notice.link)})
        messages.append(
            Message(
                event=event,
                organisation=notice.organisation,
                key=notice.key or None,
                title=texts.title,
                text=texts.text,
                markdown=texts.markdown,
                html=texts.html,
                link=notice.link,
            )
        )
    try:
        with transaction.atomic():
            Message.objects.bulk_create(messages)
    except IntegrityError:  # a key told at the same moment by another run
        return sum(
            notify(n.recipients, event, n.context, organisation=n.organisation, link=n.link, key=n.key) is not None
            for n in notices
        )
    organisations = list({n.organisation.pk: n.organisation for n in notices}.values())
    rules = requirements.rules_for([org.path for org in organisations], event)
    users_of = [list({u.pk: u for u in n.recipients if u is not None and u.is_active}.values()) for n in notices]
    everyone = list({u.pk: u for users in users_of for u in users}.values())
    choices = preferences.choices_of(everyone, event)
    robots = _robots_of(organisations) if spec.to_groups else {}
    now = timezone.now()
    rows: list[Delivery] = []
    for notice, message, users in zip(notices, messages, users_of, strict=True):
        required = requirements.resolve(notice.organisation.path, event, rules)
        chosen = preferences.channels_from(users, event, required, choices)
        rows += _deliveries(message, users, chosen, now)
        rows += [
            Delivery(message=message, channel=robot.kind, robot=robot, next_attempt_at=now)
            for robot in robots.get(notice.organisation.pk, [])
        ]
    _queue(Delivery.objects.bulk_create(rows))
    return len(messages)


@dataclass(frozen=True)
class Outcome:
    status: str  # "sent", "retrying", "failed", or "skipped" (not this run's to send)
    retry_in: int = 0


def _backoff(attempts: int) -> int:
    steps = settings.NOTIFY_BACKOFF_SECONDS
    return steps[min(attempts, len(steps)) - 1]


def delivery_send(*, delivery_id: int, now: dt.datetime | None = None) -> Outcome:
    """Sends one delivery if this run claims it; safe to run twice, or twice at once."""
    now = now or timezone.now()
    token = uuid.uuid4().hex
    claimed = Delivery.objects.filter(
        pk=delivery_id,
        status__in=(DeliveryStatus.PENDING, DeliveryStatus.RETRYING),
        next_attempt_at__lte=now,
    ).update(status=DeliveryStatus.SENDING, claim=token, claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return Outcome("skipped")
    mine = Delivery.objects.filter(pk=delivery_id, claim=token, status=DeliveryStatus.SENDING)
    delivery = Delivery.objects.select_related("message", "robot", "recipient").get(pk=delivery_id)
    try:
        sender_for(delivery.channel)(delivery)
    except DeliveryError as exc:
        return _failed(mine, delivery, exc.reason, permanent=exc.permanent, now=now)
    except Exception as exc:  # a bug or an unexpected library error: kept, retried
        logger.exception("delivery %s failed unexpectedly", delivery_id)
        return _failed(mine, delivery, f"{type(exc).__name__}: {exc}", permanent=False, now=now)
    mine.update(status=DeliveryStatus.SENT, sent_at=timezone.now(), error="")
    return Outcome("sent")


def _failed(mine, delivery: Delivery, reason: str, *, permanent: bool, now: dt.datetime) -> Outcome:
    reason = reason[:500]
    if permanent or delivery.attempts >= settings.NOTIFY_MAX_ATTEMPTS:
        mine.update(status=DeliveryStatus.FAILED, error=reason)
        logger.warning("delivery %s failed for good: %s", delivery.pk, reason)
        return Outcome("failed")
    wait = _backoff(delivery.attempts)
    mine.update(status=DeliveryStatus.RETRYING, error=reason, next_attempt_at=now + dt.timedelta(seconds=wait))
    return Outcome("retrying", retry_in=wait)


def deliveries_sweep(*, now: dt.datetime | None = None) -> dict[str, int]:
    """The periodic job: sends the deliveries that are due (a retry whose time has come, a
    waiting one whose job never reached the broker) and takes back those of dead jobs."""
    from .jobs import deliver

    now = now or timezone.now()
    taken_back = Delivery.objects.filter(status=DeliveryStatus.SENDING, claimed_at__lt=now - CLAIM_EXPIRES).update(
        status=DeliveryStatus.RETRYING, claim="", next_attempt_at=now
    )
    due = Delivery.objects.filter(
        Q(status=DeliveryStatus.RETRYING, next_attempt_at__lte=now)
        | Q(status=DeliveryStatus.PENDING, next_attempt_at__lte=now - RESEND_PENDING_AFTER)
    ).order_by("next_attempt_at", "pk")
    ids = list(due.values_list("pk", flat=True)[:SWEEP_BATCH])
    for pk in ids:
        enqueue(deliver, pk)
    return {"sent": len(ids), "taken_back": taken_back}
