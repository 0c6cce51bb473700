"""The demo's development files: three people of 一标 (DEMO-P01) at different stages, kept by
its secretary — an applicant whose talk is due within days, an activist with two contacts half
way to becoming a candidate for admission, and a probationary member (on the roster) whose
probation ends next week — so the workbench and the reminders have something to say."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from branches.demo import DemoWorld
from branches.models import Organisation
from members import id_numbers
from members.models import Member

from . import selectors
from .models import Candidate
from .services import candidate_open, step_record
from .stages import StepKind, add_months

BRANCH = "DEMO-P01"


def _id_number(birth: dt.date, serial: int) -> str:
    taken = set(Member.objects.values_list("id_number", flat=True)) | set(
        Candidate.objects.values_list("id_number", flat=True)
    )
    while True:
        first17 = f"310115{birth:%Y%m%d}{serial:03d}"
        number = first17 + id_numbers.check_char(first17)
        if number not in taken:
            return number
        serial += 1


def _open(branch: Organisation, by, name: str, gender: str, birth: dt.date, applied_on: dt.date, serial: int):
    return candidate_open(
        branch=branch,
        by=by,
        name=name,
        gender=gender,
        birth_date=birth,
        id_number=_id_number(birth, serial),
        phone=f"139{serial:08d}",
        applied_on=applied_on,
    )


@transaction.atomic
def seed(world: DemoWorld, *, today: dt.date | None = None) -> None:
    branch = Organisation.objects.filter(code=BRANCH).first()
    secretary = world.users.get("secretary")
    if branch is None or secretary is None or Candidate.objects.filter(branch=branch).exists():
        return
    full = list(selectors.full_members_of(branch))
    if len(full) < 4:
        return
    today = today or timezone.localdate()
    day = dt.timedelta

    # 入党申请人: applied three weeks and a half ago, the talk is due within days.
    _open(branch, secretary, "刘洋", "male", dt.date(1998, 5, 12), today - day(24), 131)

    # 入党积极分子: two contacts, one half-yearly assessment.
    activist = _open(branch, secretary, "周婷", "female", dt.date(1996, 9, 3), today - day(400), 132)
    step_record(candidate=activist, by=secretary, kind=StepKind.TALK, on=today - day(385), note="支部书记谈话")
    step_record(
        candidate=activist,
        by=secretary,
        kind=StepKind.ACTIVIST,
        on=today - day(300),
        people=full[:2],
        note="支委会确定",
    )
    step_record(candidate=activist, by=secretary, kind=StepKind.ASSESSMENT, on=today - day(120), note="表现良好")

    # 预备党员: on the roster since the committee above approved; probation ends next week.
    admitted = today - day(358)
    publicity_ends = admitted - day(7)
    publicity = publicity_ends - day(8)
    training = publicity - day(10)
    review = training - day(15)
    sponsors = review - day(10)
    prospect = sponsors - day(5)
    chosen = prospect - day(380)
    applied = chosen - day(100)
    member = _open(branch, secretary, "吴磊", "male", dt.date(1994, 2, 20), applied, 133)
    plan = [
        (StepKind.TALK, applied + day(20), {}),
        (StepKind.ACTIVIST, chosen, {"people": full[1:3]}),
        (StepKind.ASSESSMENT, chosen + day(180), {}),
        (StepKind.PROSPECT, prospect, {}),
        (StepKind.SPONSORS, sponsors, {"people": full[2:4]}),
        (StepKind.POLITICAL_REVIEW, review, {"note": "政审合格"}),
        (StepKind.TRAINING, training, {"note": "公司党校第12期发展对象培训班，考试合格"}),
        (StepKind.PUBLICITY, publicity, {"ends_on": publicity_ends, "note": "项目部公示栏及工作群公示，无异议"}),
        (StepKind.ADMITTED, admitted, {"note": "应到28人，实到25人，全票通过"}),
        (StepKind.APPROVED, admitted + day(20), {}),
        (StepKind.OATH, admitted + day(30), {"note": "七一集中宣誓"}),
        # On time, six months into the probation: the next half-year ends with 转正.
        (StepKind.ASSESSMENT, add_months(admitted, 6), {"note": "预备期第一次考察，表现良好"}),
    ]
    for kind, on, extra in plan:
        step_record(candidate=member, by=secretary, kind=kind, on=on, **extra)
