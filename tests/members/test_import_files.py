"""Hostile or wrong files are refused fast, with a clear message, before any parsing."""

import io
import os
import random
import subprocess
import sys
import time
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

import pytest

from members.excel import importer, reader
from tests.members.xlsx import row, xlsx, xlsx_like_excel


def refused(data: bytes) -> str:
    with pytest.raises(reader.FileRefused) as info:
        reader.check_file(io.BytesIO(data), len(data))
    return str(info.value.args[0])


def test_a_text_file_is_not_an_xlsx():
    assert refused("姓名,身份证号\n张三,1".encode())


def test_an_empty_file_is_refused():
    assert refused(b"")


def test_an_encrypted_workbook_is_refused_as_password_protected():
    # What Excel writes for a password-protected .xlsx: an OLE container with EncryptionInfo.
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + "EncryptionInfo".encode("utf-16-le") + b"\0" * 512
    message = refused(data)
    assert message == refused(data)
    assert message != refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2048)  # an old .xls says otherwise


def test_a_zip_that_is_not_a_workbook_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "hi")
    assert refused(out.getvalue())


def test_a_damaged_zip_is_refused():
    assert refused(b"PK\x03\x04" + b"\0" * 100)


def test_a_zip_bomb_is_refused_fast_and_without_memory():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (200 * 1024 * 1024))
    data = out.getvalue()
    assert len(data) < 1024 * 1024
    tracemalloc.start()
    started = time.perf_counter()
    message = refused(data)
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert "zip" in message.lower() or "炸弹" in message
    assert elapsed < 1 and peak < 20 * 1024 * 1024


def test_a_file_over_the_size_limit_is_refused(settings):
    settings.MEMBERS_IMPORT_MAX_BYTES = 1000
    data = xlsx([row()])
    assert len(data) > 1000
    assert refused(data)


def test_a_file_over_the_row_limit_is_refused(world, settings):
    settings.MEMBERS_IMPORT_MAX_ROWS = 3
    data = xlsx([row(姓名=f"人{i}") for i in range(4)])
    with pytest.raises(reader.FileRefused):
        importer.validate(io.BytesIO(data), scope=world.committee)


def test_a_file_at_the_row_limit_is_read(world, settings):
    settings.MEMBERS_IMPORT_MAX_ROWS = 3
    data = xlsx([row(姓名=f"人{i}") for i in range(3)])
    assert importer.validate(io.BytesIO(data), scope=world.committee).total == 3


def test_a_good_template_file_passes_the_checks():
    data = xlsx([row()])
    reader.check_file(io.BytesIO(data), len(data))


# --- what openpyxl would hold: every XML part is streamed once and held to budgets ----------

_SHEET = "xl/worksheets/sheet1.xml"
_STRINGS = "xl/sharedStrings.xml"


Writer = Callable[[bytes, BinaryIO], None]


def rebuilt(base: bytes, out: BinaryIO, parts: dict[str, Writer]) -> None:
    """``base`` with some parts rewritten: each writer gets the part's old bytes and the
    new entry to stream into, so a part of hundreds of megabytes is never held whole."""
    writers = dict(parts)
    with (
        zipfile.ZipFile(io.BytesIO(base)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target,
    ):
        for entry in source.infolist():
            old = source.read(entry)
            if entry.filename not in writers:
                target.writestr(entry, old)
                continue
            with target.open(entry.filename, "w") as new:
                writers.pop(entry.filename)(old, new)
        for name, writer in writers.items():
            with target.open(name, "w") as new:
                writer(b"", new)


def with_parts(parts: dict[str, Writer]) -> bytes:
    out = io.BytesIO()
    rebuilt(xlsx_like_excel([row()]), out, parts)
    return out.getvalue()


def before(closing: bytes, extra: Callable[[BinaryIO], None]) -> Writer:
    """A writer that keeps the old part and streams ``extra`` in just before ``closing``."""

    def write(old: bytes, new: BinaryIO) -> None:
        head, _sep, tail = old.rpartition(closing)
        new.write(head)
        extra(new)
        new.write(closing + tail)

    return write


def test_a_roster_whose_shared_strings_unpack_to_417_mb_is_refused_under_500_mb(tmp_path):
    # As found: 9 MB on the wire, 45:1, under the size, ratio and 400 MiB limits, and
    # about 1 GB once openpyxl held its strings. Four-byte characters make a string cost
    # in memory what it takes in the file; the random tails keep the ratio under 200.
    rng = random.Random(16)
    block = "".join(f"<si><t>{'𠀀' * 1000}{rng.getrandbits(32):08x}</t></si>" for _ in range(256)).encode()

    def bomb(new: BinaryIO) -> None:
        for _ in range(417_000_000 // len(block)):
            new.write(block)

    path = tmp_path / "roster.xlsx"
    with path.open("wb") as out:
        rebuilt(xlsx_like_excel([row()]), out, {_STRINGS: before(b"</sst>", bomb)})
    with zipfile.ZipFile(path) as archive:
        strings = archive.getinfo(_STRINGS)
    assert path.stat().st_size < reader.max_bytes() and strings.file_size > 415_000_000
    assert strings.file_size < reader.MAX_RATIO * strings.compress_size
    # The file check, then the whole read the worker does, in a process of their own so
    # that its peak resident memory is theirs alone.
    script = (
        "import sys, django\n"
        "django.setup()\n"
        "from members.excel import reader\n"
        "try:\n"
        "    reader.check_path(sys.argv[1])\n"
        "    with open(sys.argv[1], 'rb') as handle:\n"
        "        print('read', sum(1 for _ in reader.iter_rows(handle)))\n"
        "except reader.FileRefused as exc:\n"
        "    print('refused', exc.args[0])\n"
        # VmHWM, not ru_maxrss: Linux carries ru_maxrss across exec, so a process started
        # from a big test worker would report the worker's memory as its own.
        "print(next(l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM:')))\n"
    )
    env = os.environ | {
        "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
    }
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", script, str(path)], capture_output=True, text=True, env=env, timeout=120, check=True
    )
    elapsed = time.perf_counter() - started
    *said, peak_kb = done.stdout.strip().splitlines()
    assert said[0].startswith("refused") and "64.0 MB" in said[0], said
    assert int(peak_kb) < 500 * 1024 and elapsed < 20


def test_shared_strings_past_their_count_are_refused_while_streaming(settings):
    settings.MEMBERS_IMPORT_MAX_SHARED_STRINGS = 10  # the header alone has 17
    message = refused(xlsx_like_excel([row()]))
    assert "10" in message


def test_shared_strings_past_their_total_length_are_refused_while_streaming(settings):
    settings.MEMBERS_IMPORT_MAX_SHARED_STRING_CHARS = 100
    data = xlsx_like_excel([row(工作岗位="技术员" * 40)])
    assert "100" in refused(data)
    settings.MEMBERS_IMPORT_MAX_SHARED_STRING_CHARS = 1000
    reader.check_file(io.BytesIO(data), len(data))


def test_a_shared_strings_part_over_its_size_is_refused_naming_the_limit(settings):
    settings.MEMBERS_IMPORT_MAX_SHARED_STRINGS_BYTES = 1024 * 1024
    strings = b"<si><t>" + os.urandom(600_000).hex().encode() + b"</t></si>"
    data = with_parts({_STRINGS: before(b"</sst>", lambda new: new.write(strings))})
    assert "1.0 MB" in refused(data)


def test_a_sheet_of_a_million_blank_rows_is_refused_fast_naming_the_limit():
    def blank_rows(new: BinaryIO) -> None:
        new.write("".join(f'<row r="{r}" spans="1:17"/>' for r in range(3, 1_200_003)).encode())

    data = with_parts({_SHEET: before(b"</sheetData>", blank_rows)})
    started = time.perf_counter()
    message = refused(data)
    assert time.perf_counter() - started < 3
    assert f"{2 * reader.max_rows()}" in message


def test_a_gap_in_the_row_numbers_counts_as_blank_rows_while_reading(world):
    # Three <row> elements pass the file check; openpyxl then yields a million empty rows.
    far = '<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    data = with_parts({_SHEET: before(b"</sheetData>", lambda new: new.write(far.encode()))})
    reader.check_file(io.BytesIO(data), len(data))
    started = time.perf_counter()
    with pytest.raises(reader.FileRefused) as info:
        importer.validate(io.BytesIO(data), scope=world.committee)
    assert time.perf_counter() - started < 5
    assert f"{2 * reader.max_rows()}" in str(info.value.args[0])


def test_a_row_of_too_many_elements_is_refused():
    cells = b"<c/>" * (reader.MAX_ROW_ELEMENTS + 1)
    data = with_parts({_SHEET: before(b"</sheetData>", lambda new: new.write(b'<row r="3">' + cells + b"</row>"))})
    assert f"{reader.MAX_ROW_ELEMENTS}" in refused(data)


def test_a_single_value_of_megabytes_is_refused_before_the_parser_holds_it():
    comment = b"<!--" + os.urandom(3 * 1024 * 1024).hex().encode() + b"-->"
    data = with_parts({"xl/styles.xml": before(b"</styleSheet>", lambda new: new.write(comment))})
    assert "4.0 MB" in refused(data)


def test_a_part_with_a_dtd_is_refused():
    doctype = b'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "aaaa">]>'
    data = with_parts({_STRINGS: lambda old, new: new.write(doctype + old.split(b"?>", 1)[1])})
    assert refused(data) == refused("姓名".encode())


def test_a_workbook_with_a_picture_still_passes():
    data = with_parts({"xl/media/image1.png": lambda old, new: new.write(b"\x89PNG\r\n\x1a\n" + os.urandom(4096))})
    reader.check_file(io.BytesIO(data), len(data))


def test_a_sheet_declaring_16384_columns_is_read_100_columns_wide():
    # Read as declared, every row (blank ones too) would be a tuple of 16,384 values.
    data = with_parts(
        {_SHEET: lambda old, new: new.write(old.replace(b"<sheetData>", b'<dimension ref="A1:XFD3"/><sheetData>'))}
    )
    widths = {len(values) for _n, values in reader.iter_rows(io.BytesIO(data))}
    assert widths and max(widths) <= reader.MAX_COLUMNS
