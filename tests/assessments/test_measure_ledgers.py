"""The one read behind the measures (``QuarterLedgers``): grouped counts, stacked in one query."""

import datetime as dt
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments.measures.ledgers import QuarterLedgers
from dues.models import DuesEntry
from meetings.models import MeetingFile, Resolution
from tests.factories import MemberFactory, make_meeting


def at(month: int, day: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2026, month, day, 19, 0))


def _q3(*branches) -> QuarterLedgers:
    return QuarterLedgers(
        branch_ids=[b.pk for b in branches],
        first=dt.date(2026, 7, 1),
        talks_first=dt.date(2026, 7, 1),
        quarter_first=dt.date(2026, 7, 1),
        last=dt.date(2026, 9, 30),
        today=dt.date(2026, 10, 15),
        article_ids=[],
    )


def _unpaid(branch, member, month: int) -> None:
    DuesEntry.objects.create(
        member=member,
        branch=branch,
        month=dt.date(2026, month, 1),
        base=Decimal(1000),
        computed_amount=Decimal(10),
        amount_due=Decimal(10),
        amount_paid=Decimal(0),
    )


def test_each_branch_gets_its_meetings_and_figures_from_one_query(world) -> None:
    later = make_meeting(world.branch_a, held_at=at(8, 20), members=4, absent=2, resolutions=1)
    earlier = make_meeting(world.branch_a, held_at=at(7, 5), members=2, absent=0, resolutions=0)
    make_meeting(world.branch_a, held_at=at(6, 5))  # before the quarter
    earlier.host = earlier.attendance.first().member
    earlier.save()
    for _ in range(2):  # two files must not double the attendance counts
        MeetingFile.objects.create(
            meeting=earlier, file=ContentFile(b"x", name="s.png"), name="签到表.png", content_type="image/png", size=1
        )
    made_up = later.attendance.filter(present=False).order_by("pk").first()
    made_up.makeup_on = dt.date(2026, 8, 25)
    made_up.save()
    Resolution.objects.filter(meeting=later).update(due_on=dt.date(2026, 9, 1))
    talk = make_meeting(world.branch_a, kind="talk", held_at=at(9, 1), members=1, absent=0, resolutions=0)
    payer = MemberFactory(branch=world.branch_b)
    _unpaid(world.branch_b, payer, 7)
    _unpaid(world.branch_b, payer, 8)
    with CaptureQueriesContext(connection) as queries:
        ledgers = _q3(world.branch_a, world.branch_b)
        a, b = ledgers.of(world.branch_a.pk), ledgers.of(world.branch_b.pk)
    assert len(queries) == 1
    assert "UNION ALL" in queries[0]["sql"]
    rows = [(m.pk, m.kind, m.day, m.expected, m.present, m.absent_open, m.signed) for m in a.meetings]
    assert rows == [
        (earlier.pk, "committee", dt.date(2026, 7, 5), 2, 2, 0, True),
        (later.pk, "committee", dt.date(2026, 8, 20), 4, 2, 1, False),
        (talk.pk, "talk", dt.date(2026, 9, 1), 1, 1, 0, False),
    ]
    assert (a.members, a.talked, a.resolutions_overdue, a.dues_unpaid) == (10, 1, 1, 0)
    assert (b.members, b.meetings, b.dues_unpaid, b.dues_members) == (1, [], 2, 1)


def test_a_branch_without_any_record_reads_as_zeros(world) -> None:
    figures = _q3(world.branch_b).of(world.branch_b.pk)
    assert (figures.members, figures.talked, figures.dues_unpaid, figures.meetings) == (0, 0, 0, [])
    assert _q3().branches == {}
