"""Reads: a person's in-app notifications, an organisation's robots and delivery log."""

from django.db.models import Count, QuerySet

from branches import abilities
from branches.models import Organisation, User
from branches.selectors import grants_of, in_subtree

from .events import Channel
from .models import Delivery, DeliveryStatus, Robot


def inbox_of(user: User) -> QuerySet[Delivery]:
    return (
        Delivery.objects.filter(recipient=user, channel=Channel.IN_APP)
        .select_related("message", "message__organisation")
        .order_by("-pk")
    )


def unread_count(user: User) -> int:
    return Delivery.objects.filter(recipient=user, channel=Channel.IN_APP, read_at__isnull=True).count()


def units_configured_by(user: User) -> QuerySet[Organisation]:
    """The units where the user holds the role that sets up robots (each one's page reaches
    the units below it)."""
    holders = abilities.holders_of("notifications.configure")
    ids = [grant.organisation_id for grant in grants_of(user) if grant.role in holders]
    return Organisation.objects.filter(pk__in=ids).order_by("path")[:20]


def robots_of(organisation: Organisation) -> QuerySet[Robot]:
    return Robot.objects.filter(organisation=organisation).order_by("kind", "name", "pk")


def log_of(organisation: Organisation, *, status: str = "") -> QuerySet[Delivery]:
    """Every delivery of a message about this unit or a unit below it (in-app copies aside:
    they are delivered by being stored)."""
    rows = (
        Delivery.objects.exclude(channel=Channel.IN_APP)
        .filter(in_subtree(organisation, via="message__organisation__path"))
        .select_related("message", "message__organisation", "recipient", "robot")
        .order_by("-pk")
    )
    return rows.filter(status=status) if status else rows


def log_counts(organisation: Organisation) -> list[dict]:
    """How many deliveries are in each status, shown with the status's label."""
    rows = log_of(organisation).order_by().values("status").annotate(n=Count("pk"))
    counts = {row["status"]: row["n"] for row in rows}
    return [{"label": label, "count": counts.get(value, 0)} for value, label in DeliveryStatus.choices]
