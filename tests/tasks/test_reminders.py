"""Reminder sheets (党建 日/月/季/半年 工作提醒表): stored once per branch × kind × period,
e-mailed to the branch's secretaries, shown in its notifications, downloadable as PDF and
xlsx; sent once however often, and however concurrently, the job runs."""

import datetime as dt
import io
import shutil
import subprocess
import threading

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from branches.services import organisation_dissolve
from handbook.models import Edition
from notifications.models import Delivery
from tasks.jobs import send_reminder_sheets
from tasks.models import Notification, ReminderSheet, SheetKind, Task
from tasks.services import reminders_send, task_complete
from tests.conftest import World
from tests.factories import make_org

D = dt.date


@pytest.fixture
def ready(world: World, default_edition: Edition) -> World:
    for user, email in ((world.secretary_a, "a@example.com"), (world.secretary_b, "b@example.com")):
        user.email = email
        user.save()
    return world


def test_monthly_sheets_list_the_months_work_and_the_overdue_and_are_e_mailed(
    ready: World, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):  # the e-mails are jobs queued after the commit
        result = reminders_send(kind=SheetKind.MONTHLY, on=D(2026, 11, 1))
    assert (result.created, result.sent) == (2, 2)
    sheet = ReminderSheet.objects.get(branch=ready.branch_a, kind="monthly")
    assert (sheet.period_key, sheet.period_start, sheet.period_end) == ("2026-11", D(2026, 11, 1), D(2026, 11, 30))
    assert sheet.sent_at is not None and sheet.recipients == ["a@example.com"]
    assert sheet.due_lines and all("2026-11-01" <= line["due_on"] <= "2026-11-30" for line in sheet.due_lines)
    # The week that began in October was due on Friday 30 October: overdue on the sheet.
    assert {line["due_on"] for line in sheet.overdue_lines} == {"2026-10-30"}
    assert all(line["what"] and line["who"] and line["when"] and line["standard"] for line in sheet.lines)
    assert not {line["period"] for line in sheet.lines} & {"2026-11-01"}  # no daily work on a monthly sheet
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.com", "b@example.com"]
    message = next(m for m in mail.outbox if m.to == ["a@example.com"])
    assert "2026年11月" in message.subject and ready.branch_a.name in message.subject
    assert "2026-11" not in message.subject  # the period in words, not its key
    assert sheet.due_lines[0]["title"] in message.body
    assert reverse("tasks:sheet", args=[sheet.pk]) in message.body  # the link back
    assert Delivery.objects.filter(
        recipient=ready.secretary_a, channel="in_app", message__key=f"sheet:{sheet.pk}"
    ).exists()
    assert Notification.objects.filter(branch=ready.branch_a, kind="sheet", sheet=sheet).count() == 1


def test_running_the_job_again_sends_nothing_twice(ready: World, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        reminders_send(kind=SheetKind.MONTHLY, on=D(2026, 11, 1))
        again = reminders_send(kind=SheetKind.MONTHLY, on=D(2026, 11, 2))
    assert (again.created, again.sent) == (0, 0)
    assert len(mail.outbox) == 2
    assert ReminderSheet.objects.count() == 2 and Notification.objects.count() == 2


def test_done_work_leaves_the_next_sheet(ready: World) -> None:
    reminders_send(kind=SheetKind.DAILY, on=D(2026, 11, 20))
    daily = ReminderSheet.objects.get(branch=ready.branch_a, kind="daily")
    # Daily work (its weekly checklist, due on Sunday) is on every daily sheet of the week.
    assert ("2-02", "2026-W47", False) in {(line["code"], line["period"], line["overdue"]) for line in daily.lines}
    for task in Task.objects.filter(branch=ready.branch_a, due_on__lte=D(2026, 11, 21)):
        task_complete(task=task, by=ready.secretary_a, note="ok")
    reminders_send(kind=SheetKind.DAILY, on=D(2026, 11, 21))
    tomorrow = ReminderSheet.objects.get(branch=ready.branch_a, kind="daily", period_key="2026-11-21")
    assert tomorrow.overdue_lines == []


def test_branches_without_a_secretarys_address_still_get_their_sheet_in_notifications(world, default_edition) -> None:
    result = reminders_send(kind=SheetKind.QUARTERLY, on=D(2026, 10, 1))
    assert (result.created, result.sent) == (2, 2)
    assert mail.outbox == []
    assert Notification.objects.filter(kind="sheet").count() == 2


def test_dissolved_branches_get_no_sheet(ready: World) -> None:
    organisation_dissolve(by=None, organisation=ready.branch_b, on=D(2026, 10, 1), reason="完工")
    reminders_send(kind=SheetKind.HALF_YEARLY, on=D(2026, 7, 1))
    assert list(ReminderSheet.objects.values_list("branch__code", "period_key")) == [("A", "2026-H2")]


def test_the_database_keeps_one_sheet_per_branch_kind_and_period(ready: World) -> None:
    from django.db import IntegrityError, transaction

    reminders_send(kind=SheetKind.MONTHLY, on=D(2026, 11, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        ReminderSheet.objects.create(
            branch=ready.branch_a,
            kind="monthly",
            period_key="2026-11",
            period_start=D(2026, 11, 1),
            period_end=D(2026, 11, 30),
        )


def test_the_command_prints_how_many_sheets_it_made_and_sent(ready: World, capsys) -> None:
    call_command("send_reminders", "--kind", "half-yearly", "--date", "2026-07-01")
    assert capsys.readouterr().out.strip() == "2 sheet(s) created, 2 sent"
    call_command("send_reminders", "--kind", "half-yearly", "--date", "2026-07-01")
    assert capsys.readouterr().out.strip() == "0 sheet(s) created, 0 sent"
    with pytest.raises(CommandError):
        call_command("send_reminders", "--kind", "weekly")
    with pytest.raises(CommandError, match="not a date"):
        call_command("send_reminders", "--kind", "daily", "--date", "tomorrow")


@pytest.mark.parametrize(
    ("utc", "quarter"),
    [
        (dt.datetime(2026, 3, 31, 15, 59, tzinfo=dt.UTC), "2026-Q1"),  # 23:59 on 31 March in Shanghai
        (dt.datetime(2026, 3, 31, 16, 1, tzinfo=dt.UTC), "2026-Q2"),  # 00:01 on 1 April in Shanghai
    ],
)
def test_the_quarterly_job_picks_the_quarter_of_the_shanghai_date(ready: World, monkeypatch, utc, quarter) -> None:
    monkeypatch.setattr(timezone, "now", lambda: utc)
    assert send_reminder_sheets.delay("quarterly").get() == {"created": 2, "sent": 2}
    assert set(ReminderSheet.objects.values_list("period_key", flat=True)) == {quarter}


def test_the_schedule_is_written_in_code_in_shanghai_time() -> None:
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert settings.CELERY_TIMEZONE == "Asia/Shanghai"
    daily, monthly = schedule["reminders-daily"]["schedule"], schedule["reminders-monthly"]["schedule"]
    quarterly, half = schedule["reminders-quarterly"]["schedule"], schedule["reminders-half-yearly"]["schedule"]
    assert daily.hour == {7} and len(daily.day_of_month) == 31
    assert monthly.day_of_month == {1} and monthly.hour == {8}
    assert quarterly.day_of_month == {1} and quarterly.month_of_year == {1, 4, 7, 10}
    assert half.day_of_month == {1} and half.month_of_year == {1, 7}
    assert [schedule[name]["args"] for name in ("reminders-daily", "reminders-half-yearly")] == [
        ("daily",),
        ("half_yearly",),
    ]
    assert schedule["generate-tasks"]["task"] == "tasks.jobs.generate_tasks"


def test_a_sheet_downloads_as_a_pdf_in_chinese_and_as_a_safe_xlsx(ready: World, as_role, tmp_path) -> None:
    reminders_send(kind=SheetKind.MONTHLY, on=D(2026, 11, 1))
    sheet = ReminderSheet.objects.get(branch=ready.branch_a)
    sheet.lines[0]["what"] = '=HYPERLINK("http://x")'
    sheet.save()
    client = as_role("secretary_a")
    pdf = client.get(reverse("tasks:sheet_pdf", args=[sheet.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    path = tmp_path / "sheet.pdf"
    path.write_bytes(pdf.content)
    # A fixed poppler tool on a file the test wrote.
    tool = shutil.which("pdftotext") or "pdftotext"
    text = subprocess.run([tool, str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert ready.branch_a.name in text and sheet.lines[1]["title"][:4] in text
    xlsx = client.get(reverse("tasks:sheet_xlsx", args=[sheet.pk]))
    assert xlsx.status_code == 200 and "A-monthly-2026-11.xlsx" in xlsx["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert rows[2][4] == '\'=HYPERLINK("http://x")'
    assert len(rows) == 2 + len(sheet.lines)
    html = client.get(reverse("tasks:sheet", args=[sheet.pk])).content.decode()
    assert sheet.lines[1]["title"] in html
    notifications = client.get(reverse("tasks:notifications", args=[ready.branch_a.pk])).content.decode()
    assert reverse("tasks:sheet_pdf", args=[sheet.pk]) in notifications


def test_another_branchs_sheet_is_not_found(ready: World, as_role) -> None:
    reminders_send(kind=SheetKind.MONTHLY, on=D(2026, 11, 1))
    sheet = ReminderSheet.objects.get(branch=ready.branch_a)
    for name in ("tasks:sheet", "tasks:sheet_pdf", "tasks:sheet_xlsx"):
        assert as_role("secretary_b").get(reverse(name, args=[sheet.pk])).status_code == 404


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_the_same_time_send_each_sheet_once_on_postgresql() -> None:
    from branches.models import Role
    from branches.services import role_grant
    from handbook.services import load_default_edition
    from tests.factories import UserFactory

    load_default_edition()
    top = make_org(code="PC")
    for n in range(30):
        branch = make_org(top, code=f"PB{n}")
        role_grant(by=None, user=UserFactory(email=f"s{n}@example.com"), role=Role.SECRETARY, organisation=branch)
    barrier = threading.Barrier(3)
    results = []

    def run() -> None:
        try:
            barrier.wait()
            results.append(reminders_send(kind=SheetKind.MONTHLY, on=D(2026, 11, 1)))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(r.sent for r in results) == 30
    assert ReminderSheet.objects.count() == 30 and Notification.objects.count() == 30
    assert sorted(m.to[0] for m in mail.outbox) == sorted(f"s{n}@example.com" for n in range(30))


def test_the_cron_fallback_sends_the_monthly_sheet_on_the_first_and_not_the_quarterly(
    ready: World, monkeypatch
) -> None:
    from branches import housekeeping

    now = dt.datetime(2026, 11, 1, 0, 5, tzinfo=dt.UTC)  # 08:05 on 1 November in Shanghai
    monkeypatch.setattr(timezone, "now", lambda: now)
    ran = housekeeping.run_due_jobs(now)
    assert {"generate-tasks", "reminders-daily", "reminders-monthly"} <= set(ran)
    assert "reminders-quarterly" not in ran and "reminders-half-yearly" not in ran
    assert set(ReminderSheet.objects.values_list("kind", "period_key")) == {
        ("daily", "2026-11-01"),
        ("monthly", "2026-11"),
    }
    # Ten minutes on, only the five-minute sweepers of queued work are due again.
    assert {n for n in housekeeping.run_due_jobs(now + dt.timedelta(minutes=10)) if not n.startswith("sweep-")} == set()


def test_a_sheet_claimed_by_a_run_that_died_is_sent_by_a_later_run(
    ready: World, django_capture_on_commit_callbacks
) -> None:
    from tasks.services.reminders import reminders_claim_and_send, reminders_make

    reminders_make(kind=SheetKind.MONTHLY, on=D(2026, 11, 1))
    ReminderSheet.objects.filter(branch=ready.branch_a).update(claim="died", claimed_at=timezone.now())
    ReminderSheet.objects.filter(branch=ready.branch_b).update(
        claim="died", claimed_at=timezone.now() - dt.timedelta(hours=2)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_claim_and_send(kind=SheetKind.MONTHLY, period_key="2026-11") == 1
    assert [m.to for m in mail.outbox] == [["b@example.com"]]
    assert ReminderSheet.objects.get(branch=ready.branch_a).sent_at is None


def test_a_sheet_is_in_the_branchs_notifications_as_soon_as_it_is_made_and_stays_there_once(
    ready: World, client
) -> None:
    from tasks.services.reminders import reminders_claim_and_send, reminders_make

    reminders_make(kind=SheetKind.MONTHLY, on=D(2026, 11, 1))
    sheet = ReminderSheet.objects.get(branch=ready.branch_a, kind="monthly")
    assert sheet.sent_at is None and not mail.outbox
    client.force_login(ready.secretary_a)
    page = client.get(reverse("tasks:notifications", args=[ready.branch_a.pk]))
    assert [n.sheet_id for n in page.context["items"]] == [sheet.pk]
    assert reverse("tasks:sheet", args=[sheet.pk]) in page.content.decode()
    # Made again (a second run) and then sent: still one notification per sheet.
    reminders_make(kind=SheetKind.MONTHLY, on=D(2026, 11, 2))
    assert reminders_claim_and_send(kind=SheetKind.MONTHLY, period_key="2026-11") == 2
    assert Notification.objects.filter(sheet=sheet).count() == 1
    assert Notification.objects.filter(kind="sheet").count() == 2


def test_a_sheet_made_before_notifications_came_with_the_making_is_announced_when_sent(ready: World) -> None:
    from tasks.services.reminders import reminders_claim_and_send, reminders_make

    reminders_make(kind=SheetKind.MONTHLY, on=D(2026, 11, 1))
    Notification.objects.all().delete()
    assert reminders_claim_and_send(kind=SheetKind.MONTHLY, period_key="2026-11") == 2
    assert Notification.objects.filter(kind="sheet").count() == 2
