"""Reads: a person's in-app notifications, an organisation's robots and delivery log."""

from django.db.models import Count, QuerySet

from branches import abilities
from branches.models import Organisation, User
from branches.selectors import in_subtree

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
    """The top units where the user sets up robots (their subtree's pages link below)."""
    return abilities.units_for(user, "notifications.configure").order_by("path")[:20]


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
