"""The roster as a django-import-export Resource, and the .xlsx files made from it.

The Resource fixes the columns (Chinese headers, choice labels, date format) of both the
blank template and the export, so that an exported file re-imports unchanged. Files are
written with openpyxl's write-only mode, a row at a time, whatever the roster's size.
"""

import io
from collections.abc import Iterable

from django.db.models import QuerySet
from import_export import fields, resources, widgets
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from ..models import Member
from . import columns as C

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class LabelWidget(widgets.Widget):
    """Writes a stored choice as the Chinese label the import reads back."""

    def __init__(self, labels: dict[str, str]) -> None:
        self.labels = labels

    def render(self, value: object, obj: object = None, **kwargs: object) -> str:
        return self.labels.get(str(value), "") if value else ""


class YesNoWidget(widgets.Widget):
    def render(self, value: object, obj: object = None, **kwargs: object) -> str:
        return "是" if value else "否"


def _field(column: C.Column) -> fields.Field:
    attribute = {"branch_name": "branch__name", "branch_code": "branch__code"}.get(column.field, column.field)
    if column.labels:
        widget: widgets.Widget = LabelWidget(column.labels)
    elif column.parse is C.parse_date:
        widget = widgets.DateWidget(format="%Y-%m-%d")
    elif column.parse is C.parse_bool:
        widget = YesNoWidget()
    else:
        widget = widgets.CharWidget()
    return fields.Field(attribute=attribute, column_name=column.header, widget=widget)


class MemberResource(resources.ModelResource):
    class Meta:
        model = Member
        fields = ()
        import_id_fields = ("id_number",)

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        # Built from the one column table, so the template, the export and the import agree.
        self.fields = {column.field: _field(column) for column in C.COLUMNS}

    def get_export_order(self) -> tuple[str, ...]:
        return tuple(column.field for column in C.COLUMNS)


def escape_formula(value: object) -> object:
    """Text a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(C.FORMULA_PREFIXES):
        return "'" + value
    return value


def _write(rows: Iterable[list[object]], headers: list[str], notes: list[list[str]] | None = None) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("党员名册")
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append([escape_formula(v) for v in row])
    if notes:
        help_sheet = workbook.create_sheet("填写说明")
        for line in notes:
            help_sheet.append(line)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def render_export(queryset: QuerySet[Member]) -> bytes:
    resource = MemberResource()
    queryset = queryset.select_related("branch").order_by("branch__path", "name", "pk")
    headers = resource.get_export_headers()
    rows = (resource.export_resource(member) for member in resource.iter_queryset(queryset))
    return _write(rows, headers)


def render_template() -> bytes:
    """The blank template: the headers, and a second sheet saying what each column takes."""
    notes = [["列名", "是否必填", "填写说明"]]
    hints = {
        "出生日期": "可留空:按身份证号推算",
        "身份证号": "18 位,末位可为 X;请将此列设为文本格式",
        "入党日期": "如 2001-07-01、2001/7/1、2001.07.01、2001年7月1日、2001年7月",
        "转正日期": "正式党员必填,不得早于入党日期",
        "所在支部": "支部名称;重名时请填写支部编码",
        "支部编码": "填写后优先于所在支部",
        "人员状态": "留空为在册",
        "流动去向": "流动党员必填",
    }
    for column in C.COLUMNS:
        required = "是" if column.required else ("二选一" if column.field.startswith("branch_") else "否")
        hint = "、".join(column.labels.values()) if column.labels else hints.get(column.header, "")
        if column.parse is C.parse_bool:
            hint = "是 / 否"
        notes.append([column.header, required, hint])
    return _template(notes)


# Rows of the template that get drop-down lists and text formats.
TEMPLATE_ROWS = 5000


def _template(notes: list[list[str]]) -> bytes:
    """A normal (not write-only) workbook, small: drop-down lists for the choice columns,
    text format for the ID number and phone (so Excel does not round an 18-digit number)."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "党员名册"
    sheet.append(MemberResource().get_export_headers())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for index, column in enumerate(C.COLUMNS, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(10, len(column.header) * 3)
        cells = f"{letter}2:{letter}{TEMPLATE_ROWS + 1}"
        names = list(column.labels.values()) if column.labels else []
        if column.parse is C.parse_bool:
            names = ["是", "否"]
        if names:
            rule = DataValidation(type="list", formula1='"{}"'.format(",".join(names)), allow_blank=True)
            rule.add(cells)
            sheet.add_data_validation(rule)
        if column.field in ("id_number", "phone"):
            sheet.column_dimensions[letter].width = 22
            for (cell,) in sheet.iter_rows(min_row=2, max_row=TEMPLATE_ROWS + 1, min_col=index, max_col=index):
                cell.number_format = "@"
    help_sheet = workbook.create_sheet("填写说明")
    for line in notes:
        help_sheet.append(line)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
