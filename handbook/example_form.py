"""填写表: an article's example as a blank form to print, for branches that still keep paper.

``example_form(article) -> (filename, content_type, bytes)``. The first sheet is the form:
each "字段：值" becomes a label with an empty answer cell (boxes to tick are kept), each table
its header row over empty bordered rows; other lines of the example are printed in grey as
guidance. The second sheet holds the handbook's filled-in example. Every cell is written
through ``config.xlsx.escape_formula``: the example is editable text, never a formula.
"""

from io import BytesIO
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from config.xlsx import escape_formula

from .examples import Block, Field, Paragraph, Table, parse_example
from .models import Article

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EMPTY_ROWS = 12  # rows to fill in under each table
FORM_COLUMNS = 4  # a form without a table: the label and three columns for the answer
LANDSCAPE_FROM = 7  # a table this wide is printed on a landscape page
# About what fits across A4 at the default font, in Excel's column units.
PAGE_WIDTH_PORTRAIT = 92
PAGE_WIDTH_LANDSCAPE = 135

THIN = Side(style="thin", color="555555")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", fgColor="F1ECE8")
GREY = Font(color="808080", italic=True)
WRAP = Alignment(wrap_text=True, vertical="top")
CENTRE = Alignment(wrap_text=True, horizontal="center", vertical="center")


def _text_width(text: str) -> int:
    """Width in Excel's units: a Chinese character takes two."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _blank_choices(value: str) -> str:
    """ "□日常 ☑岗位调整" → "□日常 □岗位调整": the boxes, none ticked."""
    return value.replace("☑", "□").replace("☒", "□").replace("√", "")


class _Form:
    """Writes rows top-down on one sheet, ``width`` columns wide."""

    def __init__(self, sheet: Worksheet, width: int) -> None:
        self.sheet = sheet
        self.width = width
        self.row = 1

    def put(self, column: int, value: Any, **style: Any) -> Any:
        cell = self.sheet.cell(row=self.row, column=column, value=escape_formula(value))
        for name, setting in style.items():
            setattr(cell, name, setting)
        return cell

    def merge(self, first: int, last: int, *, border: bool = False) -> None:
        if border:
            for column in range(first, last + 1):
                self.sheet.cell(row=self.row, column=column).border = BOX
        if last > first:
            self.sheet.merge_cells(start_row=self.row, start_column=first, end_row=self.row, end_column=last)

    def line(self, text: str, *, font: Font | None = None, height: float | None = None) -> None:
        """One line across the whole width."""
        self.put(1, text, alignment=WRAP, **({"font": font} if font else {}))
        self.merge(1, self.width)
        lines = max(1, -(-_text_width(text) // max(1, self.total_width())))
        self.sheet.row_dimensions[self.row].height = height or 18 * lines
        self.row += 1

    def field(self, field: Field, *, lines: int) -> None:
        self.put(1, field.label, font=Font(bold=True), fill=HEAD_FILL, alignment=WRAP, border=BOX)
        answer = _blank_choices(field.value) if field.is_choice else ""
        self.put(2, answer, alignment=WRAP)
        self.merge(2, max(2, self.width), border=True)
        self.sheet.row_dimensions[self.row].height = 24 * lines
        self.row += 1

    def table(self, table: Table, *, sample: bool) -> int:
        """The header row and then the example's rows (``sample``) or empty rows; returns the
        header's row number."""
        if table.caption:
            self.line(table.caption, font=Font(bold=True))
        header_row = self.row
        for column, text in enumerate(table.header, start=1):
            self.put(column, text, font=Font(bold=True), fill=HEAD_FILL, alignment=CENTRE, border=BOX)
        self.sheet.row_dimensions[self.row].height = 30
        self.row += 1
        rows = table.rows if sample else [("",) * table.width] * EMPTY_ROWS
        for values in rows:
            for column, text in enumerate(values, start=1):
                self.put(column, text, alignment=WRAP, border=BOX)
            self.sheet.row_dimensions[self.row].height = 26
            self.row += 1
        self.row += 1
        return header_row

    def total_width(self) -> int:
        return int(
            sum(self.sheet.column_dimensions[get_column_letter(c)].width or 10 for c in range(1, self.width + 1))
        )


def _column_widths(blocks: list[Block], width: int) -> list[float]:
    widths = [0.0] * width
    for block in blocks:
        if isinstance(block, Table):
            for row in (block.header, *block.rows):
                for index, text in enumerate(row):
                    widths[index] = max(widths[index], _text_width(text) + 2)
    labels = [_text_width(f.label) + 2 for b in blocks if isinstance(b, Paragraph) for f in b.fields]
    widths[0] = max(widths[0], max(labels, default=0))
    if not any(isinstance(b, Table) for b in blocks):
        return [min(max(widths[0], 12), 24)] + [22.0] * (width - 1)
    widths = [min(max(w, 8), 30) for w in widths]
    # A header row alone ("序号|问题表现|整改措施") would give narrow columns: they are widened,
    # in proportion, to fill the page's width, so that there is room to write by hand.
    page = PAGE_WIDTH_LANDSCAPE if width >= LANDSCAPE_FROM else PAGE_WIDTH_PORTRAIT
    total = sum(widths)
    return [round(w * page / total, 1) for w in widths] if total < page else widths


def _answer_below(blocks: list[Block], start: int) -> int:
    """How many plain lines follow ``blocks[start - 1]``: the example's answer to a field left
    empty on its own line ("流程：" then "1.签到…")."""
    count = 0
    for block in blocks[start:]:
        if not isinstance(block, Paragraph) or block.fields:
            break
        count += 1
    return count


def _write_form(form: _Form, article: Article, blocks: list[Block], *, sample: bool) -> list[int]:
    form.line(f"{article.code} {article.title}", font=Font(bold=True, size=14), height=28)
    header_rows: list[int] = []
    index = 0
    while index < len(blocks):
        block = blocks[index]
        index += 1
        if isinstance(block, Table):
            header_rows.append(form.table(block, sample=sample))
        elif index == 1 and not block.fields:
            form.line(block.text, font=Font(bold=True, size=12), height=24)  # the record's own heading
        elif sample or not block.fields:
            form.line(block.text, font=None if sample else GREY)
        else:
            below = _answer_below(blocks, index) if not block.fields[-1].value else 0
            for field in block.fields:
                if field is block.fields[-1] and not field.value:
                    lines = max(3, below)  # room to write what the example wrote below
                else:
                    lines = 1 if _text_width(field.value) <= 40 else 3
                form.field(field, lines=lines)
            index += below
    return header_rows


def _set_up(sheet: Worksheet, widths: list[float], header_rows: list[int], title: str) -> None:
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if len(widths) >= LANDSCAPE_FROM else "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.5
    if header_rows:
        # A table running onto a second page repeats its header row there.
        sheet.print_title_rows = f"{header_rows[0]}:{header_rows[0]}"
    sheet.oddHeader.center.text = escape_formula(title).replace("&", "&&")
    sheet.oddFooter.center.text = "&P / &N"


def example_form(article: Article) -> tuple[str, str, bytes]:
    """The fill-in form of an article's example; ``ValueError`` when it has none."""
    blocks = parse_example(article.example)
    if not blocks:
        raise ValueError("The article has no example.")
    table_widths = [b.width for b in blocks if isinstance(b, Table)]
    width = max(2, *table_widths) if table_widths else FORM_COLUMNS
    widths = _column_widths(blocks, width)
    title = f"{article.code} {article.title}"
    workbook = Workbook()
    workbook.properties.title = title
    form_sheet = workbook.active
    form_sheet.title = _("Fill-in form")
    sample_sheet = workbook.create_sheet(_("Filled-in example"))
    for sheet, sample in ((form_sheet, False), (sample_sheet, True)):
        for column, w in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(column)].width = w
        form = _Form(sheet, width)
        header_rows = _write_form(form, article, blocks, sample=sample)
        if not sample:
            form.row += 1
            form.line(_("Grey text is guidance. The handbook's example, filled in, is on the next sheet."), font=GREY)
        _set_up(sheet, widths, header_rows, title)
    out = BytesIO()
    workbook.save(out)
    filename = f"{article.code}-{article.title}-{_('Fill-in form')}.xlsx"
    return filename, XLSX, out.getvalue()
