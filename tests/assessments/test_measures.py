"""Every measure on hand-built quarters: what the records show and the count they suggest."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments.measures import measure_card, measure_cards
from dues.models import DuesEntry
from meetings.models import Attendance, MeetingFile, Resolution
from tasks.models import TaskStatus
from tests.factories import MemberFactory, make_meeting, make_org, make_task, open_scorecard

AFTER_Q3 = dt.date(2026, 10, 15)
AFTER_Q4 = dt.date(2027, 1, 15)


def at(month: int, day: int, year: int = 2026) -> dt.datetime:
    return timezone.make_aware(dt.datetime(year, month, day, 19, 0))


def rule_of(card, code: str, n: int):
    article = card.edition.articles.get(code=code)
    return article.deductions.order_by("position", "pk")[n]


def measured(card, code: str, n: int, today: dt.date = AFTER_Q3):
    return measure_card(card, today=today)[rule_of(card, code, n).pk]


@pytest.fixture
def card(world, default_edition):
    return open_scorecard(world.branch_a, year=2026, quarter=3)


def test_two_committee_meetings_of_three_required_suggest_one(world, card):
    make_meeting(world.branch_a, held_at=at(7, 10), absent=0)
    make_meeting(world.branch_a, held_at=at(8, 10), absent=0)
    make_meeting(world.branch_a, held_at=at(6, 10), absent=0)  # the quarter before: not counted
    make_meeting(world.branch_b, held_at=at(9, 10), absent=0)  # another branch: not counted
    result = measured(card, "1-01", 0)
    assert result.count == 1
    assert "2/3" in result.facts[0].text
    assert f"quarter={card.period}" in result.facts[0].url and "kind=committee" in result.facts[0].url


def test_general_meeting_and_lecture_each_counted(world, card):
    make_meeting(world.branch_a, kind="general", held_at=at(7, 20), absent=0)
    result = measured(card, "1-01", 1)
    assert result.count == 1  # the lecture is missing
    assert [f.text.split()[-1] for f in result.facts] == ["1/1", "0/1"]


def test_attendance_below_ninety_per_cent(world, card):
    make_meeting(world.branch_a, held_at=at(7, 10), members=4, absent=1)  # 75 %
    make_meeting(world.branch_a, held_at=at(8, 10), members=3, absent=0)  # 100 %
    result = measured(card, "1-01", 2)
    assert result.count == 1
    assert "86%" in result.facts[0].text  # 6 of 7
    assert len(result.facts) == 2 and result.facts[1].url.startswith("/meetings/")


def test_absentees_without_make_up_study(world, card):
    meeting = make_meeting(world.branch_a, held_at=at(7, 10), members=4, absent=2)
    assert measured(card, "1-01", 3).count == 2
    row = Attendance.objects.filter(meeting=meeting, present=False).first()
    row.makeup_on = dt.date(2026, 7, 20)
    row.save()
    assert measured(card, "1-01", 3).count == 1


def test_theme_day_below_ninety_only_counts_without_make_up(world, card):
    meeting = make_meeting(world.branch_a, kind="theme_day", held_at=at(7, 1), members=3, absent=1)
    assert measured(card, "2-01", 2).count == 1
    Attendance.objects.filter(meeting=meeting, present=False).update(makeup_on=dt.date(2026, 7, 5))
    assert measured(card, "2-01", 2).count == 0
    assert measured(card, "2-01", 0).count == 2  # one theme day of three


def test_meetings_without_host_or_sign_in_sheet(world, card):
    bare = make_meeting(world.branch_a, held_at=at(7, 10), absent=0)
    signed = make_meeting(world.branch_a, held_at=at(8, 10), absent=0)
    signed.host = signed.attendance.first().member
    signed.save()
    MeetingFile.objects.create(
        meeting=signed, file=ContentFile(b"x", name="sign.png"), name="签到表.png", content_type="image/png", size=1
    )
    result = measured(card, "3-04", 2)
    assert result.count == 1
    assert result.facts[1].url.endswith(f"/{bare.pk}/")


def test_open_resolutions_past_due(world, card):
    meeting = make_meeting(world.branch_a, held_at=at(7, 10), resolutions=2)
    first, second = meeting.resolutions.all()
    Resolution.objects.filter(pk=first.pk).update(due_on=dt.date(2026, 8, 1))
    Resolution.objects.filter(pk=second.pk).update(due_on=dt.date(2026, 8, 1), closed_at=at(7, 30))
    assert measured(card, "3-13", 1).count == 1
    Resolution.objects.filter(pk=first.pk).update(closed_at=at(11, 1))  # closed after the quarter
    assert measured(card, "3-13", 1).count == 1
    Resolution.objects.filter(pk=first.pk).update(closed_at=at(9, 1))
    assert measured(card, "3-13", 1).count == 0


def test_dues_not_paid_in_full(world, card):
    member = MemberFactory(branch=world.branch_a)
    for month, paid in ((7, "0"), (8, "10"), (9, "5"), (10, "0")):
        DuesEntry.objects.create(
            member=member,
            branch=world.branch_a,
            month=dt.date(2026, month, 1),
            base=Decimal(1000),
            computed_amount=Decimal(10),
            amount_due=Decimal(10),
            amount_paid=Decimal(paid),
        )
    result = measured(card, "1-06", 0)
    assert result.count == 2  # July and September; October is another quarter
    assert result.facts[0].url == f"/dues/org/{world.branch_a.pk}/"


def test_required_tasks_not_done_by_due_date(world, card):
    article = card.edition.articles.get(code="1-08")
    make_task(world.branch_a, article, due_on=dt.date(2026, 9, 30))
    make_task(world.branch_a, article, due_on=dt.date(2026, 8, 31), status=TaskStatus.DONE, delay_days=3)
    make_task(world.branch_a, article, due_on=dt.date(2026, 7, 31), status=TaskStatus.DONE, delay_days=0)
    make_task(world.branch_a, article, due_on=dt.date(2026, 12, 31))  # the next quarter
    assert measured(card, "1-08", 0).count == 2
    # While the quarter runs, a task not yet due is not late.
    assert measured(card, "1-08", 0, today=dt.date(2026, 9, 15)).count == 1


def test_talks_cover_every_member_in_the_half_year(world, default_edition):
    q4 = open_scorecard(world.branch_a, year=2026, quarter=4)
    talk = make_meeting(world.branch_a, kind="talk", held_at=at(8, 1), members=2, absent=1)
    make_meeting(world.branch_a, kind="talk", held_at=at(3, 1), members=1, absent=0)  # first half
    result = measured(q4, "1-04", 0, today=AFTER_Q4)
    assert result.count == 2  # three on the roll, one talked with since July
    assert "1" in result.facts[0].text and "3" in result.facts[0].text
    assert talk.pk


def test_a_rule_that_applies_once_suggests_at_most_one(world, default_edition):
    q4 = open_scorecard(world.branch_a, year=2026, quarter=4)
    assert measured(q4, "1-02", 0, today=AFTER_Q4).count == 1
    make_meeting(world.branch_a, kind="org_life", held_at=at(2, 20), absent=0)  # the year counts
    assert measured(q4, "1-02", 0, today=AFTER_Q4).count == 0


def test_an_article_not_assessed_this_quarter_has_no_suggestion(card):
    assert rule_of(card, "1-02", 0).pk not in measure_card(card, today=AFTER_Q3)


def test_measures_of_many_cards_take_the_same_queries_as_one(world, default_edition):
    cards = [open_scorecard(world.branch_a, year=2026, quarter=3)]
    for n in range(19):
        branch = make_org(world.general, name=f"支部{n}", code=f"X{n}")
        make_meeting(branch, held_at=at(7, 10))
        cards.append(open_scorecard(branch, year=2026, quarter=3))
    make_meeting(world.branch_a, held_at=at(7, 10))
    with CaptureQueriesContext(connection) as one:
        measure_cards(cards[:1], today=AFTER_Q3)
    with CaptureQueriesContext(connection) as twenty:
        result = measure_cards(cards, today=AFTER_Q3)
    assert len(one) == len(twenty) == 3  # the rules, the meetings with the branch figures, the tasks
    rule = rule_of(cards[5], "1-01", 0)
    assert result[cards[5].pk][rule.pk].count == 2


def test_the_measures_know_the_services_largest_count_and_quarters():
    from assessments.measures import ledgers, registry
    from assessments.services import scorecards

    assert registry.MAX_COUNT == scorecards.MAX_COUNT
    for year, quarter in ((2026, 1), (2028, 1), (2026, 4)):
        assert ledgers.quarter_start(year, quarter) == scorecards.quarter_start(year, quarter)
        assert ledgers.quarter_end(year, quarter) == scorecards.quarter_end(year, quarter)
