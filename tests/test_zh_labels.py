"""Chinese everywhere: no page of the role × URL table shows a stored code (a choice value such
as ``average`` or ``on_roll``, an audit action such as ``role_granted``, an audit target kind
such as ``members roster``) where its translated label belongs.

Every page of the table is rendered in zh-hans, as each role that may open it, over data like
the demo's (graded scorecards, upgrade plans, tasks in every state, members in every status,
imports, proposals, an audit log with every action), and its visible text is searched for the
codes as whole words.
"""

import datetime as dt
import re
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from branches import audit
from branches import demo as branches_demo
from branches.audit import Action
from branches.models import AuditEvent, Role, User
from branches.services import organisation_dissolve, organisation_move, role_grant, role_revoke
from handbook.models import Edition
from members import services as member_services
from members.models import Education, ImportStatus, MemberImport, MemberStatus
from tests.conftest import World, client_for
from tests.factories import MemberFactory, make_edition, make_meeting, make_org, make_task
from tests.test_url_access import TABLE
from tests.url_table import ROLES

PROJECT_APPS = ["branches", "members", "tasks", "assessments", "handbook"]


def stored_codes() -> set[str]:
    """Every choice value of the project's models, the audit actions and the audit target
    kinds — those that could only be a code on a Chinese page: with a letter, three characters
    or more, and an English word or an underscore (all of the project's are)."""
    codes: set[str] = set(Action.values) | set(audit.TARGET_KINDS)
    for app in PROJECT_APPS:
        config = apps.get_app_config(app)
        for model in config.get_models():
            for field in model._meta.get_fields():
                for value, _label in getattr(field, "flatchoices", None) or []:
                    codes.add(str(value))
        # Choices kept in a list rather than a field (the review's methods, in a JSON list).
        for name in dir(config.models_module):
            member = getattr(config.models_module, name)
            if isinstance(member, type) and issubclass(member, models.Choices) and member is not models.Choices:
                codes |= {str(value) for value in member.values}
    return {c for c in codes if len(c) >= 3 and re.search(r"[A-Za-z]", c) and re.fullmatch(r"[a-z_ ]+", c)}


class _VisibleText(HTMLParser):
    """The text nodes of a page: no tags, no attributes, nothing inside script or style."""

    HIDDEN = {"script", "style", "template"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in self.HIDDEN:
            self._hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    # Separate text nodes so that two of them never join into one word.
    return " ".join(parser.parts)


def codes_pattern(codes: set[str]) -> re.Pattern[str]:
    # A whole word in ASCII terms: `\b` would see no boundary between a Chinese character and a
    # Latin letter (both are word characters), and an underscore continues a code.
    alternatives = "|".join(re.escape(c) for c in sorted(codes, key=len, reverse=True))
    return re.compile(rf"(?<![A-Za-z0-9_])(?:{alternatives})(?![A-Za-z0-9_])")


def test_the_pattern_finds_a_code_as_a_whole_word_only() -> None:
    pattern = codes_pattern({"average", "on_roll", "members roster"})
    assert pattern.findall("等级 average 一般average") == ["average", "average"]
    assert pattern.findall("导出 members roster") == ["members roster"]
    assert pattern.findall("averages on_roll_x xon_roll") == []
    assert visible_text('<p title="average">一般<script>var a = "poor";</script></p>') == "一般"


def test_every_code_collected_is_the_kind_a_page_must_not_show() -> None:
    codes = stored_codes()
    assert {"average", "on_roll", "role_granted", "sign_in", "members roster", "site_visit"} <= codes
    assert "a" not in codes


def _rename_users(world: World) -> None:
    """The fixture users are called after their roles (``administrator``, ``member``…), which
    are also codes; they get plain names here, and the audit lines already written follow."""
    for n, role in enumerate(["administrator", "reviewer", "secretary_a", "secretary_b", "member", "outsider"]):
        user = getattr(world, role)
        new = f"u{n:02d}"
        AuditEvent.objects.filter(target=user.username).update(target=new)
        AuditEvent.objects.filter(actor_name=user.username).update(actor_name=new)
        User.objects.filter(pk=user.pk).update(username=new)
        user.refresh_from_db()


def _members(world: World) -> None:
    """Members of A in every status and of every education, and a transfer of every kind."""
    today = timezone.localdate()
    for n, status in enumerate(MemberStatus.values):
        MemberFactory(branch=world.branch_a, status=status, education=Education.values[n % len(Education.values)])
    admin = world.administrator
    joined = member_services.member_create(branch=world.branch_a, by=admin, **_member_fields())
    member_services.member_transfer(member=joined, to_branch=world.branch_b, on=today, reason="工作调动", by=admin)
    member_services.member_transfer(member=joined, to_branch=world.branch_a, on=today, reason="调回", by=admin)
    member_services.member_mark_flowing(member=joined, flowing_to="外地", on=today, reason="外出务工", by=admin)
    member_services.member_return(member=joined, on=today, by=admin)
    member_services.member_change_status(
        member=joined, status=MemberStatus.SUSPENDED, on=today, reason="停止党籍", by=admin
    )
    leaving = MemberFactory(branch=world.branch_a)
    member_services.member_transfer_out(member=leaving, on=today, reason="转往外单位", by=admin)
    for status in ImportStatus.values:
        MemberImport.objects.create(
            organisation=world.branch_a, created_by=admin, original_name="名册.xlsx", status=status, file="x.xlsx"
        )


def _member_fields() -> dict:
    probe = MemberFactory.build()
    return {
        "name": "新党员",
        "gender": probe.gender,
        "birth_date": probe.birth_date,
        "id_number": probe.id_number,
        "category": probe.category,
        "joined_on": probe.joined_on,
        "full_member_on": probe.full_member_on,
    }


def _audit_events(world: World) -> None:
    """Every action of the audit log, most of them by the code paths that write them."""
    Client().post(reverse("login"), {"username": world.outsider.username, "password": "wrong"})  # sign_in_failed
    client = client_for(world, "administrator")  # sign_in
    client.get(reverse("members:export", kwargs={"pk": world.branch_a.pk}))  # export
    client.post(reverse("logout"))  # sign_out
    group = make_org(world.branch_b, name="二号项目部第一党小组", code="B1")
    organisation_move(by=None, organisation=group, new_parent=world.branch_a)
    organisation_dissolve(by=None, organisation=group, on=timezone.localdate(), reason="合并")
    grant = role_grant(by=None, user=world.outsider, role=Role.REVIEWER, organisation=world.general)
    role_revoke(by=None, assignment=grant)
    audit.record(Action.IMPORT, organisation=world.branch_a, target="members import #1", detail={"new": 1})
    audit.record(
        Action.API_TOKENS_REVOKED,
        actor=world.administrator,
        target=world.administrator.get_username(),
        detail={"count": 1},
    )
    audit.record(Action.PASSWORD_CHECK_FAILED, actor=world.administrator, target=world.administrator.get_username())
    _meeting_corrections(world)
    missing = set(Action.values) - set(AuditEvent.objects.values_list("action", flat=True))
    assert missing == set(), "the data should hold every audit action"


def _meeting_corrections(world: World) -> None:
    """A record corrected, a file added later and removed (meetings.corrections)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from meetings.corrections import meeting_file_remove, meeting_files_add, meeting_update

    meeting = make_meeting(world.branch_a)
    fields = {name: getattr(meeting, name) for name in ("kind", "held_at", "place")}
    meeting = meeting_update(meeting=meeting, by=world.secretary_a, version=1, topics="更正议题", **fields)
    pdf = SimpleUploadedFile("签到表.pdf", b"%PDF-1.4 x", content_type="application/pdf")
    meeting_files_add(meeting=meeting, by=world.secretary_a, files=[pdf])
    meeting_file_remove(stored=meeting.files.get(), by=world.secretary_a)


def _tasks_of_a(world: World) -> None:
    """Work of branch A in every state, with an event of every kind (months of 2025, clear of
    the role table's own task of November 2026)."""
    from tasks.models import Quality
    from tasks.services import (
        task_assign,
        task_cancel,
        task_check,
        task_comment,
        task_complete,
        task_release,
        task_reply,
        task_supervise,
    )

    article = Edition.objects.get(version="T1").articles.filter(frequency="monthly").first()
    months = iter(range(1, 13))
    for quality in Quality.values:
        task = task_complete(
            task=make_task(world.branch_a, article, due_on=dt.date(2025, next(months), 25)),
            by=world.secretary_a,
            note="已完成",
            files=[SimpleUploadedFile("记录.pdf", b"%PDF-1.4 x", content_type="application/pdf")],
        )
        task_check(task=task, by=world.reviewer, quality=quality, comment="资料齐全")
    task_complete(
        task=make_task(world.branch_a, article, due_on=dt.date(2025, next(months), 25)),
        by=world.secretary_a,
        note="已完成",
    )
    task_cancel(
        task=make_task(world.branch_a, article, due_on=dt.date(2025, next(months), 25)),
        by=world.secretary_a,
        reason="不适用",
    )
    task = make_task(world.branch_a, article, due_on=dt.date(2025, next(months), 25))
    task_assign(task=task, assignee=world.secretary_a, by=world.secretary_a)
    task_supervise(task=task, by=world.reviewer, comment="请尽快完成")
    task_comment(task=task, by=world.reviewer, text="已电话提醒")
    task_reply(task=task, by=world.secretary_a, text="本周完成")
    task_release(task=task, by=world.reviewer)
    task_supervise(
        task=make_task(world.branch_a, article, due_on=dt.date(2025, next(months), 25)),
        by=world.reviewer,
        comment="督办",
    )


def _proposals(world: World) -> None:
    """Proposals open, accepted into a draft and declined, on several fields."""
    from handbook.services import edition_start_draft, proposal_accept, proposal_create, proposal_decline

    article = Edition.objects.get(version="T1").articles.first()
    draft = edition_start_draft(source=article.edition, version="T2")
    made = [
        proposal_create(article=article, field=field, proposed_text="新写法", reason="更清楚", by=world.secretary_a)
        for field in ("what", "evidence", "title")
    ]
    proposal_create(article=None, field="new_article", proposed_text="新条款", reason="补空白", by=world.secretary_a)
    proposal_accept(proposal=made[0], draft=draft, reply="采纳", by=world.administrator)
    proposal_decline(proposal=made[1], reply="暂不采纳", by=world.administrator)


@pytest.fixture
def lived_in(world: World, settings) -> World:
    from assessments import demo as assessments_demo
    from tasks import demo as tasks_demo
    from tasks.models import ReminderSheet, Task

    _rename_users(world)
    # The role table's small edition (the one its cases look for), in force before the demo
    # so that the demo's work and scorecards follow it too.
    make_edition(version="T1")
    # The demo's work and quarters follow today's date; they go to branch B, so that they
    # never meet branch A's objects that the role table makes for each page (a draft card and
    # a final one for 2026Q3, a task and a reminder sheet for November 2026).
    # The small edition's cards lose few points: tighter thresholds spread them over all four
    # grades, so that upgrade plans are opened and closed (a plan closes only at a better
    # grade; yearly work is deducted in Q4 only, so the cards lose fewer points).
    settings.ASSESSMENT_GRADE_THRESHOLDS = {"good": 95, "fairly_good": 93, "average": 92}
    demo_world = branches_demo.DemoWorld(
        committee=world.committee,
        branches=[world.branch_b],
        users={"reviewer": world.reviewer, "admin": world.administrator},
    )
    tasks_demo.seed(demo_world)
    assessments_demo.seed(demo_world)
    # The demo's reminder sheets are made for every branch (this month's work included): those
    # of A would meet the role table's own, so A starts from its own work below.
    ReminderSheet.objects.filter(branch=world.branch_a).delete()
    Task.objects.filter(branch=world.branch_a).delete()
    from assessments.models import Scorecard, UpgradePlan

    assert {"average", "poor"} <= set(Scorecard.objects.values_list("grade", flat=True))
    assert UpgradePlan.objects.filter(closed_by_scorecard__isnull=False).exists()
    _tasks_of_a(world)
    _proposals(world)
    _members(world)
    _audit_events(world)
    return world


def _objects_pages() -> list[tuple[str, dict]]:
    """The pages of every object the data holds (the role table opens one object of each
    kind, made for it): every scorecard, upgrade plan, rectification item, task, reminder
    sheet, member, import and proposal, each as the administrator sees it."""
    from assessments.models import RectificationItem, Scorecard, UpgradePlan
    from handbook.models import ChangeProposal
    from members.models import Member
    from tasks.models import ReminderSheet, Task

    pages: list[tuple[str, dict]] = []
    for pk in Scorecard.objects.values_list("pk", flat=True):
        pages += [(name, {"pk": pk}) for name in ("assessments:scorecard", "assessments:history", "assessments:review")]
    for name, model in [
        ("assessments:upgrade", UpgradePlan),
        ("assessments:rectification_item", RectificationItem),
        ("tasks:detail", Task),
        ("tasks:sheet", ReminderSheet),
        ("members:detail", Member),
        ("members:import_detail", MemberImport),
        ("handbook:proposal", ChangeProposal),
    ]:
        pages += [(name, {"pk": pk}) for pk in model.objects.values_list("pk", flat=True)]
    return pages


def test_no_page_shows_a_stored_code_in_the_chinese_interface(lived_in: World) -> None:
    world = lived_in
    pattern = codes_pattern(stored_codes())
    clients = {role: client_for(world, role, language="zh-hans") for role in ROLES}
    found: list[str] = []
    for name in sorted(TABLE):
        case = TABLE[name]
        if case.method != "get":
            continue
        # Each page's own objects (a draft card, a finalised one…) are made for it alone and
        # rolled back after it, as each case of the role table starts afresh.
        with transaction.atomic():
            roles = [role for role in ROLES if case.expect[role] == 200]
            found += _codes_on_pages(name, case.kwargs(world), roles, clients, pattern)
            transaction.set_rollback(True)
    pages = _objects_pages()
    assert len({name for name, _kwargs in pages}) == 10, "the data should hold objects of every kind"
    for name, kwargs in pages:
        found += _codes_on_pages(name, kwargs, ["administrator"], clients, pattern)
    assert found == [], "\n".join(found)


def _codes_on_pages(name: str, kwargs: dict, roles: list[str], clients: dict, pattern: re.Pattern[str]) -> list[str]:
    found = []
    url = reverse(name, kwargs=kwargs)
    for role in roles:
        response = clients[role].get(url)
        if response.status_code != 200:
            found.append(f"{role} GET {url}: {response.status_code}")
            continue
        if not response["Content-Type"].startswith("text/html"):
            break  # a download: the same file for every role
        text = visible_text(response.content.decode())
        seen = set()  # one line per code and page: a log of many sign-ins shows the same code many times
        for match in pattern.finditer(text):
            if match.group() in seen:
                continue
            seen.add(match.group())
            context = " ".join(text[max(0, match.start() - 40) : match.end() + 40].split())
            found.append(f"{role} {name}: {match.group()!r} in …{context}…")
    return found
