"""Every sender goes through notify(): supervision and its answer, work requirements, a
review returned, the feedback sheet ready, scorecard deadlines, rectification reminders,
roster imports. Each lands in the person's notifications (and their e-mail, and the
branch's group robot, as configured)."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from assessments.jobs import make_feedback_sheet, send_deadline_reminders
from assessments.models import RectificationItem
from assessments.services.notices import rectification_reminders, scorecard_deadline_reminders
from assessments.services.review import scorecard_return
from assessments.services.scorecards import default_deadline
from members.models import ImportStatus, MemberImport
from members.notices import import_outcome
from notifications.configuration import robot_save
from notifications.events import Event
from notifications.models import Delivery
from tasks.services import request_send, task_comment, task_reply, task_supervise
from tests.assessments.test_feedback import final_card  # noqa: F401 - a fixture
from tests.conftest import World
from tests.factories import RECORDS_REASON, make_task, open_scorecard, submit_card

pytestmark = pytest.mark.django_db


def _inbox(user, event: str) -> list[Delivery]:
    return list(
        Delivery.objects.filter(recipient=user, channel="in_app", message__event=event).select_related("message")
    )


@pytest.fixture
def task(world: World, default_edition):
    article = default_edition.articles.filter(frequency="monthly").first()
    return make_task(world.branch_a, article, due_on=dt.date(2026, 11, 25))


def test_supervision_reaches_the_branch_and_its_answer_the_reviewer(
    world: World, task, hook, django_capture_on_commit_callbacks
) -> None:
    world.secretary_a.email = "a@example.cn"
    world.secretary_a.save()
    robot_save(organisation=world.branch_a, by=world.administrator, kind="wecom", name="群", url=hook.url())
    with django_capture_on_commit_callbacks(execute=True):
        task_supervise(task=task, by=world.reviewer, comment="请本周内补齐会议记录")
    [told] = _inbox(world.secretary_a, Event.SUPERVISION)
    assert "请本周内补齐会议记录" in told.message.text and "2026-11-25" in told.message.text
    assert told.message.link == reverse("tasks:detail", args=[task.pk])
    assert [m.to for m in mail.outbox] == [["a@example.cn"]]
    assert "请本周内补齐会议记录" in hook.received[0].body["markdown"]["content"]
    task_comment(task=task, by=world.reviewer, text="进度如何？")
    assert len(_inbox(world.secretary_a, Event.SUPERVISION)) == 2
    task_reply(task=task, by=world.secretary_a, text="已补齐")
    [answer] = _inbox(world.reviewer, Event.SUPERVISION_REPLY)
    assert "已补齐" in answer.message.text


def test_a_work_requirement_reaches_each_branchs_secretary(world: World) -> None:
    request_send(
        organisation=world.general,
        title="迎检资料整理",
        what="整理三会一课记录",
        due_on=dt.date(2099, 1, 1),
        by=world.reviewer,
    )
    for secretary, branch in ((world.secretary_a, world.branch_a), (world.secretary_b, world.branch_b)):
        [told] = _inbox(secretary, Event.REQUIREMENT)
        assert "迎检资料整理" in told.message.title and branch.name in told.message.title
        assert "2099-01-01" in told.message.text and "第一党总支" in told.message.text


def test_the_feedback_sheet_ready_is_told_once(world: World, final_card) -> None:  # noqa: F811
    [told] = _inbox(world.secretary_a, Event.FEEDBACK_READY)
    # The quarter in words, not its code.
    assert f"{final_card.year}年第{final_card.quarter}季度" in told.message.title
    assert final_card.period not in told.message.title
    make_feedback_sheet(final_card.pk)  # a second run makes nothing and tells nothing
    assert len(_inbox(world.secretary_a, Event.FEEDBACK_READY)) == 1


def test_a_returned_scorecard_tells_the_secretary_why(world: World, default_edition) -> None:
    card = open_scorecard(world.branch_a, deadline=dt.date(2099, 1, 10))
    card = submit_card(card, by=world.secretary_a, reason=RECORDS_REASON)
    scorecard_return(scorecard=card, by=world.reviewer, version=card.version, reason="佐证材料不全")
    [told] = _inbox(world.secretary_a, Event.REVIEW_RETURNED)
    assert "佐证材料不全" in told.message.text


def test_rectification_items_are_told_when_due_soon_and_when_overdue_once_each(world: World, final_card) -> None:  # noqa: F811
    item = RectificationItem.objects.get(branch=world.branch_a)
    soon = item.deadline - dt.timedelta(days=settings.NOTIFY_RECTIFICATION_DAYS_BEFORE)
    assert rectification_reminders(today=soon - dt.timedelta(days=1)) == 0
    assert rectification_reminders(today=soon) == 1
    assert rectification_reminders(today=soon + dt.timedelta(days=1)) == 0
    [due] = _inbox(world.secretary_a, Event.RECTIFICATION_DUE)
    assert item.article_code in due.message.title
    after = item.deadline + dt.timedelta(days=2)
    assert rectification_reminders(today=after) == 1
    assert rectification_reminders(today=after + dt.timedelta(days=1)) == 0
    [overdue] = _inbox(world.secretary_a, Event.RECTIFICATION_OVERDUE)
    assert "逾期 2 天" in overdue.message.text


def test_branches_that_have_not_submitted_hear_of_the_deadline_once(world: World, default_edition) -> None:
    card = open_scorecard(world.branch_b, year=2026, quarter=4)
    submit_card(card, by=world.secretary_b, reason=RECORDS_REASON)
    deadline = default_deadline(2026, 4)
    before = deadline - dt.timedelta(days=settings.NOTIFY_SCORECARD_DAYS_BEFORE)
    assert scorecard_deadline_reminders(today=before - dt.timedelta(days=1)) == 0
    assert send_deadline_reminders(before.isoformat())["scorecards"] == 1
    assert scorecard_deadline_reminders(today=before + dt.timedelta(days=1)) == 0
    [told] = _inbox(world.secretary_a, Event.SCORECARD_DEADLINE)
    assert f"{deadline:%Y-%m-%d}" in told.message.title
    assert _inbox(world.secretary_b, Event.SCORECARD_DEADLINE) == []


def test_a_roster_import_tells_its_uploader_how_it_ended(world: World) -> None:
    run = MemberImport.objects.create(
        organisation=world.branch_a,
        created_by=world.administrator,
        original_name="名册.xlsx",
        status=ImportStatus.VALID,
    )
    import_outcome(import_id=run.pk)
    import_outcome(import_id=run.pk)
    [told] = _inbox(world.administrator, Event.IMPORT_FINISHED)
    assert "名册.xlsx" in told.message.text
    MemberImport.objects.filter(pk=run.pk).update(status=ImportStatus.FAILED, message="文件已损坏")
    import_outcome(import_id=run.pk)
    [failed] = _inbox(world.administrator, Event.IMPORT_FAILED)
    assert "文件已损坏" in failed.message.text


def test_no_e_mail_is_sent_outside_the_notifications_module() -> None:
    """The README's grep: only notifications/channels/email.py sends mail."""
    root = Path(settings.BASE_DIR)
    pattern = re.compile(
        r"\b(send_mail|send_mass_mail|mail_admins|EmailMessage|EmailMultiAlternatives|get_connection)\b"
    )
    offenders = []
    for app in ("branches", "members", "handbook", "tasks", "assessments", "notifications", "config"):
        for path in (root / app).rglob("*.py"):
            if path.match("notifications/channels/email.py"):
                continue
            if pattern.search(path.read_text(encoding="utf-8")):
                offenders.append(str(path.relative_to(root)))
    assert offenders == []
