"""A reminder sheet as PDF (WeasyPrint, Chinese fonts) and as xlsx; one contract:
``render(sheet) -> (filename, content_type, bytes)``."""

from io import BytesIO
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from branches.selectors import committee_of, issuer_name
from config.pdf import render_pdf
from config.xlsx import escape_formula

from .models import ReminderSheet
from .periods import period_key_label


def _filename(sheet: ReminderSheet, extension: str) -> str:
    return f"{sheet.branch.code}-{sheet.kind}-{sheet.period_key}.{extension}"


def _owner(line: dict) -> str:
    """责任人: the person the task is assigned to, else who the article says does it."""
    return line.get("assignee") or line.get("who") or ""


def sheet_context(sheet: ReminderSheet) -> dict[str, Any]:
    """The sheet's lines with their 责任人 and, when overdue, the days late as its period
    opened; its issuer (the committee above the branch) and the date it was made."""
    issued_on = timezone.localdate(sheet.created_at) if sheet.created_at else timezone.localdate()
    rows = []
    for line in sheet.lines:
        row = dict(line, owner=_owner(line))
        due = parse_date(str(line.get("due_on", "")))
        row["days_late"] = max(0, (sheet.period_start - due).days) if due and line.get("overdue") else ""
        rows.append(row)
    return {
        "sheet": sheet,
        "issuer": issuer_name(committee_of(sheet.branch)),
        "issued_on": issued_on,
        "due": [row for row in rows if not row.get("overdue")],
        "overdue": [row for row in rows if row.get("overdue")],
    }


def sheet_pdf(sheet: ReminderSheet) -> tuple[str, str, bytes]:
    content = render_pdf("tasks/pdf/sheet.html", sheet_context(sheet))
    return _filename(sheet, "pdf"), "application/pdf", content


def sheet_xlsx(sheet: ReminderSheet) -> tuple[str, str, bytes]:
    workbook = Workbook()
    ws = workbook.active
    ws.title = period_key_label(sheet.period_key)
    span = f"{sheet.period_start:%Y-%m-%d} – {sheet.period_end:%Y-%m-%d}"
    ws.append([escape_formula(f"{sheet.branch.name} · {sheet.get_kind_display()} · {span}")])
    ws["A1"].font = Font(bold=True, size=13)
    headers = [
        _("Section"), _("Code"), _("Title"), _("Due on"), _("What to do"),
        _("Who does it"), _("When"), _("Standard"), _("Assigned to"),
    ]  # fmt: skip
    ws.append(headers)
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for line in sheet.lines:
        section = _("Overdue") if line.get("overdue") else _("Due in this period")
        row = [section, line["code"], line["title"], line["due_on"], line["what"], line["who"], line["when"]]
        row += [line["standard"], line["assignee"]]
        ws.append([escape_formula(value) for value in row])
    for column, width in zip("ABCDEFGHI", (10, 8, 28, 12, 40, 24, 20, 40, 12), strict=True):
        ws.column_dimensions[column].width = width
    for row in ws.iter_rows(min_row=3):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    out = BytesIO()
    workbook.save(out)
    return _filename(sheet, "xlsx"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", out.getvalue()
