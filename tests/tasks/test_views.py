"""The pages: the secretary's board, complete-with-evidence in one step, the reviewer's
check, supervision and overview; each refuses another branch (404) and the wrong role (403)."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from branches.models import Organisation
from tasks.models import EventKind, Task, TaskStatus
from tasks.periods import local_today, period_of
from tasks.services import task_cancel, task_complete, task_supervise, tasks_generate
from tests.conftest import World
from tests.factories import make_task


def test_the_board_shows_this_months_work_and_the_overdue(world: World, as_role, monthly_article) -> None:
    today = local_today()
    make_task(world.branch_a, monthly_article, due_on=today, period_key="now")
    make_task(world.branch_a, monthly_article, due_on=today - dt.timedelta(days=40), period_key="old")
    make_task(world.branch_b, monthly_article, due_on=today, period_key="now")
    client = as_role("secretary_a")
    page = client.get(reverse("tasks:board", args=[world.branch_a.pk]))
    assert page.status_code == 200
    # The month's work and, above it, the work missed in an earlier month.
    assert [t.period_key for t in page.context["tasks"]] == ["old", "now"]
    assert page.context["counts"].overdue == 1
    overdue = client.get(reverse("tasks:board", args=[world.branch_a.pk]), {"show": "overdue"})
    assert [t.period_key for t in overdue.context["tasks"]] == ["old"]
    assert "Overdue" in overdue.content.decode()
    # An unknown tab falls back to the month.
    assert client.get(reverse("tasks:board", args=[world.branch_a.pk]), {"show": "x"}).context["show"] == "month"


def test_the_boards_header_counts_the_rows_its_list_shows(world: World, as_role, default_edition) -> None:
    """本月到期 said 48 while the list had 37 rows: daily work after today, cancelled work and
    work missed in earlier months were counted one way above and another way below."""
    today = local_today()
    month = period_of("monthly", today)
    tasks_generate(first=month.start, last=month.end, branches=Organisation.objects.filter(pk=world.branch_a.pk))
    monthly = default_edition.articles.filter(frequency="monthly").order_by("code")
    missed = make_task(world.branch_a, monthly[0], due_on=month.start - dt.timedelta(days=3), period_key="old")
    first = Task.objects.filter(branch=world.branch_a, due_on__gte=month.start).exclude(frequency="daily").first()
    task_complete(task=first, by=world.secretary_a, note="ok")
    cancelled = Task.objects.filter(
        branch=world.branch_a, status=TaskStatus.OPEN, frequency="monthly", due_on__gte=month.start
    ).first()
    task_cancel(task=cancelled, by=world.secretary_a, reason="不适用")
    client = as_role("secretary_a")
    url = reverse("tasks:board", args=[world.branch_a.pk])
    for show in ("month", "quarter", "overdue", "done", "cancelled"):
        page = client.get(url, {"show": show})
        rows = page.context["tasks"]
        counts = page.context["counts"]
        assert counts.listed == len(rows), show
        assert counts.done == sum(t.status in (TaskStatus.DONE, TaskStatus.CHECKED) for t in rows), show
        assert counts.overdue == sum(t.is_overdue(today) for t in rows), show
        html = page.content.decode()
        assert f'<dd id="tk-listed">{len(rows)}</dd>' in html
    month_rows = client.get(url).context["tasks"]
    assert missed in month_rows and cancelled not in month_rows
    assert not any(t.frequency == "daily" and t.due_on > today for t in month_rows)


def test_the_board_stacks_its_rows_with_a_label_on_each_cell_and_no_inline_style(
    world: World, as_role, monthly_article
) -> None:
    make_task(world.branch_a, monthly_article, due_on=local_today(), period_key="now")
    html = as_role("secretary_a").get(reverse("tasks:board", args=[world.branch_a.pk])).content.decode()
    assert 'class="data stack touch"' in html
    assert 'data-label="Due on"' in html and 'data-label="Task"' in html and 'data-label="Status"' in html
    assert "style=" not in html


def test_another_branchs_board_is_not_found_and_a_plain_member_is_refused(world: World, as_role) -> None:
    assert as_role("secretary_b").get(reverse("tasks:board", args=[world.branch_a.pk])).status_code == 404
    assert as_role("member").get(reverse("tasks:board", args=[world.branch_a.pk])).status_code == 403
    # A group is not a branch: it has no board.
    assert as_role("secretary_a").get(reverse("tasks:board", args=[world.group_a1.pk])).status_code == 404


def test_a_secretary_completes_a_task_with_evidence_in_one_step(world: World, as_role, task_a: Task) -> None:
    files = [
        SimpleUploadedFile("记录.pdf", b"%PDF-1.4 x", content_type="application/pdf"),
        SimpleUploadedFile("签到表.xlsx", b"PK\x03\x04rest", content_type="application/octet-stream"),
    ]
    response = as_role("secretary_a").post(
        reverse("tasks:complete", args=[task_a.pk]), {"note": "已召开支委会", "files": files}
    )
    assert response.status_code == 302
    task_a.refresh_from_db()
    assert task_a.status == TaskStatus.DONE and task_a.completion_note == "已召开支委会"
    evidence = list(task_a.evidence.all())
    assert [e.original_name for e in evidence] == ["记录.pdf", "签到表.xlsx"]
    download = as_role("reviewer").get(reverse("tasks:evidence", args=[evidence[0].pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4 x"
    assert "attachment" in download["Content-Disposition"]
    assert as_role("secretary_b").get(reverse("tasks:evidence", args=[evidence[0].pk])).status_code == 404


def test_a_bad_file_is_explained_and_nothing_changes(world: World, as_role, task_a: Task) -> None:
    bad = SimpleUploadedFile("virus.exe", b"MZ", content_type="application/octet-stream")
    response = as_role("secretary_a").post(reverse("tasks:complete", args=[task_a.pk]), {"note": "x", "files": [bad]})
    assert response.status_code == 200
    assert "only these kinds of file" in response.content.decode()
    task_a.refresh_from_db()
    assert task_a.status == TaskStatus.OPEN and not task_a.evidence.exists()


def test_the_assignee_may_complete_their_own_task(world: World, as_role, task_a: Task) -> None:
    url = reverse("tasks:complete", args=[task_a.pk])
    assert as_role("member").get(url).status_code == 403
    task_a.assignee = world.member
    task_a.save()
    assert as_role("member").post(url, {"note": "我已完成"}).status_code == 302
    assert as_role("member").get(reverse("tasks:home")).status_code == 200


def test_a_reviewer_checks_the_work_and_the_secretary_cannot(world: World, as_role, task_a: Task) -> None:
    task_complete(task=task_a, by=world.secretary_a, note="done")
    url = reverse("tasks:check", args=[task_a.pk])
    assert as_role("secretary_a").post(url, {"quality": "excellent"}).status_code == 403
    assert as_role("reviewer").post(url, {"quality": "good", "comment": "可以"}).status_code == 302
    task_a.refresh_from_db()
    assert (task_a.status, task_a.quality) == (TaskStatus.CHECKED, "good")
    page = as_role("reviewer").get(reverse("tasks:detail", args=[task_a.pk])).content.decode()
    assert "Checked" in page and "Good" in page


def test_checking_an_open_task_explains_why_not(world: World, as_role, task_a: Task) -> None:
    response = as_role("reviewer").post(reverse("tasks:check", args=[task_a.pk]), {"quality": "good"})
    assert response.status_code == 200
    assert "Only a task that is done can be checked." in response.content.decode()


def test_supervision_from_the_reviewer_and_the_branchs_answer(world: World, as_role, task_a: Task) -> None:
    reviewer, secretary = as_role("reviewer"), as_role("secretary_a")
    assert reviewer.post(reverse("tasks:supervise", args=[task_a.pk]), {"text": "请本周内完成"}).status_code == 302
    assert secretary.post(reverse("tasks:reply", args=[task_a.pk]), {"text": "已安排"}).status_code == 302
    assert reviewer.post(reverse("tasks:comment", args=[task_a.pk]), {"text": "收到"}).status_code == 302
    assert secretary.post(reverse("tasks:comment", args=[task_a.pk]), {"text": "x"}).status_code == 403
    kinds = list(task_a.events.values_list("kind", flat=True))
    assert kinds == [EventKind.SUPERVISED, EventKind.REPLY, EventKind.COMMENT]
    notifications = secretary.get(reverse("tasks:notifications", args=[world.branch_a.pk])).content.decode()
    assert "Supervision comment" in notifications
    assert reviewer.post(reverse("tasks:release", args=[task_a.pk])).status_code == 302
    task_a.refresh_from_db()
    assert not task_a.supervised


def test_assigning_offers_only_people_of_the_branch(world: World, as_role, task_a: Task) -> None:
    url = reverse("tasks:assign", args=[task_a.pk])
    page = as_role("secretary_a").get(url)
    assert set(page.context["form"].fields["assignee"].queryset) == {world.secretary_a, world.member}
    response = as_role("secretary_a").post(url, {"assignee": world.secretary_b.pk})
    assert response.status_code == 200 and not response.context["form"].is_valid()
    assert as_role("secretary_a").post(url, {"assignee": world.member.pk}).status_code == 302
    task_a.refresh_from_db()
    assert task_a.assignee == world.member


def test_cancelling_asks_for_a_reason(world: World, as_role, task_a: Task) -> None:
    url = reverse("tasks:cancel", args=[task_a.pk])
    assert as_role("secretary_a").post(url, {"reason": ""}).status_code == 200
    assert as_role("secretary_a").post(url, {"reason": "项目停工"}).status_code == 302
    task_a.refresh_from_db()
    assert task_a.status == TaskStatus.CANCELLED


def test_the_overview_shows_overdue_by_branch_supervised_tasks_and_on_time_rates(
    world: World, as_role, monthly_article
) -> None:
    today = local_today()
    late = make_task(world.branch_a, monthly_article, due_on=today - dt.timedelta(days=1), period_key="late")
    done = make_task(world.branch_b, monthly_article, due_on=today, period_key="done")
    task_complete(task=done, by=world.secretary_b, note="ok")
    task_supervise(task=late, by=world.reviewer, comment="督办")
    page = as_role("reviewer").get(reverse("tasks:overview"))
    rows = {row["branch"].code: row for row in page.context["rows"]}
    assert rows["A"]["overdue_now"] == 1 and rows["B"]["overdue_now"] == 0
    assert page.context["rows"][0]["branch"].code == "A"  # most overdue first
    assert rows["B"]["stats"].on_time_rate == 100.0
    assert [t.pk for t in page.context["supervised"]] == [late.pk]
    assert as_role("secretary_a").get(reverse("tasks:overview")).status_code == 403


def test_an_organisations_page_links_to_its_tasks(world: World, as_role) -> None:
    page = as_role("secretary_a").get(reverse("branches:detail", args=[world.branch_a.pk])).content.decode()
    assert reverse("tasks:board", args=[world.branch_a.pk]) in page
    assert reverse("tasks:notifications", args=[world.branch_a.pk]) in page
    committee = as_role("reviewer").get(reverse("branches:detail", args=[world.committee.pk])).content.decode()
    assert reverse("tasks:request_create", args=[world.committee.pk]) in committee
    nav = as_role("member").get(reverse("tasks:home")).content.decode()
    assert reverse("tasks:home") in nav and reverse("tasks:overview") not in nav


def test_the_board_has_quarter_done_and_cancelled_views(world: World, as_role, monthly_article) -> None:
    today = local_today()
    done = make_task(world.branch_a, monthly_article, due_on=today, period_key="done")
    task_complete(task=done, by=world.secretary_a, note="ok")
    client = as_role("secretary_a")
    url = reverse("tasks:board", args=[world.branch_a.pk])
    assert [t.pk for t in client.get(url, {"show": "done"}).context["tasks"]] == [done.pk]
    assert [t.pk for t in client.get(url, {"show": "quarter"}).context["tasks"]] == [done.pk]
    assert list(client.get(url, {"show": "cancelled"}).context["tasks"]) == []
