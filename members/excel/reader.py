"""Opening an uploaded workbook safely: refuse hostile or wrong files before parsing them.

Every check here runs on the zip directory alone (a few kilobytes), so a refused file
costs neither time nor memory. Cells are then streamed with openpyxl's read-only mode.
"""

import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.utils.translation import gettext as _
from openpyxl import load_workbook

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


# A worksheet's XML compresses well, but not a thousand-fold: beyond this it is a bomb.
MAX_RATIO = 200
MAX_ENTRIES = 500


def check_file(handle: BinaryIO, size: int) -> None:
    """Raises FileRefused unless ``handle`` looks like a plain, reasonably sized .xlsx."""
    if size > max_bytes():
        raise FileRefused(
            _("The file is %(size)s MB; the limit is %(limit)s MB.")
            % {"size": round(size / 1048576, 1), "limit": round(max_bytes() / 1048576, 1)}
        )
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
    """(row number, cell values) of the first worksheet, streamed; blank rows skipped.

    Raises FileRefused past the row limit, counting as it goes: the sheet's declared
    dimension is not trusted.
    """
    try:
        workbook = load_workbook(handle, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise FileRefused(_("The file is damaged and cannot be opened as .xlsx.")) from exc
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise FileRefused(_("The workbook has no worksheet."))
        limit = max_rows() + 1  # + the header row
        seen = 0
        try:
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                if not any(v is not None and str(v).strip() != "" for v in values):
                    continue
                seen += 1
                if seen > limit:
                    raise FileRefused(
                        _("The file has more than %(limit)d rows: split it into smaller files.") % {"limit": max_rows()}
                    )
                yield number, values
        except FileRefused:
            raise
        except Exception as exc:
            raise FileRefused(_("The file is damaged and cannot be opened as .xlsx.")) from exc
    finally:
        workbook.close()


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
