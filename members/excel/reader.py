"""Opening an uploaded workbook safely: refuse hostile or wrong files before parsing them.

The first checks run on the zip directory alone (a few kilobytes). openpyxl, even in
read-only mode, holds some parts whole: the shared-strings table as one Python string per
entry, the styles, and every element of a worksheet that is not a row (rows are cleared,
but stay in its tree as empty elements). A file within the size and ratio limits can still
make those cost a gigabyte, so every XML part is then streamed once through expat, which
keeps no tree, and refused past budgets that bound what openpyxl would hold (``_scan``).
That pass costs about a second for 60,000 rows. Cells are then read with python-calamine
when the sheet's cells fit a bounded box, else streamed with openpyxl's read-only mode.
"""

import logging
import re
import xml.parsers.expat
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.utils.translation import gettext as _
from openpyxl import load_workbook

try:  # the fast reader; openpyxl reads alone without it
    from python_calamine import CalamineWorkbook, SheetTypeEnum
except ImportError:  # pragma: no cover
    CalamineWorkbook = SheetTypeEnum = None

from config.filesizes import sizes_apart

logger = logging.getLogger(__name__)

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTION_MARK = "EncryptionInfo".encode("utf-16-le")


class FileRefused(ValueError):
    """The whole file is refused; ``args[0]`` is a user-facing message."""


def max_bytes() -> int:
    return int(getattr(settings, "MEMBERS_IMPORT_MAX_BYTES", getattr(settings, "UPLOAD_MAX_BYTES", 10 * 1024 * 1024)))


def max_rows() -> int:
    return int(getattr(settings, "MEMBERS_IMPORT_MAX_ROWS", 60_000))


def max_unzipped_bytes() -> int:
    return int(getattr(settings, "MEMBERS_IMPORT_MAX_UNZIPPED_BYTES", 400 * 1024 * 1024))


def max_shared_strings() -> int:
    return int(getattr(settings, "MEMBERS_IMPORT_MAX_SHARED_STRINGS", 600_000))


def max_shared_string_chars() -> int:
    return int(getattr(settings, "MEMBERS_IMPORT_MAX_SHARED_STRING_CHARS", 16_000_000))


def max_shared_strings_bytes() -> int:
    return int(getattr(settings, "MEMBERS_IMPORT_MAX_SHARED_STRINGS_BYTES", 64 * 1024 * 1024))


def max_sheet_rows() -> int:
    """Rows of any kind a worksheet may hold: as many blank rows as member rows are allowed
    (a template formatted far down is fine); beyond that the blank rows alone cost time."""
    return 2 * max_rows()


# A worksheet's XML compresses well, but not a thousand-fold: beyond this it is a bomb.
MAX_RATIO = 200
MAX_ENTRIES = 500
# Columns read from each row: the roster has 17; a sheet that declares 16,384 would make
# every row (blank ones too) a tuple of 16,384 values.
MAX_COLUMNS = 100
# Budgets of the streaming pass (see _scan). A row holds at most 16,384 cells of a few
# elements each; anything else in a part (styles, column widths, merged cells, the
# workbook itself) is at most tens of thousands of elements in a real file.
MAX_ROW_ELEMENTS = 100_000
MAX_ROW_CHARS = 1_000_000
MAX_STRING_ELEMENTS = 1_000  # formatted runs of one shared string
MAX_STRING_CHARS = 32_767  # Excel's own limit for a cell
MAX_PART_ELEMENTS = 100_000  # outside rows and shared strings
MAX_PART_CHARS = 16_000_000
# expat holds a tag, a comment or a processing instruction whole until it ends.
MAX_TOKEN_BYTES = 4 * 1024 * 1024


def check_file(handle: BinaryIO, size: int) -> None:
    """Raises FileRefused unless ``handle`` looks like a plain, reasonably sized .xlsx."""
    if size > max_bytes():
        shown, limit = sizes_apart(size, max_bytes())
        raise FileRefused(_("The file is %(size)s; the limit is %(limit)s.") % {"size": shown, "limit": limit})
    if size == 0:
        raise FileRefused(_("The file is empty."))
    handle.seek(0)
    head = handle.read(8)
    handle.seek(0)
    if head.startswith(_OLE_MAGIC):
        # Excel saves a password-protected .xlsx as an OLE container holding EncryptionInfo.
        sample = handle.read(min(size, 1024 * 1024))
        handle.seek(0)
        if _ENCRYPTION_MARK in sample:
            raise FileRefused(_("The file is protected by a password: remove the password and upload it again."))
        raise FileRefused(_("This is an old Excel (.xls) file: save it as .xlsx and upload it again."))
    if not head.startswith(_ZIP_MAGIC):
        raise FileRefused(_("This is not an Excel .xlsx file."))
    try:
        with zipfile.ZipFile(handle) as archive:
            entries = archive.infolist()
            names = {e.filename for e in entries}
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise FileRefused(_("The file is damaged and cannot be opened as .xlsx.")) from exc
    finally:
        handle.seek(0)
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/worksheets/") for n in names):
        raise FileRefused(_("This is not an Excel .xlsx file."))
    if len(entries) > MAX_ENTRIES:
        raise FileRefused(_("The file holds too many parts to be a roster."))
    total = 0
    for entry in entries:
        total += entry.file_size
        if entry.file_size > 1024 * 1024 and entry.file_size > MAX_RATIO * max(entry.compress_size, 1):
            raise FileRefused(_("The file expands to an implausible size when opened (a zip bomb?)."))
    if total > max_unzipped_bytes():
        raise FileRefused(_("The file expands to an implausible size when opened (a zip bomb?)."))
    try:
        with zipfile.ZipFile(handle) as archive:
            for entry in entries:
                _scan(archive, entry)
    except FileRefused:
        raise
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, zlib.error, RuntimeError, NotImplementedError) as exc:
        # A bad CRC (a part longer than the directory says), an encrypted or unknown entry.
        raise FileRefused(_("The file is damaged and cannot be opened as .xlsx.")) from exc
    finally:
        handle.seek(0)


def too_many_rows() -> FileRefused:
    return FileRefused(
        _(
            "The worksheet has more than %(limit)d rows, blank rows included: delete the empty rows below "
            "the roster or split the file."
        )
        % {"limit": max_sheet_rows()}
    )


def _mb(size: int) -> float:
    return round(size / 1048576, 1)


def _part_too_big(name: str, size: int, limit: int) -> FileRefused:
    return FileRefused(
        _("The part “%(part)s” of the file is %(size)s MB once unpacked; the limit is %(limit)s MB.")
        % {"part": name, "size": _mb(size), "limit": _mb(limit)}
    )


def _too_much(part: str, limit: int, what: str) -> FileRefused:
    if what == "elements":
        message = _("The part “%(part)s” of the file holds more than %(limit)d XML elements in one place.")
    else:
        message = _("The part “%(part)s” of the file holds more than %(limit)d characters in one place.")
    return FileRefused(message % {"part": part, "limit": limit})


def _too_many_strings() -> FileRefused:
    return FileRefused(
        _("The workbook holds more than %(limit)d different texts (shared strings): a roster needs far fewer.")
        % {"limit": max_shared_strings()}
    )


def _too_much_text() -> FileRefused:
    return FileRefused(
        _("The workbook's texts (shared strings) add up to more than %(limit)d characters: a roster needs far fewer.")
        % {"limit": max_shared_string_chars()}
    )


def _doctype(*args: object) -> None:
    # No part of an .xlsx has a DTD; one can only be there to expand entities.
    raise FileRefused(_("This is not an Excel .xlsx file."))


_BOMS_AND_SPACE = b"\xef\xbb\xbf\xff\xfe\x00 \t\r\n"


def _scan(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> None:
    """Streams one XML part through expat, which keeps no tree, counting what openpyxl
    would hold, and raises FileRefused past a budget.

    The root element says what the part is, whatever it is called: a worksheet (its units
    are rows), the shared-strings table (units are strings) or anything else (no units).
    A unit runs from its start to the next unit's, and its elements and characters are
    counted per unit; the rest per part. This runs once per element of a 60,000-row sheet,
    so it is closures over local counters, not an object, and has no end-tag handler.

    Reads at most what the zip directory declares (zipfile stops there and checks the CRC).
    A part that is not XML (an image), or stops being well-formed, ends the pass over that
    part: openpyxl would stop at the same byte.
    """
    if entry.is_dir():
        return
    part = entry.filename
    with archive.open(entry) as stream:
        chunk = stream.read(1 << 16)
        if chunk.lstrip(_BOMS_AND_SPACE)[:1] != b"<":
            return
        kind = unit_tag = ""
        units = elements = unit_elements = chars = unit_chars = text_chars = others = 0
        unit_limit = unit_element_limit = unit_char_limit = 0
        text_limit = max_shared_string_chars()

        def start(tag: str, attributes: object) -> None:
            nonlocal kind, unit_tag, units, elements, unit_elements, unit_chars
            nonlocal unit_limit, unit_element_limit, unit_char_limit
            if tag == unit_tag:
                units += 1
                if units > unit_limit:
                    raise too_many_rows() if kind == "worksheet" else _too_many_strings()
                unit_elements = 1
                unit_chars = 0
                return
            if unit_elements:
                unit_elements += 1
                if unit_elements > unit_element_limit:
                    raise _too_much(part, unit_element_limit, "elements")
                return
            if not kind:
                kind = tag.rpartition(":")[2]
                prefix = tag[: len(tag) - len(kind)]
                if kind == "worksheet":
                    unit_tag = prefix + "row"
                    unit_limit, unit_element_limit, unit_char_limit = (
                        max_sheet_rows() + 1,
                        MAX_ROW_ELEMENTS,
                        MAX_ROW_CHARS,
                    )
                elif kind == "sst":
                    if entry.file_size > max_shared_strings_bytes():
                        raise _part_too_big(part, entry.file_size, max_shared_strings_bytes())
                    unit_tag = prefix + "si"
                    unit_limit, unit_element_limit, unit_char_limit = (
                        max_shared_strings(),
                        MAX_STRING_ELEMENTS,
                        MAX_STRING_CHARS,
                    )
            elements += 1
            if elements > MAX_PART_ELEMENTS:
                raise _too_much(part, MAX_PART_ELEMENTS, "elements")

        def text(data: str) -> None:
            nonlocal chars, unit_chars, text_chars
            if unit_elements:
                unit_chars += len(data)
                if unit_chars > unit_char_limit:
                    raise _too_much(part, unit_char_limit, "characters")
                if kind == "sst":
                    text_chars += len(data)
                    if text_chars > text_limit:
                        raise _too_much_text()
                return
            chars += len(data)
            if chars > MAX_PART_CHARS:
                raise _too_much(part, MAX_PART_CHARS, "characters")

        def other(*args: object) -> None:
            nonlocal others
            others += 1

        parser = xml.parsers.expat.ParserCreate()
        parser.buffer_text = True
        parser.StartElementHandler = start
        parser.CharacterDataHandler = text
        parser.CommentHandler = other
        parser.ProcessingInstructionHandler = other
        parser.StartDoctypeDeclHandler = _doctype
        # expat holds a tag, a comment or an instruction whole until it ends: bytes fed
        # with no event at all are one such piece, refused before it grows any further.
        progress, quiet = -1, 0
        try:
            while chunk:
                parser.Parse(chunk, False)
                now = units + elements + unit_elements + chars + unit_chars + others
                quiet = len(chunk) if now != progress else quiet + len(chunk)
                progress = now
                if quiet > MAX_TOKEN_BYTES:
                    raise FileRefused(
                        _("The part “%(part)s” of the file holds a single value of more than %(limit)s MB.")
                        % {"part": part, "limit": _mb(MAX_TOKEN_BYTES)}
                    )
                chunk = stream.read(1 << 18)
            parser.Parse(b"", True)
        except xml.parsers.expat.ExpatError:
            return


_DIMENSION = re.compile(rb'<(?:\w+:)?dimension ref="[A-Z]+\d+:[A-Z]+(\d+)"')


def declared_rows(handle: BinaryIO) -> int:
    """The row count the first sheet declares near its top, for a progress bar only (it is
    never trusted for a limit); 0 when it does not say. Reads a few kilobytes."""
    try:
        with zipfile.ZipFile(handle) as archive:
            sheets = sorted(n for n in archive.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n))
            if not sheets:
                return 0
            with archive.open(sheets[0]) as sheet:
                head = sheet.read(4096)
    except (zipfile.BadZipFile, OSError, ValueError):
        return 0
    finally:
        handle.seek(0)
    match = _DIMENSION.search(head)
    return max(int(match.group(1)) - 1, 0) if match else 0


def check_path(path: Path | str) -> None:
    path = Path(path)
    with path.open("rb") as handle:
        check_file(handle, path.stat().st_size)


def iter_rows(handle: BinaryIO) -> Iterator[tuple[int, tuple[object, ...]]]:
    """(row number, cell values) of the first worksheet; blank rows skipped.

    Read with python-calamine (Rust, about seven times openpyxl's speed) when the sheets'
    cells lie in a box small enough to hold (``calamine_box``); otherwise, or when calamine
    cannot read the file, streamed with openpyxl read-only. Both give the same values to
    the column parsers (an empty cell is ``None`` or ``""``, both read as empty).

    Raises FileRefused past the row limit, counting as it goes: the sheet's declared
    dimension is not trusted. Blank rows count toward a limit of their own, rows openpyxl
    fills in for a gap in the numbering too (``<row r="1048576">`` alone is a million).
    """
    rows = _calamine_rows(handle) if calamine_box(handle) else None
    if rows is None:
        rows = _openpyxl_rows(handle)
    limit = max_rows() + 1  # + the header row
    seen = 0
    for number, values in rows:
        if number > max_sheet_rows() + 1:
            raise too_many_rows()
        if not any(v is not None and str(v).strip() != "" for v in values):
            continue
        seen += 1
        if seen > limit:
            raise FileRefused(
                _("The file has more than %(limit)d rows: split it into smaller files.") % {"limit": max_rows()}
            )
        yield number, values


def _openpyxl_rows(handle: BinaryIO) -> Iterator[tuple[int, tuple[object, ...]]]:
    handle.seek(0)
    try:
        workbook = load_workbook(handle, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise FileRefused(_("The file is damaged and cannot be opened as .xlsx.")) from exc
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise FileRefused(_("The workbook has no worksheet."))
        try:
            yield from enumerate(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), start=1)
        except FileRefused:
            raise
        except Exception as exc:
            raise FileRefused(_("The file is damaged and cannot be opened as .xlsx.")) from exc
    finally:
        workbook.close()


def _calamine_rows(handle: BinaryIO) -> Iterator[tuple[int, tuple[object, ...]]] | None:
    """The first worksheet's rows through calamine, or None when calamine cannot read it
    (openpyxl then tries). calamine holds the sheet's box of cells, which
    ``calamine_box`` has bounded."""
    if CalamineWorkbook is None:
        return None
    handle.seek(0)
    workbook = None
    try:
        workbook = CalamineWorkbook.from_filelike(handle)
        names = [m.name for m in workbook.sheets_metadata if m.typ == SheetTypeEnum.WorkSheet]
        sheet = workbook.get_sheet_by_name(names[0]) if names else None
    except Exception:  # any failure: openpyxl decides
        logger.info("calamine could not read a roster; reading it with openpyxl", exc_info=True)
        sheet = None
    if sheet is None:
        if workbook is not None:
            workbook.close()
        return None
    return _numbered(workbook, sheet)


def _numbered(workbook: object, sheet: object) -> Iterator[tuple[int, tuple[object, ...]]]:
    try:
        if (sheet.start or (0, 0)) == (0, 0):  # type: ignore[attr-defined]
            # The usual roster, from A1: rows made one at a time.
            rows: Iterable[list[object]] = sheet.iter_rows()  # type: ignore[attr-defined]
        else:
            # From A1, not from the first cell that holds something, so that row numbers
            # and column positions are the sheet's own.
            rows = sheet.to_python(skip_empty_area=False)  # type: ignore[attr-defined]
        for number, values in enumerate(rows, start=1):
            yield number, tuple(values[:MAX_COLUMNS])
    except FileRefused:
        raise
    except Exception as exc:
        raise FileRefused(_("The file is damaged and cannot be opened as .xlsx.")) from exc
    finally:
        workbook.close()  # type: ignore[attr-defined]


# calamine holds a sheet's cells as one dense box (first to last row × first to last
# column, about 32 bytes a cell before they become Python values): at most this many,
# a 60,000-row roster being about a million.
CALAMINE_MAX_CELLS = 2_000_000
_ROW_REF = re.compile(rb'<row r="([0-9]{1,7})"')
# Columns AA… (27 and up), and those past CV (column 100, ``MAX_COLUMNS``).
_WIDE_CELL = re.compile(rb'<c r="[A-Z]{2,3}[0-9]')
_TOO_WIDE_CELL = re.compile(rb'<c r="(?:[A-Z]{3}|C[W-Z]|[D-Z][A-Z])[0-9]')


def calamine_box(handle: BinaryIO) -> bool:
    """Whether every worksheet's cells lie in a box calamine may hold: each row and cell
    says where it is (``r``, as Excel, WPS, openpyxl and calamine write), no cell lies past
    column ``MAX_COLUMNS`` nor row ``max_sheet_rows() + 1``, and rows × columns stay under
    ``CALAMINE_MAX_CELLS``. Found with a few regular expressions over the sheet's XML,
    streamed (about a tenth of a second for 50,000 rows); anything unusual says no."""
    try:
        with zipfile.ZipFile(handle) as archive:
            sheets = [n for n in archive.namelist() if re.fullmatch(r"xl/worksheets/[^/]+\.xml", n)]
            for name in sheets:
                if not _small_box(archive, name):
                    return False
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, zlib.error, RuntimeError, NotImplementedError):
        return False
    finally:
        handle.seek(0)
    return bool(sheets)


def _small_box(archive: zipfile.ZipFile, name: str) -> bool:
    top_row, columns = 0, 26
    carry = b""
    with archive.open(name) as stream:
        while True:
            chunk = stream.read(1 << 20)
            data = carry + chunk
            # Whole tags only: cut after the last ">" and carry the rest to the next read.
            cut = data.rfind(b">") + 1 if chunk else len(data)
            if chunk and len(data) - cut > MAX_TOKEN_BYTES:
                return False
            data, carry = data[:cut], data[cut:]
            # Every cell and row says where it is, unprefixed, ``r`` first.
            if b":c " in data or b":c>" in data or b":row" in data:
                return False
            if data.count(b'<c r="') != data.count(b"<c ") + data.count(b"<c>") + data.count(b"<c/>"):
                return False
            rows = _ROW_REF.findall(data)
            if len(rows) != data.count(b"<row ") + data.count(b"<row>") + data.count(b"<row/>"):
                return False
            if columns < MAX_COLUMNS and _WIDE_CELL.search(data):
                columns = MAX_COLUMNS
            if columns == MAX_COLUMNS and _TOO_WIDE_CELL.search(data):
                return False
            if rows:
                top_row = max(top_row, *map(int, rows))
            if top_row > max_sheet_rows() + 1:
                return False
            if not chunk:
                break
    return top_row * columns <= CALAMINE_MAX_CELLS


class SizeLimitedUpload(FileUploadHandler):
    """Stops storing an upload as soon as it passes the size limit, while it streams in,
    rather than after the whole file has landed on disk. The view reads ``refused``."""

    def __init__(self, request: object = None) -> None:
        super().__init__(request)
        self.limit = max_bytes()
        self.refused = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > self.limit:
            self.refused = True
            # The rest of the body is read and dropped, so the browser still gets a page.
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None
