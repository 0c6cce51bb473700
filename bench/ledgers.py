"""The measures on deduction rules over a year of ledgers.

    python bench/ledgers.py [--branches 2000] [--members 30] [--json]

Builds BRANCHES branches of MEMBERS members each with a year (2026) of ledgers: every month a
committee meeting, a group meeting and a theme Party day, every quarter a general meeting and
a Party lecture, once a year the organisational life meeting and the appraisal, each with its
attendance (some absent, some made up), files on most, resolutions with due dates; every
member's dues month by month, some unpaid; handbook tasks of the measured articles, some
late. 2,000 × 30 is the issue's size (use PostgreSQL through DATABASE_URL for it); the
default is small enough for the embedded SQLite.

Prints: the scorecard page with its suggestions (median server time and queries), a line
save (which measures the line), and the measures of every branch of a quarter (time, and the
queries for 20 branches and for all of them: the same).
"""

import datetime as dt
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import Row, emit, setup_django

REQUESTS = 9
PASSWORD = "Bench@2026-x"  # noqa: S105 - a throw-away database
YEAR = 2026


def _arg(name: str, default: int) -> int:
    if name in sys.argv:
        return int(sys.argv[sys.argv.index(name) + 1])
    return default


def _median_ms(run, n: int = REQUESTS) -> float:
    run()  # warm-up
    times = []
    for _ in range(n):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


# kind → (meetings a year, expected attendees: None = every member, or how many)
SCHEDULE = {
    "committee": ([m for m in range(1, 13)], 5),
    "group": ([m for m in range(1, 13)], 10),
    "theme_day": ([m for m in range(1, 13)], None),
    "general": ([3, 6, 9, 12], None),
    "lecture": ([2, 5, 8, 11], None),
    "org_life": ([12], None),
    "appraisal": ([12], None),
    "talk": ([4, 10], 8),
}


def build(branches: int, members: int) -> dict:
    from django.db import transaction
    from django.utils import timezone

    from branches.models import Organisation, OrgKind, Role
    from branches.services import organisation_create, role_grant, user_create
    from dues.models import DuesEntry
    from handbook.services import load_default_edition
    from meetings.models import Attendance, Meeting, MeetingFile, Resolution
    from members.models import Member
    from tasks.models import Task

    rng = random.Random(11)
    edition = load_default_edition()
    with transaction.atomic():
        committee = organisation_create(by=None, parent=None, code="LEDG", name="台账基准党委", kind=OrgKind.COMMITTEE)
        orgs = Organisation.objects.bulk_create(
            Organisation(
                code=f"LEDG-{i:05d}",
                name=f"台账第{i}党支部",
                kind=OrgKind.BRANCH,
                parent=committee,
                depth=1,
                path="/pending/",
            )
            for i in range(branches)
        )
        for org in orgs:
            org.path = f"{committee.path}{org.pk}/"
        Organisation.objects.bulk_update(orgs, ["path"], batch_size=1000)
        reviewer = user_create(username="ledg-reviewer", full_name="考核员", password=PASSWORD)
        role_grant(by=None, user=reviewer, role=Role.REVIEWER, organisation=committee)
        secretary = user_create(username="ledg-secretary", full_name="书记", password=PASSWORD)
        role_grant(by=None, user=secretary, role=Role.SECRETARY, organisation=orgs[0])
        Member.objects.bulk_create(
            (
                Member(
                    name=f"党员{b}-{m}",
                    gender="male" if m % 2 else "female",
                    birth_date=dt.date(1980 + m % 20, 1 + m % 12, 1 + m % 28),
                    id_number=f"B{b:08d}{m:09d}",
                    category="full",
                    joined_on=dt.date(2010, 1, 1),
                    branch=org,
                )
                for b, org in enumerate(orgs)
                for m in range(members)
            ),
            batch_size=5000,
        )
    roster: dict[int, list[int]] = {}
    for pk, branch_id in Member.objects.filter(branch__in=orgs).values_list("pk", "branch_id").order_by("pk"):
        roster.setdefault(branch_id, []).append(pk)

    for org in orgs:
        with transaction.atomic():
            people = roster[org.pk]
            meetings = []
            for kind, (months, _expected) in SCHEDULE.items():
                for month in months:
                    if rng.random() < 0.08:  # a meeting the branch did not hold
                        continue
                    day = dt.datetime(YEAR, month, rng.randint(3, 27), 19, 0)
                    meetings.append(
                        Meeting(
                            branch=org,
                            kind=kind,
                            held_at=timezone.make_aware(day),
                            place="项目部会议室",
                            topics="学习上级文件精神",
                            host_id=people[0] if rng.random() < 0.9 else None,
                        )
                    )
            Meeting.objects.bulk_create(meetings)
            rows = []
            for meeting in meetings:
                expected = SCHEDULE[meeting.kind][1]
                chosen = people if expected is None else people[:expected]
                for n, member in enumerate(chosen):
                    absent = rng.random() < 0.06 and n
                    rows.append(
                        Attendance(
                            meeting=meeting,
                            member_id=member,
                            present=not absent,
                            absence_reason="出差" if absent else "",
                            makeup_on=meeting.held_at.date() + dt.timedelta(days=7)
                            if absent and rng.random() < 0.6
                            else None,
                        )
                    )
            Attendance.objects.bulk_create(rows, batch_size=5000)
            MeetingFile.objects.bulk_create(
                MeetingFile(
                    meeting=m, file=f"meetings/{m.pk}/sign.png", name="签到表.png", content_type="image/png", size=1
                )
                for m in meetings
                if rng.random() < 0.85
            )
            Resolution.objects.bulk_create(
                Resolution(
                    meeting=m,
                    text="落实会议决定",
                    due_on=m.held_at.date() + dt.timedelta(days=30),
                    closed_at=m.held_at + dt.timedelta(days=20) if rng.random() < 0.8 else None,
                )
                for m in meetings
                if m.kind == "committee"
            )
            DuesEntry.objects.bulk_create(
                (
                    DuesEntry(
                        member_id=member,
                        branch=org,
                        month=dt.date(YEAR, month, 1),
                        base=Decimal(5000),
                        computed_amount=Decimal(25),
                        amount_due=Decimal(25),
                        amount_paid=Decimal(0) if rng.random() < 0.03 else Decimal(25),
                        paid_on=None,
                    )
                    for member in people
                    for month in range(1, 12)
                ),
                batch_size=5000,
            )
    measured = list(edition.articles.filter(deductions__measure="tasks_late").distinct())
    with transaction.atomic():
        Task.objects.bulk_create(
            (
                Task(
                    branch=org,
                    article=article,
                    title=article.title,
                    frequency=article.frequency,
                    period_key=f"{YEAR}-{month:02d}",
                    period_start=dt.date(YEAR, month, 1),
                    period_end=dt.date(YEAR, month, 28),
                    due_on=dt.date(YEAR, month, 25),
                    status="done" if rng.random() < 0.85 else "open",
                    delay_days=rng.choice([0, 0, 0, 2]),
                )
                for org in orgs
                for article in measured
                for month in (3, 6, 9, 12)
            ),
            batch_size=5000,
        )
    return {"committee": committee, "orgs": orgs, "secretary": secretary, "edition": edition}


def main() -> None:
    setup_django()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from assessments.measures import measure_cards
    from assessments.models import Scorecard, ScorecardLine
    from assessments.services.scorecards import scorecard_open

    branches = _arg("--branches", 60)
    members = _arg("--members", 30)
    started = time.perf_counter()
    made = build(branches, members)
    rows = [
        Row(f"data: a year of ledgers, {branches} branches × {members} members", time.perf_counter() - started, "s")
    ]

    card = scorecard_open(branch=made["orgs"][0], year=YEAR, quarter=3, by=made["secretary"])
    secretary = Client()
    secretary.force_login(made["secretary"])
    page = reverse("assessments:scorecard", args=[card.pk])
    rows.append(
        Row("scorecard page with suggestions GET (median)", _median_ms(lambda: secretary.get(page)), "ms", "≤ 150 ms")
    )
    with CaptureQueriesContext(connection) as captured:
        body = secretary.get(page).content.decode()
    assert "sc-suggested" in body
    rows.append(Row("scorecard page with suggestions, queries", len(captured), "queries", "≤ 10"))

    line = card.lines.select_related("article").get(article__code="2-05")
    rule = line.article.deductions.order_by("position", "pk").first()
    save_url = reverse("assessments:line_save", args=[card.pk, line.pk])

    def save() -> None:
        version = ScorecardLine.objects.values_list("version", flat=True).get(pk=line.pk)
        response = secretary.post(
            save_url,
            {
                "line_version": version,
                f"count-{rule.pk}": version % 2,
                f"reason-{rule.pk}": "纸质台账",
                "note": f"第{version}次",
            },
            HTTP_ACCEPT="application/json",
        )
        assert response.status_code == 200, response.content

    rows.append(Row("measured line save (median)", _median_ms(save), "ms", "≤ 250 ms"))

    # Every branch's card of the quarter, measured at once.
    cards = [card] + [
        Scorecard(pk=-n, branch=org, year=YEAR, quarter=3, edition=made["edition"])
        for n, org in enumerate(made["orgs"][1:], start=1)
    ]
    counts = {}
    for size in (20, len(cards)):
        with CaptureQueriesContext(connection) as captured:
            measure_cards(cards[:size], today=dt.date(YEAR, 10, 15))
        counts[size] = len(captured)
    assert counts[20] == counts[len(cards)], counts
    rows.append(
        Row(f"measures of a quarter, queries at 20 / {len(cards)} branches", counts[len(cards)], "queries", "constant")
    )
    ms = _median_ms(lambda: measure_cards(cards, today=dt.date(YEAR, 10, 15)), n=3)
    rows.append(Row(f"measures of a quarter, {len(cards)} branches (median)", ms, "ms"))
    emit(rows, as_json="--json" in sys.argv)


if __name__ == "__main__":
    main()
