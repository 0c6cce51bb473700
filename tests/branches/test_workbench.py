"""工作台: each role's "what must I do now", each count checked against the database and against
the page it links to, in a fixed number of queries however much work there is."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from assessments.models import RectificationStatus, Scorecard, ScorecardStatus
from assessments.services.plans import assessment_plan_create
from assessments.services.review import scorecard_return
from assessments.services.scorecards import current_quarter, scorecard_line_save
from branches.models import OrgKind, Role, User
from branches.services import role_grant
from branches.workbench import workbench_for
from handbook.models import ChangeProposal, Edition, ProposalStatus
from members.models import ImportStatus, MemberImport
from tasks.models import SheetKind, Task, TaskStatus
from tasks.periods import local_today
from tasks.selectors import week_end
from tasks.services import task_assign, task_reply, task_supervise
from tasks.services.reminders import reminders_make
from tests.conftest import World, client_for
from tests.factories import (
    RECORDS_REASON,
    UserFactory,
    final_scorecard,
    make_edition,
    make_org,
    make_task,
    open_scorecard,
    rectification_item,
    submit_card,
)


def en(world: World, role: str):
    """A client reading the English source strings (the counts' notes are checked as text)."""
    return client_for(world, role, language="en")


def ZH(world: World, role: str):
    return client_for(world, role, language="zh-hans")


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def boss(world: World) -> User:
    """Holds every role (the factories of reviewed cards need both sides)."""
    return UserFactory(username="boss", is_superuser=True)


@pytest.fixture
def article(default_edition: Edition):
    return default_edition.articles.filter(frequency="monthly").order_by("code").first()


def items(client, url: str = "/") -> dict[str, dict]:
    """The workbench as the page shows it: {item key: {"count", "url", "rows"}}."""
    page = client.get(url)
    assert page.status_code == 200
    return {
        item.key: {"count": item.count, "url": item.url, "rows": [row.url for row in item.rows]}
        for section in page.context["sections"]
        for item in section.items
    }


def sections(client) -> list[str]:
    return [section.key for section in client.get("/").context["sections"]]


def page_count(client, url: str, context_key: str) -> int:
    return client.get(url).context[context_key]


_keys = iter(range(10**6))


def _work(world: World, article, n: int = 1) -> None:
    """For branch A: ``n`` open tasks of each kind — the secretary's due this week, the branch's
    unassigned overdue, the member's due this week and overdue, one done — and branch B's."""
    today = local_today()
    overdue_day, week_day = today - dt.timedelta(days=3), week_end(today)
    for _ in range(n):
        k = next(_keys)
        make_task(world.branch_a, article, due_on=week_day, assignee=world.secretary_a, period_key=f"w{k}")
        make_task(world.branch_a, article, due_on=overdue_day, period_key=f"o{k}")
        make_task(world.branch_a, article, due_on=week_day, assignee=world.member, period_key=f"mw{k}")
        make_task(world.branch_a, article, due_on=overdue_day, assignee=world.member, period_key=f"mo{k}")
        make_task(world.branch_a, article, due_on=overdue_day, status=TaskStatus.DONE, period_key=f"d{k}")
        make_task(world.branch_b, article, due_on=overdue_day, period_key=f"b{k}")
        # Later than this week: counted nowhere.
        make_task(world.branch_a, article, due_on=week_day + dt.timedelta(days=1), period_key=f"later{k}")


# --- the secretary and the member ------------------------------------------------------------


def test_a_secretary_sees_their_own_and_the_branchs_unassigned_work_due_this_week_and_overdue(
    world: World, article
) -> None:
    _work(world, article, n=2)
    today = local_today()
    client = en(world, "secretary_a")
    wb = items(client)
    mine_or_unassigned = Task.objects.filter(branch=world.branch_a, status=TaskStatus.OPEN).exclude(
        assignee=world.member
    )
    assert wb["week"]["count"] == mine_or_unassigned.filter(due_on__range=(today, week_end(today))).count() == 2
    assert wb["overdue"]["count"] == mine_or_unassigned.filter(due_on__lt=today).count() == 2
    # The pages they link to list as many.
    assert page_count(client, wb["week"]["url"], "count") == 2
    assert len(client.get(wb["overdue"]["url"]).context["mine"]) == 2
    assert page_count(client, wb["overdue"]["url"], "count") == 2


def test_a_member_sees_only_the_work_assigned_to_them(world: World, article) -> None:
    _work(world, article)
    client = en(world, "member")
    wb = items(client)
    assert (wb["week"]["count"], wb["overdue"]["count"]) == (1, 1)
    assert page_count(client, wb["week"]["url"], "count") == 1
    assert page_count(client, wb["overdue"]["url"], "count") == 1
    assert sections(client) == ["work"]
    # No scorecard, feedback or sheets: a plain member fills none in and is sent none.
    assert not {"scorecard", "feedback", "sheets"} & set(wb)


def test_another_branchs_secretary_sees_none_of_branch_as_work(world: World, article) -> None:
    _work(world, article)
    wb = items(en(world, "secretary_b"))
    assert (wb["week"]["count"], wb["overdue"]["count"]) == (0, 1)  # B's own unassigned overdue task


def test_the_secretary_sees_the_quarters_scorecard_with_its_state_deadline_and_lines_done(
    world: World, default_edition
) -> None:
    year, quarter = current_quarter()
    client = en(world, "secretary_a")
    row = items(client)["scorecard"]
    assert row["count"] == 1 and row["rows"] == [reverse("assessments:branch", args=[world.branch_a.pk])]
    card = open_scorecard(world.branch_a, year=year, quarter=quarter)
    for line in card.lines.order_by("article__code")[:3]:
        card.refresh_from_db()
        scorecard_line_save(line=line, by=world.secretary_a, version=card.version, counts={}, note="已落实")
    card.refresh_from_db()
    scorecard_line_save(line=card.lines.order_by("article__code").first(), by=world.secretary_a,
                        version=card.version, counts={}, note="again")  # fmt: skip
    page = client.get("/")
    item = next(i for s in page.context["sections"] for i in s.items if i.key == "scorecard")
    assert item.rows[0].url == reverse("assessments:scorecard", args=[card.pk])
    total = card.lines.count()
    assert total == 52
    assert f"3 of {total} lines filled in" in item.rows[0].note
    assert card.get_status_display() in item.rows[0].note and card.deadline.isoformat() in item.rows[0].note
    # The scorecard page says the same.
    html = client.get(item.rows[0].url).content.decode()
    assert re.search(rf'id="sc-lines-done">3 of {total}<', html)


def test_the_secretary_sees_rectification_items_open_and_overdue_as_the_list_does(world: World, boss) -> None:
    overdue = rectification_item(world.branch_a, by=boss, year=2026, quarter=2)
    later = rectification_item(
        world.branch_a, by=boss, year=2026, quarter=3, rectify_by=local_today() + dt.timedelta(days=9)
    )
    later.status = RectificationStatus.DONE  # reported: the committee's to verify now
    later.save()
    rectification_item(world.branch_b, by=boss, year=2026, quarter=2)
    client = en(world, "secretary_a")
    wb = items(client)
    assert wb["rectification"]["count"] == 1 and wb["rectification_overdue"]["count"] == 1
    listed = client.get(wb["rectification"]["url"]).context
    assert listed["count"] == 1 and [i.pk for i in listed["items"]] == [overdue.pk]
    assert page_count(client, wb["rectification_overdue"]["url"], "count") == 1
    # The member owns nothing; the reviewer verifies the one reported.
    member = items(en(world, "member"))
    assert member["rectification"]["count"] == 0
    reviewer = en(world, "reviewer")
    verify = items(reviewer)["verify"]
    assert verify["count"] == 1 and page_count(reviewer, verify["url"], "count") == 1


def test_the_secretary_sees_the_feedback_sheets_to_acknowledge(world: World, boss) -> None:
    card = final_scorecard(world.branch_a, year=2026, quarter=2, by=boss)
    client = en(world, "secretary_a")
    assert items(client)["feedback"]["count"] == 0  # the sheet is not made yet
    Scorecard.objects.filter(pk=card.pk).update(feedback_pdf="assessments/feedback/x.pdf")
    wb = items(client)["feedback"]
    assert wb["count"] == 1 and wb["rows"] == [reverse("assessments:scorecard", args=[card.pk])]
    assert items(en(world, "secretary_b"))["feedback"]["count"] == 0
    Scorecard.objects.filter(pk=card.pk).update(acknowledged_at=dt.datetime(2026, 7, 20, tzinfo=dt.UTC))
    assert items(client)["feedback"]["count"] == 0


def test_supervision_waits_for_the_branchs_reply_until_it_is_given(world: World, article) -> None:
    task = make_task(world.branch_a, article, due_on=local_today() - dt.timedelta(days=2))
    task_supervise(task=task, by=world.reviewer, comment="请补齐材料")
    secretary = en(world, "secretary_a")
    wb = items(secretary)["supervision"]
    assert wb["count"] == 1 and wb["rows"] == [reverse("tasks:detail", args=[task.pk])]
    assert items(en(world, "member"))["supervision"]["count"] == 0  # not the member's task
    task_assign(task=task, assignee=world.member, by=world.secretary_a)
    assert items(en(world, "member"))["supervision"]["count"] == 1
    task_reply(task=task, by=world.secretary_a, text="已补齐")
    assert items(secretary)["supervision"]["count"] == 0


def test_the_latest_reminder_sheets_are_on_the_secretarys_workbench(world: World, default_edition) -> None:
    reminders_make(kind=SheetKind.MONTHLY, on=local_today())
    wb = items(en(world, "secretary_a"))["sheets"]
    sheet = world.branch_a.reminder_sheets.get()
    assert wb["count"] == 1 and wb["rows"] == [reverse("tasks:sheet", args=[sheet.pk])]


# --- the reviewer ----------------------------------------------------------------------------


def test_the_reviewer_sees_the_queue_oldest_first_and_the_returned_cards_sent_again(
    world: World, default_edition
) -> None:
    year, quarter = current_quarter()
    second = make_org(world.general, name="三号支部", code="C3")
    role_grant(by=None, user=world.secretary_a, role=Role.SECRETARY, organisation=second)
    cards = []
    for branch in (world.branch_b, world.branch_a, second):
        card = open_scorecard(branch, year=year, quarter=quarter)
        secretary = world.secretary_b if branch == world.branch_b else world.secretary_a
        cards.append(submit_card(card, by=secretary, reason=RECORDS_REASON))
    returned = scorecard_return(scorecard=cards[1], by=world.reviewer, version=cards[1].version, reason="补充")
    again = submit_card(returned, by=world.secretary_a, reason=RECORDS_REASON)
    wb = items(en(world, "reviewer"))
    review = [reverse("assessments:review", args=[c.pk]) for c in (cards[0], cards[2], again)]
    assert wb["queue"]["count"] == Scorecard.objects.filter(status=ScorecardStatus.SUBMITTED).count() == 3
    assert wb["queue"]["rows"] == review  # oldest submission first: the one sent again is last
    assert wb["resubmitted"]["count"] == 1 and wb["resubmitted"]["rows"] == [review[2]]


def test_the_reviewer_sees_the_branches_late_with_last_quarters_card_as_the_list_does(
    world: World, default_edition
) -> None:
    from assessments.selectors import quarter_past_deadline

    today = local_today()
    year, quarter = quarter_past_deadline(today)
    card = open_scorecard(world.branch_b, year=year, quarter=quarter)
    submit_card(card, by=world.secretary_b, reason=RECORDS_REASON)
    client = en(world, "reviewer")
    late = items(client)["late"]
    # Branch A never opened its card; B submitted (late, but submitted).
    assert late["count"] == 1 and late["rows"] == [reverse("assessments:branch", args=[world.branch_a.pk])]
    listed = client.get(late["url"]).context["rows"]
    assert [branch.pk for branch, _card in listed] == [world.branch_a.pk]


def test_the_reviewer_sees_the_quarters_plan_progress_as_the_plan_page_does(world: World, boss) -> None:
    year, quarter = current_quarter()
    final_scorecard(world.branch_a, year=year, quarter=quarter, by=boss)  # branch A is key: in every plan
    plan = assessment_plan_create(organisation=world.committee, year=year, quarter=quarter, by=world.reviewer,
                                  sample_percent=100)  # fmt: skip
    client = en(world, "reviewer")
    page = client.get("/")
    item = next(i for s in page.context["sections"] for i in s.items if i.key == "plans")
    assert item.rows[0].url == reverse("assessments:plan", args=[plan.pk])
    planned = plan.entries.count()
    assert planned == 2 and "1 of 2 reviewed" in item.rows[0].note
    assert re.search(r'id="plan-progress">1 of 2 reviewed<', client.get(item.rows[0].url).content.decode())


# --- the administrator -----------------------------------------------------------------------


def test_the_administrator_sees_imports_branches_without_a_secretary_users_without_a_role_and_the_handbook(
    world: World, default_edition
) -> None:
    for status in (ImportStatus.COMMITTING, ImportStatus.FAILED, ImportStatus.COMMITTED, ImportStatus.INVALID):
        MemberImport.objects.create(organisation=world.branch_a, original_name="名册.xlsx", status=status, file="x")
    orphan = make_org(world.general, name="无书记支部", code="N1")
    make_org(world.general, kind=OrgKind.BRANCH, name="另一个", code="N2")
    ChangeProposal.objects.create(
        article=default_edition.articles.first(), field="what", proposed_text="新", reason="因",
        proposed_by=world.secretary_a,
    )  # fmt: skip
    ChangeProposal.objects.create(
        article=default_edition.articles.first(), field="what", proposed_text="旧", reason="因",
        proposed_by=world.secretary_a, status=ProposalStatus.DECLINED,
    )  # fmt: skip
    draft = make_edition(version="T9", published=False)
    client = en(world, "administrator")
    wb = items(client)
    assert wb["imports"]["count"] == 2
    assert (
        wb["no_secretary"]["count"] == 2 and reverse("branches:roles", args=[orphan.pk]) in wb["no_secretary"]["rows"]
    )
    assert wb["unplaced"]["count"] == User.objects.filter(role_assignments__isnull=True).count() == 1  # outsider
    assert wb["proposals"]["count"] == 1
    assert len(client.get(wb["proposals"]["url"]).context["proposals"]) == 1
    assert wb["drafts"]["count"] == 1 and wb["drafts"]["rows"] == [reverse("handbook:edition", args=[draft.pk])]
    assert sections(client) == ["dues", "admin"]


def test_an_administrator_of_one_branch_sees_neither_unplaced_users_nor_the_handbook(world: World) -> None:
    local = UserFactory(username="local_admin")
    role_grant(by=None, user=local, role=Role.ADMINISTRATOR, organisation=world.branch_b)
    client = en(World(**{**world.__dict__, "outsider": local}), "outsider")
    wb = items(client)
    assert "unplaced" not in wb and "proposals" not in wb
    assert wb["no_secretary"]["count"] == 0 and wb["imports"]["count"] == 0


# --- several roles, none, and the number of queries ------------------------------------------


def test_a_user_with_several_roles_sees_each_section_that_applies(world: World) -> None:
    role_grant(by=None, user=world.secretary_a, role=Role.REVIEWER, organisation=world.committee)
    role_grant(by=None, user=world.secretary_a, role=Role.ADMINISTRATOR, organisation=world.committee)
    assert sections(en(world, "secretary_a")) == ["work", "dues", "development", "review", "admin"]
    assert sections(en(world, "reviewer")) == ["dues", "review"]


def test_an_outsider_sees_an_empty_state_that_says_so(world: World) -> None:
    page = ZH(world, "outsider").get("/")
    assert page.context["sections"] == []
    html = page.content.decode()
    assert 'id="wb-empty"' in html and "尚未获得任何角色" in html


def test_every_role_gets_the_page_in_chinese_with_each_empty_item_saying_so(world: World) -> None:
    for role in ("administrator", "reviewer", "secretary_a", "secretary_b", "member"):
        html = ZH(world, role).get("/").content.decode()
        assert "工作台" in html
        assert 'class="muted wb-empty"' in html, role


def _grow(world: World, article, boss: User, size: int) -> None:
    """More of everything: tasks, supervised tasks, branches with cards, sheets, imports."""
    _work(world, article, n=size)
    year, quarter = current_quarter()
    for n in range(size):
        branch = make_org(world.general, name=f"支部{size}-{n}", code=f"S{size}-{n}")
        role_grant(by=None, user=world.secretary_a, role=Role.SECRETARY, organisation=branch)
        card = open_scorecard(branch, year=year, quarter=quarter)
        submit_card(card, by=world.secretary_a, reason=RECORDS_REASON)
        task = make_task(branch, article, due_on=local_today() - dt.timedelta(days=1))
        task_supervise(task=task, by=world.reviewer, comment="督办")
        rectification_item(branch, by=boss, year=2026, quarter=2)
        MemberImport.objects.create(
            organisation=branch, original_name="名册.xlsx", status=ImportStatus.FAILED, file="x"
        )
        make_org(world.general, name=f"无书记{size}-{n}", code=f"E{size}-{n}")
    reminders_make(kind=SheetKind.MONTHLY, on=local_today())


@pytest.mark.parametrize("role", ["administrator", "reviewer", "secretary_a", "member", "outsider"])
def test_the_workbench_reads_a_fixed_number_of_queries_whatever_the_amount_of_work(
    world: World, article, boss, role: str, django_assert_max_num_queries
) -> None:
    user = getattr(world, role)
    _grow(world, article, boss, 1)
    with CaptureQueriesContext(connection) as small:
        workbench_for(User.objects.get(pk=user.pk))
    _grow(world, article, boss, 12)
    with django_assert_max_num_queries(len(small.captured_queries)):
        sections = workbench_for(User.objects.get(pk=user.pk))
    assert (sections == []) == (role == "outsider")
    # The whole page too, at the larger size: a fixed budget (the development deadlines: one more).
    with django_assert_max_num_queries(41):
        en(world, role).get("/")


def test_a_superuser_sees_every_section_in_a_fixed_number_of_queries(
    world: World, article, boss, django_assert_max_num_queries
) -> None:
    _grow(world, article, boss, 1)
    with CaptureQueriesContext(connection) as small:
        workbench_for(User.objects.get(pk=boss.pk))
    _grow(world, article, boss, 8)
    with django_assert_max_num_queries(len(small.captured_queries)):
        keys = [s.key for s in workbench_for(User.objects.get(pk=boss.pk))]
        assert keys == ["work", "dues", "development", "review", "admin"]
