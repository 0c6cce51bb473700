"""The reminder sheet as a PDF: landscape A4 with columns wide enough to read, the 责任人 of
each line (the task's assignee, else the article's 谁来做), the issuing committee and the date."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from tasks.exports import sheet_context, sheet_pdf
from tasks.models import ReminderSheet, SheetKind, Task
from tasks.services import reminders_send
from tasks.services.generation import tasks_generate
from tasks.services.reminders import LISTED
from tests.assessments.pdftools import poppler
from tests.conftest import World

CJK = re.compile(r"^[\u3400-\u9fff\uff00-\uffef\u3000-\u303f“”]$")


@pytest.fixture
def sheet(world: World, default_edition) -> ReminderSheet:
    # The month's tasks, all of branch A's assigned to its secretary but those of one article.
    tasks_generate(first=dt.date(2026, 11, 1), last=dt.date(2026, 11, 30), frequencies=LISTED[SheetKind.MONTHLY])
    tasks = Task.objects.filter(branch=world.branch_a)
    kept = tasks.order_by("due_on", "pk").first().article_id
    tasks.exclude(article_id=kept).update(assignee=world.secretary_a)
    reminders_send(kind=SheetKind.MONTHLY, on=dt.date(2026, 11, 1))
    return ReminderSheet.objects.get(branch=world.branch_a, kind=SheetKind.MONTHLY)


def _text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "sheet.pdf"
    path.write_bytes(pdf)
    return poppler("pdftotext", path)


def test_each_line_names_its_owner_the_assignee_else_the_articles_who(sheet, world):
    context = sheet_context(sheet)
    owners = {line["owner"] for line in context["due"]}
    assert "甲支部书记" in owners
    unassigned = [line for line in context["due"] + context["overdue"] if not line["assignee"]]
    assert unassigned and all(line["owner"] == line["who"] and line["who"] for line in unassigned)
    assert all(line["days_late"] == 2 for line in context["overdue"])  # due Friday 30 October


def test_the_pdf_holds_the_issuer_the_date_and_the_owners_in_readable_columns(sheet, world, tmp_path):
    with translation.override("zh-hans"):
        _name, _type, pdf = sheet_pdf(sheet)
    text = _text(pdf, tmp_path)
    flat = "".join(text.split())
    assert "测试公司党委" in flat
    issued = timezone.localdate(sheet.created_at)
    assert f"发布日期：{issued.year}年{issued.month}月{issued.day}日" in flat
    assert "责任人" in flat and "甲支部书记" in flat
    unassigned = next(line for line in sheet.lines if not line["assignee"])
    assert "".join(unassigned["who"].split())[:12] in flat
    # No column so narrow that its text runs one character to a line.
    singles = [line for line in text.splitlines() if CJK.match(line.strip())]
    assert singles == []
    path = tmp_path / "sheet.pdf"
    assert re.search(r"Page size: +841\.\d+ x 595\.\d+", poppler("pdfinfo", path))  # A4 landscape


def test_the_branch_downloads_it_and_another_branch_cannot(sheet, as_role):
    url = reverse("tasks:sheet_pdf", args=[sheet.pk])
    assert as_role("secretary_a").get(url)["Content-Type"] == "application/pdf"
    assert as_role("secretary_b").get(url).status_code == 404
