"""The demo's meeting records: three months of 一标 (DEMO-P01)'s organisational life, recorded
by its secretary — some absentees, each made up but one, resolutions some closed and some
open — which complete the period's tasks as recording does."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from branches.demo import DemoWorld
from branches.models import Organisation

from . import selectors
from .kinds import MeetingKind
from .models import Meeting
from .services import Absence, ResolutionInput, attendance_makeup, meeting_record, resolution_close

BRANCH = "DEMO-P01"
REASONS = ["出差", "项目现场值班", "病假", "休假", "参加上级培训"]
# (day of the month, kind, which month of the three — None: every month, place, topics)
PLAN = [
    (6, MeetingKind.COMMITTEE, None, "项目部二楼会议室", "研究本月党建工作安排；讨论发展对象政审情况"),
    (12, MeetingKind.GENERAL, 1, "项目部大会议室", "传达上级党委会议精神；通报党费收缴情况"),
    (12, MeetingKind.LECTURE, 1, "项目部大会议室", "书记讲党课：以高质量党建引领工程建设"),
    (18, MeetingKind.THEME_DAY, None, "桥梁工区党员活动室", "主题党日：重温入党誓词，开展安全隐患排查志愿服务"),
    (22, MeetingKind.GROUP, None, "隧道工区会议室", "党小组学习：学习安全生产有关规定，交流岗位履职情况"),
]
RESOLUTIONS = {
    MeetingKind.COMMITTEE: ["督促党员按时交纳党费", "整理上月会议记录并归档"],
    MeetingKind.GENERAL: ["各党小组组织专题学习讨论"],
    MeetingKind.THEME_DAY: ["完成隐患整改闭环销号"],
}


def _months(today: dt.date) -> list[dt.date]:
    first = today.replace(day=1)
    months = [first]
    for _ in range(2):
        months.insert(0, (months[0] - dt.timedelta(days=1)).replace(day=1))
    return months


@transaction.atomic
def seed(world: DemoWorld) -> None:
    branch = Organisation.objects.filter(code=BRANCH).first()
    secretary = world.users.get("secretary")
    if branch is None or secretary is None or Meeting.objects.filter(branch=branch).exists():
        return
    roster = list(selectors.roster_of(branch))
    if len(roster) < 10:
        return
    host = next((m for m in roster if m.user_id == secretary.pk), roster[0])
    recorder = next(m for m in roster if m != host)
    committee = [host, *[m for m in roster if m not in (host, recorder)][:3], recorder]
    now = timezone.localtime()
    today = now.date()
    left_without_makeup = False
    n = 0
    for index, month in enumerate(_months(today)):
        for day, kind, only, place, topics in PLAN:
            if only is not None and only != index:
                continue
            held = timezone.make_aware(dt.datetime(month.year, month.month, day, 9 if n % 2 else 14, 30))
            if held >= now:
                continue
            n += 1
            if kind == MeetingKind.COMMITTEE:
                expected = committee
            elif kind == MeetingKind.GROUP:
                expected = roster[: len(roster) // 2]
            else:
                expected = roster
            absent = [m for m in expected if m not in (host, recorder)][n % 3 :: 9][: 1 + n % 3]
            if kind == MeetingKind.COMMITTEE:
                absent = absent[:1] if n % 2 else []
            due = held.date() + dt.timedelta(days=20)
            meeting = meeting_record(
                branch=branch,
                by=secretary,
                kind=kind,
                held_at=held,
                place=place,
                topics=topics,
                speeches=f"{host.name}：{topics.split('；')[0]}，要求全体党员对标对表抓落实。\n{recorder.name}：记录并通报有关情况。",
                host=host,
                recorder=recorder,
                expected=expected,
                absences=[Absence(member=m, reason=REASONS[(n + i) % len(REASONS)]) for i, m in enumerate(absent)],
                resolutions=[
                    ResolutionInput(text=text, owner_member=expected[(i + 1) % len(expected)], due_on=due)
                    for i, text in enumerate(RESOLUTIONS.get(kind, []))
                ],
            )
            for row in meeting.attendance.filter(present=False).order_by("pk"):
                # One absentee of the first theme day never made up the study.
                if kind == MeetingKind.THEME_DAY and not left_without_makeup:
                    left_without_makeup = True
                    continue
                on = min(held.date() + dt.timedelta(days=3), today)
                attendance_makeup(row=row, by=secretary, on=on, led_by=host, note="支部书记单独传达会议精神")
            for resolution in meeting.resolutions.all():
                if resolution.due_on < today:
                    resolution_close(resolution=resolution, by=secretary, note="已按期完成")
