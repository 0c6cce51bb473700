"""A reminder sheet as PDF (WeasyPrint, Chinese fonts) and as xlsx; one contract:
``render(sheet) -> (filename, content_type, bytes)``."""

from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from config.pdf import render_pdf
from config.xlsx import escape_formula

from .models import ReminderSheet


def _filename(sheet: ReminderSheet, extension: str) -> str:
    return f"{sheet.branch.code}-{sheet.kind}-{sheet.period_key}.{extension}"


def sheet_pdf(sheet: ReminderSheet) -> tuple[str, str, bytes]:
    content = render_pdf("tasks/pdf/sheet.html", {"sheet": sheet})
    return _filename(sheet, "pdf"), "application/pdf", content


def sheet_xlsx(sheet: ReminderSheet) -> tuple[str, str, bytes]:
    workbook = Workbook()
    ws = workbook.active
    ws.title = sheet.period_key
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
