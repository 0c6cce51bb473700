"""The two readers of a roster: python-calamine when the sheet's cells fit a bounded box,
openpyxl (streaming) otherwise; both give the importer the same rows."""

import datetime as dt
import io
import zipfile

from members.excel import reader
from tests.members.xlsx import row, xlsx, xlsx_like_excel

_SHEET = "xl/worksheets/sheet1.xml"


def _with_sheet(data: bytes, change) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            body = source.read(entry)
            target.writestr(entry.filename, change(body) if entry.filename == _SHEET else body)
    return out.getvalue()


def _plain(value: object) -> object:
    """An empty cell is None (openpyxl) or "" (calamine); a date cell a datetime or a date."""
    if value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    return value


def _rows(rows) -> list[tuple[int, list[object]]]:
    out = []
    for number, values in rows:
        cells = [_plain(v) for v in values]
        while cells and cells[-1] is None:
            cells.pop()
        out.append((number, cells))
    return out


def _both(data: bytes) -> tuple[list, list]:
    fast = _rows(reader._calamine_rows(io.BytesIO(data)))
    slow = _rows(reader._openpyxl_rows(io.BytesIO(data)))
    return fast, slow


def test_calamine_and_openpyxl_read_an_openpyxl_file_alike():
    data = xlsx([row(), row(姓名="李四", 出生日期="", 转正日期=""), row(手机号=13912345678, 工会会员=True)])
    assert reader.calamine_box(io.BytesIO(data))
    fast, slow = _both(data)
    assert fast == slow
    assert fast[1][1][3] == dt.date(1990, 5, 6)  # a date cell is a date either way


def test_calamine_and_openpyxl_read_an_excel_style_file_alike():
    data = xlsx_like_excel([row(), row(姓名="王五")])
    assert reader.calamine_box(io.BytesIO(data))
    fast, slow = _both(data)
    assert fast == slow


def test_row_numbers_count_from_the_top_of_the_sheet_when_it_starts_lower_and_to_the_right():
    # The roster starts at B3: the rows keep the sheet's numbers and columns.
    def move(body: bytes) -> bytes:
        for r in (2, 1):
            body = body.replace(f'<row r="{r}">'.encode(), f'<row r="{r + 2}">'.encode())
        for c in "QPONMLKJIHGFEDCBA":
            for r in (2, 1):
                nxt = chr(ord(c) + 1)
                body = body.replace(f'r="{c}{r}"'.encode(), f'r="{nxt}{r + 2}"'.encode())
        return body

    data = _with_sheet(xlsx_like_excel([row()]), move)
    assert reader.calamine_box(io.BytesIO(data))
    rows = list(reader.iter_rows(io.BytesIO(data)))
    assert [n for n, _v in rows] == [3, 4]
    assert rows[0][1][0] in (None, "") and rows[0][1][1] == "姓名"
    assert _rows(rows) == _rows(reader._openpyxl_rows(io.BytesIO(data)))[-2:]


def test_a_cell_past_column_100_sends_the_file_to_openpyxl():
    far = b'<c r="CW2" t="inlineStr"><is><t>note</t></is></c></row>'
    data = _with_sheet(xlsx_like_excel([row()]), lambda body: body.replace(b"</row>", far, 2))
    assert not reader.calamine_box(io.BytesIO(data))
    widths = {len(values) for _n, values in reader.iter_rows(io.BytesIO(data))}
    assert max(widths) <= reader.MAX_COLUMNS


def test_a_far_row_number_sends_the_file_to_openpyxl():
    far = b'<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
    data = _with_sheet(xlsx_like_excel([row()]), lambda body: body.replace(b"</sheetData>", far))
    assert not reader.calamine_box(io.BytesIO(data))


def test_cells_that_do_not_say_where_they_are_send_the_file_to_openpyxl():
    data = _with_sheet(xlsx_like_excel([row()]), lambda body: body.replace(b'<c r="B2"', b"<c", 1))
    assert not reader.calamine_box(io.BytesIO(data))
    assert len(list(reader.iter_rows(io.BytesIO(data)))) == 2


def test_a_big_box_of_cells_sends_the_file_to_openpyxl(monkeypatch):
    data = xlsx_like_excel([row(), row(姓名="王五")])
    monkeypatch.setattr(reader, "CALAMINE_MAX_CELLS", 2 * 17)
    assert not reader.calamine_box(io.BytesIO(data))
    monkeypatch.setattr(reader, "CALAMINE_MAX_CELLS", 3 * 26)
    assert reader.calamine_box(io.BytesIO(data))


def test_a_file_calamine_cannot_read_is_read_by_openpyxl(monkeypatch):
    class Broken:
        @staticmethod
        def from_filelike(handle):
            raise ValueError("unreadable")

    monkeypatch.setattr(reader, "CalamineWorkbook", Broken)
    data = xlsx([row()])
    assert len(list(reader.iter_rows(io.BytesIO(data)))) == 2
