"""Hostile or wrong files are refused fast, with a clear message, before any parsing."""

import io
import time
import tracemalloc
import zipfile

import pytest

from members.excel import importer, reader
from tests.members.xlsx import row, xlsx


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
