"""The batched reads of the ledgers behind the measures: one query each, for every branch of
the cards of one quarter, read only when a measure needs it."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property

from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils import timezone

from dues.models import DuesEntry
from meetings.models import Attendance, Meeting, MeetingFile, Resolution
from members.models import ON_ROLL_STATUSES, Member
from tasks.models import Task, TaskStatus


@dataclass(frozen=True)
class MeetingRow:
    pk: int
    kind: str
    day: dt.date
    expected: int
    present: int
    absent_open: int  # absentees without a make-up study
    signed: bool  # a host named and a file (the sign-in sheet, photos) attached


@dataclass
class QuarterLedgers:
    """The ledgers of ``branch_ids`` for one quarter: ``first`` is the earliest day any measure
    of the quarter looks at (the year's first day for yearly measures), ``last`` the quarter's
    last day, ``today`` the day the suggestion is made (a quarter still running counts only
    what is already due)."""

    branch_ids: list[int]
    first: dt.date
    quarter_first: dt.date
    last: dt.date
    today: dt.date
    article_ids: list[int]

    @cached_property
    def meetings(self) -> dict[int, list[MeetingRow]]:
        signed = Exists(MeetingFile.objects.filter(meeting=OuterRef("pk")))
        rows = (
            Meeting.objects.filter(
                branch_id__in=self.branch_ids, held_at__date__gte=self.first, held_at__date__lte=self.last
            )
            .annotate(
                expected_n=Count("attendance", distinct=True),
                present_n=Count("attendance", filter=Q(attendance__present=True), distinct=True),
                absent_open_n=Count(
                    "attendance",
                    filter=Q(attendance__present=False, attendance__makeup_on__isnull=True),
                    distinct=True,
                ),
                has_file=signed,
            )
            .values_list(
                "pk", "branch_id", "kind", "held_at", "expected_n", "present_n", "absent_open_n", "has_file", "host_id"
            )
            .order_by("held_at", "pk")
        )
        by_branch: dict[int, list[MeetingRow]] = defaultdict(list)
        for pk, branch_id, kind, held_at, expected, present, absent_open, has_file, host_id in rows:
            day = timezone.localtime(held_at).date()
            by_branch[branch_id].append(
                MeetingRow(pk, kind, day, expected, present, absent_open, bool(has_file and host_id))
            )
        return by_branch

    @cached_property
    def members_on_roll(self) -> dict[int, int]:
        rows = (
            Member.objects.filter(branch_id__in=self.branch_ids, status__in=ON_ROLL_STATUSES)
            .values("branch_id")
            .annotate(n=Count("pk"))
            .values_list("branch_id", "n")
        )
        return dict(rows)

    @cached_property
    def talks(self) -> dict[int, list[tuple[int, dt.date]]]:
        """Branch → (member, day) of every member talked with (present at a talk) since ``first``."""
        rows = Attendance.objects.filter(
            meeting__branch_id__in=self.branch_ids,
            meeting__kind="talk",
            present=True,
            member__status__in=ON_ROLL_STATUSES,
            meeting__held_at__date__gte=self.first,
            meeting__held_at__date__lte=self.last,
        ).values_list("meeting__branch_id", "member_id", "meeting__held_at")
        talks: dict[int, list[tuple[int, dt.date]]] = defaultdict(list)
        for branch_id, member_id, held_at in rows:
            talks[branch_id].append((member_id, timezone.localtime(held_at).date()))
        return talks

    @property
    def as_of(self) -> dt.date:
        """The last day that counts: the quarter's last, or yesterday while it runs."""
        return min(self.last, self.today - dt.timedelta(days=1))

    @cached_property
    def resolutions_overdue(self) -> dict[int, int]:
        as_of = self.as_of
        rows = (
            Resolution.objects.filter(meeting__branch_id__in=self.branch_ids, due_on__lte=as_of)
            .filter(Q(closed_at__isnull=True) | Q(closed_at__date__gt=as_of))
            .values("meeting__branch_id")
            .annotate(n=Count("pk"))
            .values_list("meeting__branch_id", "n")
        )
        return dict(rows)

    @cached_property
    def dues_unpaid(self) -> dict[int, tuple[int, int]]:
        """Branch → (member-months not paid in full, members) of the quarter's months that are
        due: a month still running is not late yet."""
        this_month = self.today.replace(day=1)
        rows = (
            DuesEntry.objects.filter(
                branch_id__in=self.branch_ids,
                month__gte=self.quarter_first,
                month__lte=self.last,
                month__lt=this_month,
                amount_paid__lt=F("amount_due"),
            )
            .values("branch_id")
            .annotate(n=Count("pk"), members=Count("member_id", distinct=True))
            .values_list("branch_id", "n", "members")
        )
        return {branch_id: (n, members) for branch_id, n, members in rows}

    @cached_property
    def tasks_late(self) -> dict[tuple[int, int], int]:
        """(branch, article) → the article's tasks due in the quarter and already due that were
        not done by their due date (still open, or done late)."""
        rows = (
            Task.objects.filter(
                branch_id__in=self.branch_ids,
                article_id__in=self.article_ids,
                due_on__gte=self.quarter_first,
                due_on__lte=self.as_of,
            )
            .exclude(status=TaskStatus.CANCELLED)
            .filter(Q(status=TaskStatus.OPEN) | Q(delay_days__gt=0))
            .values("branch_id", "article_id")
            .annotate(n=Count("pk"))
            .values_list("branch_id", "article_id", "n")
        )
        return {(branch_id, article_id): n for branch_id, article_id, n in rows}
