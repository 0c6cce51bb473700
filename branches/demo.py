"""Demo organisation tree and one login per role, for `make run`."""

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction

from . import abilities
from .models import Organisation, OrgKind, Role, RoleAssignment, User
from .selectors import in_subtree
from .services import organisation_create, organisation_dissolve, role_grant, user_create

DEMO_PASSWORD = "Demo@2026"  # noqa: S105 - printed on purpose: demo logins for a local try-out
ROOT_CODE = "DEMO"


@dataclass
class DemoWorld:
    committee: Organisation
    branches: list[Organisation]
    users: dict[str, User]
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # (username, role, scope)


_TREE = [
    # code, name, kind, parent code, work unit, key unit
    ("DEMO-G1", "机关党总支", OrgKind.GENERAL_BRANCH, ROOT_CODE, "公司机关", False),
    ("DEMO-B01", "综合办公室党支部", OrgKind.BRANCH, "DEMO-G1", "综合办公室", False),
    ("DEMO-B02", "工程管理部党支部", OrgKind.BRANCH, "DEMO-G1", "工程管理部", False),
    ("DEMO-P01", "沪渝高铁一标项目部党支部", OrgKind.BRANCH, ROOT_CODE, "沪渝高铁一标项目部", True),
    ("DEMO-P01-1", "一标项目部第一党小组", OrgKind.GROUP, "DEMO-P01", "桥梁工区", False),
    ("DEMO-P01-2", "一标项目部第二党小组", OrgKind.GROUP, "DEMO-P01", "隧道工区", False),
    ("DEMO-P02", "长江大桥项目部党支部", OrgKind.BRANCH, ROOT_CODE, "长江大桥项目部", True),
    ("DEMO-P03", "城市地铁三号线项目部党支部", OrgKind.BRANCH, ROOT_CODE, "地铁三号线项目部", False),
    ("DEMO-P04", "抽水蓄能电站项目部党支部", OrgKind.BRANCH, ROOT_CODE, "抽水蓄能电站项目部", False),
    ("DEMO-P05", "滨江快速路项目部党支部", OrgKind.BRANCH, ROOT_CODE, "滨江快速路项目部", False),
    ("DEMO-P09", "北环高速项目部党支部", OrgKind.BRANCH, ROOT_CODE, "北环高速项目部（已完工）", False),
]

_USERS = [
    # username, full name, role, organisation code (seed data: the roles the demo grants)
    ("admin", "组织部 王敏", Role.ADMINISTRATOR, ROOT_CODE),
    ("reviewer", "考核组 李强", Role.REVIEWER, ROOT_CODE),
    ("secretary", "一标支部书记 张伟", Role.SECRETARY, "DEMO-P01"),
    ("secretary2", "大桥支部书记 刘洋", Role.SECRETARY, "DEMO-P02"),
    ("member", "党员 陈静", Role.MEMBER, "DEMO-P01"),
    # 大政工: the branch's union chair is given the union articles' tasks.
    ("union", "一标工会主席 赵丽", Role.UNION_CHAIR, "DEMO-P01"),
]


@transaction.atomic
def seed() -> DemoWorld:
    """Creates the demo tree once; later calls return what is there."""
    committee = Organisation.objects.filter(code=ROOT_CODE).first()
    if committee is None:
        committee = organisation_create(
            by=None,
            parent=None,
            code=ROOT_CODE,
            name="中铁示范工程有限公司党委",
            kind=OrgKind.COMMITTEE,
            work_unit="公司本部",
            established_on=dt.date(2005, 7, 1),
        )
        by_code = {ROOT_CODE: committee}
        for code, name, kind, parent_code, unit, key in _TREE:
            by_code[code] = organisation_create(
                by=None,
                parent=by_code[parent_code],
                code=code,
                name=name,
                kind=kind,
                work_unit=unit,
                is_key=key,
                established_on=dt.date(2023, 3, 1),
            )
        # "Where the project goes, the branch goes": a finished project's branch is dissolved.
        organisation_dissolve(
            by=None, organisation=by_code["DEMO-P09"], on=dt.date(2025, 12, 31), reason="项目完工，党支部撤销"
        )
    users: dict[str, User] = {}
    logins = []
    for username, full_name, role, org_code in _USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = user_create(username=username, full_name=full_name, password=DEMO_PASSWORD)
        organisation = Organisation.objects.get(code=org_code)
        role_grant(by=None, user=user, role=role, organisation=organisation)
        users[username] = user
        logins.append((username, Role(role).label, organisation.name))
    branches = list(Organisation.objects.filter(in_subtree(committee), kind=OrgKind.BRANCH).order_by("code"))
    return DemoWorld(committee=committee, branches=branches, users=users, logins=logins)


def secretary_of(branch: Organisation) -> User:
    """The one answering for the branch (its secretary), made (``sec-<code>``, the demo
    password) when it has none: the later apps' demo data is entered by the branch's own
    secretary."""
    answering = abilities.held_outright("organisation.answer_for")
    held = RoleAssignment.objects.filter(answering, organisation=branch).select_related("user").first()
    if held is not None:
        return held.user
    username = f"sec-{branch.code.lower()}"
    user = User.objects.filter(username=username).first() or user_create(
        username=username, full_name=f"{branch.work_unit or branch.name}书记", password=DEMO_PASSWORD
    )
    role_grant(by=None, user=user, role=abilities.role_for("organisation.answer_for"), organisation=branch)
    return user
