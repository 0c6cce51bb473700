"""The demo roster (党员名册): some 150 members over the demo's active branches, with Chinese
names, categories and dates in the past, for `make run`. The demo's member and secretary
logins are members of 一标 (DEMO-P01), so attendance and their own records can be shown."""

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from branches.demo import DemoWorld
from branches.models import Organisation, OrgKind, OrgStatus

from . import id_numbers
from .models import Category, Education, Gender, Member
from .services import member_create, member_mark_flowing

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN_MALE = "伟强磊军勇杰涛明超斌刚平辉鹏华飞鑫波宇浩凯健俊帆峰建国志海成亮龙"
GIVEN_FEMALE = "芳娜敏静丽艳娟霞秀玲燕红梅琳雪婷慧莉倩颖洁晶丹欣怡萍璐"
POSTS = [
    "项目经理",
    "总工程师",
    "安全总监",
    "工程部部长",
    "技术员",
    "施工员",
    "质检工程师",
    "安全员",
    "测量工程师",
    "试验员",
    "物资部部长",
    "材料员",
    "财务部部长",
    "会计",
    "综合办主任",
    "办事员",
    "机械工程师",
    "商务经理",
    "造价工程师",
    "班组长",
]
REGIONS = ["420102", "420106", "510104", "500103", "310104", "110105", "430102", "610113", "370102", "320106"]
EDUCATION_WEIGHTS = [
    (Education.POSTGRADUATE, 2),
    (Education.BACHELOR, 10),
    (Education.COLLEGE, 5),
    (Education.SECONDARY, 2),
    (Education.HIGH_SCHOOL, 1),
]
FLOWING_TO = ["雄安新区项目部（外派支援）", "深圳地铁十四号线项目部", "海外事业部（沙特项目）"]
# Members per demo branch; the project branches are larger than the offices.
SIZES = {"DEMO-P01": 30, "DEMO-P02": 24, "DEMO-P03": 22, "DEMO-P04": 20, "DEMO-P05": 20, "DEMO-B01": 18, "DEMO-B02": 18}
# The demo's logins who are members of 一标: (username, name, gender, post).
LOGIN_MEMBERS = [
    ("secretary", "张伟", Gender.MALE, "党支部书记、项目副经理"),
    ("member", "陈静", Gender.FEMALE, "技术员"),
]


def _name(rng: random.Random, gender: str, taken: set[str]) -> str:
    given = GIVEN_MALE if gender == Gender.MALE else GIVEN_FEMALE
    while True:
        name = rng.choice(SURNAMES) + "".join(rng.choice(given) for _ in range(rng.choice((1, 2))))
        if name not in taken:
            taken.add(name)
            return name


def _fields(rng: random.Random, seq: int, today: dt.date, *, name: str, gender: str, post: str) -> dict:
    birth = dt.date(rng.randint(1966, 2000), rng.randint(1, 12), rng.randint(1, 28))
    first17 = f"{rng.choice(REGIONS)}{birth:%Y%m%d}{seq % 1000:03d}"
    probationary = rng.random() < 0.08
    if probationary:
        joined = today - dt.timedelta(days=rng.randint(60, 330))
    else:
        earliest = birth.replace(year=birth.year + 20)
        joined = earliest + dt.timedelta(days=rng.randint(0, max(1, (today - earliest).days - 400)))
    age = today.year - birth.year
    return {
        "name": name,
        "gender": gender,
        "ethnicity": rng.choice(["汉族"] * 12 + ["回族", "土家族", "壮族", "满族"]),
        "birth_date": birth,
        "id_number": first17 + id_numbers.check_char(first17),
        "phone": f"1{rng.choice('35789')}{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}",
        "education": rng.choices([e for e, _ in EDUCATION_WEIGHTS], [w for _, w in EDUCATION_WEIGHTS])[0],
        "post": post,
        "category": Category.PROBATIONARY if probationary else Category.FULL,
        "joined_on": joined,
        "full_member_on": None if probationary else joined + dt.timedelta(days=365 + rng.randint(0, 20)),
        "is_union_member": rng.random() < 0.9,
        "is_league_member": age <= 28,
    }


@transaction.atomic
def seed(world: DemoWorld) -> None:
    """Once: a demo branch that already has members is left as it is."""
    branches = {
        b.code: b
        for b in Organisation.objects.filter(
            pk__in=[b.pk for b in world.branches], kind=OrgKind.BRANCH, status=OrgStatus.ACTIVE
        )
    }
    if Member.objects.filter(branch__in=branches.values()).exists():
        return
    rng = random.Random(15)  # noqa: S311 - demo data, the same every time
    today = timezone.localdate()
    taken: set[str] = {name for _, name, _, _ in LOGIN_MEMBERS}
    seq = 0
    for code, size in SIZES.items():
        branch = branches.get(code)
        if branch is None:
            continue
        people = []
        if code == "DEMO-P01":
            for username, name, gender, post in LOGIN_MEMBERS:
                seq += 1
                member = member_create(
                    branch=branch, by=None, **_fields(rng, seq, today, name=name, gender=gender, post=post)
                )
                member.user = world.users[username]
                member.save(update_fields=["user"])
                people.append(member)
        while len(people) < size:
            seq += 1
            gender = Gender.MALE if rng.random() < 0.78 else Gender.FEMALE
            fields = _fields(rng, seq, today, name=_name(rng, gender, taken), gender=gender, post=rng.choice(POSTS))
            people.append(member_create(branch=branch, by=None, **fields))
        # Members are scattered: one of each project branch works elsewhere for now (流动党员).
        if code.startswith("DEMO-P") and code != "DEMO-P01":
            member_mark_flowing(
                member=people[-1],
                flowing_to=rng.choice(FLOWING_TO),
                on=today - dt.timedelta(days=40),
                reason="外派支援",
                by=None,
            )
