"""The batched reads of the ledgers behind the measures, for every branch of the cards of one
quarter: one query for the meetings and the per-branch figures (members on the roll, members
talked with, resolutions past due, dues not paid), one for the late tasks (which the scorecard
page reads with its own tasks query instead)."""

import calendar
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.db.models import Count, Exists, F, FilteredRelation, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from branches.models import Organisation
from dues.models import DuesEntry
from meetings.models import Attendance, MeetingFile, Resolution
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
class BranchFigures:
    members: int = 0
    talked: int = 0
    resolutions_overdue: int = 0
    dues_unpaid: int = 0
    dues_members: int = 0
    meetings: list[MeetingRow] = field(default_factory=list)


def quarter_start(year: int, quarter: int) -> dt.date:
    return dt.date(year, quarter * 3 - 2, 1)


def quarter_end(year: int, quarter: int) -> dt.date:
    return dt.date(year, quarter * 3, calendar.monthrange(year, quarter * 3)[1])


def day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _count(qs: QuerySet[Any], by: str, what: str = "pk", *, distinct: bool = False) -> Coalesce:
    """A correlated count per branch (``by`` is the path from the counted rows to the branch)."""
    counted = qs.filter(**{by: OuterRef("pk")}).order_by().values(by).annotate(n=Count(what, distinct=distinct))
    return Coalesce(Subquery(counted.values("n"), output_field=IntegerField()), 0)


def _per_meeting(qs: QuerySet[Any]) -> Coalesce:
    counted = qs.filter(meeting_id=OuterRef("m__pk")).order_by().values("meeting_id").annotate(n=Count("pk"))
    return Coalesce(Subquery(counted.values("n"), output_field=IntegerField()), 0)


@dataclass
class QuarterLedgers:
    """The ledgers of ``branch_ids`` for one quarter. ``first`` is the earliest day a meeting
    measure looks at (the year's first for yearly ones), ``talks_first`` the first day talks
    count from, ``today`` the day of the suggestion: a quarter still running counts only
    what is already due."""

    branch_ids: list[int]
    first: dt.date
    talks_first: dt.date
    quarter_first: dt.date
    last: dt.date
    today: dt.date
    article_ids: list[int]

    @property
    def as_of(self) -> dt.date:
        return as_of_day(self.last, self.today)

    @cached_property
    def branches(self) -> dict[int, BranchFigures]:
        after_last = day_start(self.last + dt.timedelta(days=1))
        as_of = self.as_of
        this_month = self.today.replace(day=1)
        in_window = Q(meetings__held_at__gte=day_start(self.first), meetings__held_at__lt=after_last)
        talks = Attendance.objects.filter(
            meeting__kind="talk",
            present=True,
            member__status__in=ON_ROLL_STATUSES,
            meeting__held_at__gte=day_start(self.talks_first),
            meeting__held_at__lt=after_last,
        )
        overdue = Resolution.objects.filter(due_on__lte=as_of).filter(
            Q(closed_at__isnull=True) | Q(closed_at__gte=day_start(as_of + dt.timedelta(days=1)))
        )
        unpaid = DuesEntry.objects.filter(
            month__gte=self.quarter_first, month__lte=self.last, month__lt=this_month, amount_paid__lt=F("amount_due")
        )
        rows = (
            Organisation.objects.filter(pk__in=self.branch_ids)
            .alias(m=FilteredRelation("meetings", condition=in_window))
            .annotate(
                members_n=_count(Member.objects.filter(status__in=ON_ROLL_STATUSES), "branch"),
                talked_n=_count(talks, "meeting__branch", "member", distinct=True),
                overdue_n=_count(overdue, "meeting__branch"),
                unpaid_n=_count(unpaid, "branch"),
                unpaid_members=_count(unpaid, "branch", "member", distinct=True),
                expected_n=_per_meeting(Attendance.objects.all()),
                present_n=_per_meeting(Attendance.objects.filter(present=True)),
                absent_open_n=_per_meeting(Attendance.objects.filter(present=False, makeup_on__isnull=True)),
                has_file=Exists(MeetingFile.objects.filter(meeting_id=OuterRef("m__pk"))),
            )
            .values_list(
                "pk",
                "members_n",
                "talked_n",
                "overdue_n",
                "unpaid_n",
                "unpaid_members",
                "m__pk",
                "m__kind",
                "m__held_at",
                "m__host_id",
                "expected_n",
                "present_n",
                "absent_open_n",
                "has_file",
            )
            .order_by("pk", "m__held_at", "m__pk")
        )
        figures: dict[int, BranchFigures] = {}
        for pk, members, talked, overdue_n, unpaid_n, unpaid_members, m_pk, kind, held_at, host, *counts in rows:
            branch = figures.setdefault(pk, BranchFigures(members, talked, overdue_n, unpaid_n, unpaid_members))
            if m_pk is not None:
                expected, present, absent_open, has_file = counts
                day = timezone.localtime(held_at).date()
                signed = bool(has_file and host)
                branch.meetings.append(MeetingRow(m_pk, kind, day, expected, present, absent_open, signed))
        return figures

    def of(self, branch_id: int) -> BranchFigures:
        return self.branches.get(branch_id) or BranchFigures()

    @cached_property
    def tasks_late(self) -> dict[tuple[int, int], int]:
        """(branch, article) → the article's tasks due in the quarter and already due that were
        not done by their due date (still open, or done late)."""
        rows = (
            Task.objects.filter(branch_id__in=self.branch_ids, article_id__in=self.article_ids)
            .filter(late_task(self.quarter_first, self.as_of))
            .values("branch_id", "article_id")
            .annotate(n=Count("pk"))
            .values_list("branch_id", "article_id", "n")
            .order_by()
        )
        return {(branch_id, article_id): n for branch_id, article_id, n in rows}


def as_of_day(last: dt.date, today: dt.date | None = None) -> dt.date:
    """The last day that counts: the quarter's last, or yesterday while it runs."""
    return min(last, (today or timezone.localdate()) - dt.timedelta(days=1))


def late_task(first: dt.date, as_of: dt.date) -> Q:
    """Due in [first, as_of] and not done by its due date: still open, or done late."""
    return Q(due_on__gte=first, due_on__lte=as_of) & (Q(status=TaskStatus.OPEN) | Q(delay_days__gt=0))


def is_late(task: Task, first: dt.date, as_of: dt.date) -> bool:
    """``late_task`` for a task already read."""
    if task.due_on is None or not first <= task.due_on <= as_of:
        return False
    return task.status == TaskStatus.OPEN or (task.delay_days or 0) > 0


def tasks_late_of(tasks: list[Task], first: dt.date, as_of: dt.date) -> dict[tuple[int, int], int]:
    late: dict[tuple[int, int], int] = defaultdict(int)
    for task in tasks:
        if task.article_id and is_late(task, first, as_of):
            late[(task.branch_id, task.article_id)] += 1
    return dict(late)
