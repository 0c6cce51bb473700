"""Reads of the meeting records, scoped by the ability tables: the readers of a unit see its
subtree's records, a member the records of the meetings they were expected at."""

import datetime as dt

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from branches import abilities
from branches.models import Organisation, User
from branches.selectors import in_subtree
from members.models import ON_ROLL_STATUSES, Member

from .models import Attendance, Meeting, Resolution


def roster_of(branch: Organisation) -> QuerySet[Member]:
    """The branch's active members (在册 and 流动), who are expected at its meetings."""
    return Member.objects.filter(branch=branch, status__in=ON_ROLL_STATUSES).order_by("name", "pk")


def _expected_of(user: User) -> Q:
    return Q(Exists(Attendance.objects.filter(meeting=OuterRef("pk"), member__user_id=user.pk)))


def meetings_visible_to(user: User) -> QuerySet[Meeting]:
    """Every record the user may read: their units' subtrees, and the meetings they were
    expected at."""
    q = abilities.visible(user, "meeting.view", field="branch__path")
    scope = _expected_of(user) if q is None else (q | _expected_of(user))
    return Meeting.objects.filter(scope)


def with_counts(meetings: QuerySet[Meeting]) -> QuerySet[Meeting]:
    return meetings.annotate(
        expected_n=Count("attendance", distinct=True),
        present_n=Count("attendance", filter=Q(attendance__present=True), distinct=True),
        open_n=Count("resolutions", filter=Q(resolutions__closed_at__isnull=True), distinct=True),
    )


def meetings_of(
    user: User,
    unit: Organisation,
    *,
    kind: str = "",
    quarter: tuple[int, int] | None = None,
) -> QuerySet[Meeting]:
    """A unit's (and its subtree's) records the user may read, newest first."""
    meetings = meetings_visible_to(user).filter(in_subtree(unit, via="branch__path"))
    if kind:
        meetings = meetings.filter(kind=kind)
    if quarter:
        year, q = quarter
        start = dt.date(year, 3 * q - 2, 1)
        end = dt.date(year + (q == 4), 1 if q == 4 else 3 * q + 1, 1)
        meetings = meetings.filter(held_at__date__gte=start, held_at__date__lt=end)
    return with_counts(meetings.select_related("branch")).order_by("-held_at", "-pk")


def get_meeting_for(user: User, pk: object) -> Meeting:
    """One record: 404 outside the user's scope, 403 inside it without ``meeting.view``."""
    return abilities.get_for(user, "meeting.view", Meeting.objects.select_related("branch"), pk)


def open_resolutions_for(user: User) -> QuerySet[Resolution]:
    """The open resolutions the user answers for: those of the branches they keep the records
    of, and those they own."""
    q = abilities.visible(user, "resolution.close", field="meeting__branch__path")
    own = Q(owner_user_id=user.pk) | Q(owner_member__user_id=user.pk)
    scope = own if q is None else (q | own)
    return (
        Resolution.objects.filter(scope, closed_at__isnull=True)
        .select_related("meeting__branch", "owner_member", "owner_user")
        .order_by("due_on", "pk")
    )
