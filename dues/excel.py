"""A branch's month of dues as an xlsx, and the same xlsx read back.

The export's header row is the import's: a keeper fills in bases and payments offline and
uploads the file. Columns the brackets compute (rate, amount by the brackets) are written for
reading and ignored on the way back. Every bad row is named before anything is written.
"""

import datetime as dt
import io
from decimal import Decimal, InvalidOperation
from typing import IO, Any
from zipfile import BadZipFile

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from branches.models import Organisation
from config.request_values import parse_id
from config.xlsx import escape_formula, unescape_formula
from members.excel.reader import FileRefused, check_file
from members.models import Member

from .brackets import PayerKind, rate_label
from .selectors import Line
from .services import Values

# (key, header): the header is what a keeper reads and what the import looks for.
COLUMNS = [
    ("member", "党员编号"),
    ("name", "姓名"),
    ("payer_kind", "交纳类别"),
    ("base", "月收入基数（元）"),
    ("rate", "交纳比例"),
    ("computed", "按比例应交（元）"),
    ("override_amount", "调整后应交（元）"),
    ("override_reason", "调整理由"),
    ("amount_paid", "实交（元）"),
    ("paid_on", "交纳日期"),
]
HEADERS = {key: header for key, header in COLUMNS}


def _kinds() -> dict[str, str]:
    """A payer kind by what a cell may hold: its label in either language, or its code."""
    found = {value: value for value in PayerKind.values}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            found |= {str(label): value for value, label in PayerKind.choices}
    return found


MAX_ROWS = 2000


def _money(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def export_month(branch: Organisation, month: dt.date, lines: list[Line]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = f"{month:%Y-%m}"
    sheet.append([header for _key, header in COLUMNS])
    for line in lines:
        e = line.entry
        kind = e.payer_kind if e else line.payer_kind
        sheet.append(
            [
                line.member.pk,
                escape_formula(line.member.name),
                str(PayerKind(kind).label),
                _money(e.base if e else line.base),
                rate_label(kind, e.rate) if e else "",
                _money(e.computed_amount) if e else None,
                _money(e.override_amount) if e else None,
                escape_formula(e.override_reason) if e else "",
                _money(e.amount_paid) if e else None,
                e.paid_on if e and e.paid_on else None,
            ]
        )
    for letter, width in zip("ABCDEFGHIJ", (10, 12, 22, 16, 10, 16, 16, 24, 12, 14), strict=True):
        sheet.column_dimensions[letter].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _decimal(raw: Any, header: str, *, required: bool) -> Decimal | None:
    if raw in (None, ""):
        if required:
            raise ValueError(_("%(column)s is empty.") % {"column": header})
        return None
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        raise ValueError(_("%(column)s is not a number: %(value)s.") % {"column": header, "value": raw}) from None
    if not value.is_finite() or value < 0 or value >= Decimal("100000000"):
        raise ValueError(_("%(column)s must be a number from 0 to 99999999.99.") % {"column": header})
    if value != value.quantize(Decimal("0.01")):
        raise ValueError(_("%(column)s has more than two decimal places.") % {"column": header})
    return value.quantize(Decimal("0.01"))


def _date(raw: Any, header: str) -> dt.date | None:
    if raw in (None, ""):
        return None
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    try:
        return dt.date.fromisoformat(str(raw).strip())
    except ValueError:
        raise ValueError(
            _("%(column)s is not a date (YYYY-MM-DD): %(value)s.") % {"column": header, "value": raw}
        ) from None


def read_month(file: IO[bytes], size: int, members: dict[int, Member]) -> tuple[list[tuple[Member, Values]], list[str]]:
    """The rows of an uploaded month, and a message for every bad one (row numbers as the
    spreadsheet shows them). ``members`` are those the branch's month may hold, by id."""
    try:
        check_file(file, size)
        file.seek(0)
        book = load_workbook(file, read_only=True, data_only=True)
    except FileRefused as exc:
        return [], [str(exc.args[0])]
    except (InvalidFileException, BadZipFile, KeyError, OSError, ValueError, EOFError):
        return [], [_("The file is not an Excel workbook (.xlsx).")]
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = [str(unescape_formula(h)).strip() if h is not None else "" for h in next(rows, ())]
    missing = [h for key, h in COLUMNS if key not in ("rate", "computed") and h not in header]
    if missing:
        return [], [_("The first row lacks the columns: %(columns)s.") % {"columns": "、".join(missing)}]
    where = {key: header.index(h) for key, h in COLUMNS if h in header}
    found: list[tuple[Member, Values]] = []
    errors: list[str] = []
    seen: set[int] = set()
    for number, raw in enumerate(rows, start=2):
        if number > MAX_ROWS + 1:
            errors.append(_("The file has more than %(n)s rows.") % {"n": MAX_ROWS})
            break
        cells = {key: unescape_formula(raw[i]) if i < len(raw) else None for key, i in where.items()}
        if all(v in (None, "") for v in cells.values()):
            continue
        try:
            found.append(_row(cells, members, seen))
        except ValueError as exc:
            errors.append(_("Row %(row)s: %(message)s") % {"row": number, "message": exc.args[0]})
    book.close()
    return found, errors


def _row(cells: dict[str, Any], members: dict[int, Member], seen: set[int]) -> tuple[Member, Values]:
    raw_id = cells.get("member")
    member_id = parse_id(str(raw_id).strip()) if raw_id not in (None, "") else None
    member = members.get(member_id) if member_id is not None else None
    if member is None:
        raise ValueError(_("no member numbered %(value)s on this branch's roll.") % {"value": raw_id or "—"})
    name = str(cells.get("name") or "").strip()
    if name != member.name:
        raise ValueError(
            _("member %(id)s is %(name)s, not %(given)s.")
            % {"id": member.pk, "name": member.name, "given": name or "—"}
        )
    if member.pk in seen:
        raise ValueError(_("%(name)s appears twice.") % {"name": member.name})
    seen.add(member.pk)
    kind_label = str(cells.get("payer_kind") or "").strip()
    kind = _kinds().get(kind_label, PayerKind.EMPLOYED if not kind_label else None)
    if kind is None:
        raise ValueError(
            _("%(column)s must be one of %(choices)s.")
            % {"column": HEADERS["payer_kind"], "choices": "、".join(str(label) for label in PayerKind.labels)}
        )
    base = _decimal(cells.get("base"), HEADERS["base"], required=True)
    override = _decimal(cells.get("override_amount"), HEADERS["override_amount"], required=False)
    reason = str(cells.get("override_reason") or "").strip()
    if override is not None and not reason:
        raise ValueError(
            _("%(column)s is empty though the amount is adjusted.") % {"column": HEADERS["override_reason"]}
        )
    if len(reason) > 200:
        raise ValueError(_("%(column)s is longer than 200 characters.") % {"column": HEADERS["override_reason"]})
    paid = _decimal(cells.get("amount_paid"), HEADERS["amount_paid"], required=False) or Decimal("0.00")
    paid_on = _date(cells.get("paid_on"), HEADERS["paid_on"])
    if paid and paid_on is None:
        raise ValueError(_("%(column)s is empty though an amount is paid.") % {"column": HEADERS["paid_on"]})
    return member, Values(
        base=base,
        payer_kind=kind,
        amount_paid=paid,
        paid_on=paid_on if paid else None,
        override_amount=override,
        override_reason=reason if override is not None else "",
    )
