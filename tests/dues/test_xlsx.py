"""A month exported to xlsx and imported back; a file with bad rows writes nothing."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from dues.models import DuesEntry
from tests.conftest import World
from tests.dues.factories import MONTH, closed_month, entry_in
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db
ARGS = (2026, 10)


def _export(client, world: World) -> bytes:
    response = client.get(reverse("dues:export", args=[world.branch_a.pk, *ARGS]))
    assert response.status_code == 200
    return response.content


def _upload(client, world: World, content: bytes):
    return client.post(
        reverse("dues:import", args=[world.branch_a.pk, *ARGS]),
        {"file": SimpleUploadedFile("dues.xlsx", content)},
    )


def _edit(content: bytes, changes: dict[tuple[int, int], object]) -> bytes:
    book = load_workbook(io.BytesIO(content))
    sheet = book.active
    for (row, col), value in changes.items():
        sheet.cell(row=row, column=col, value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_exported_month_filled_in_and_imported_back_records_every_row(world: World, as_role) -> None:
    client = as_role("secretary_a")
    kept = entry_in(world.branch_a, base="8600.00", paid="129.00")
    new = MemberFactory(branch=world.branch_a, name="=HYPERLINK(1)")
    content = _export(client, world)
    sheet = load_workbook(io.BytesIO(content)).active
    rows = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows[kept.member_id][3] == 8600 and rows[kept.member_id][5] == 129
    assert rows[new.pk][1] == "'=HYPERLINK(1)"  # escaped, and read back without the apostrophe
    new_row = next(i for i, r in enumerate(sheet.iter_rows(values_only=True), start=1) if r[0] == new.pk)
    filled = _edit(
        content,
        {
            (new_row, 4): 10000.01,
            (new_row, 7): 150,
            (new_row, 8): "困难补助",
            (new_row, 9): 150,
            (new_row, 10): "2026-10-12",
        },
    )
    response = _upload(client, world, filled)
    assert response.status_code == 302, response.content.decode()
    added = DuesEntry.objects.get(member=new)
    assert (added.computed_amount, added.amount_due, added.override_reason) == (
        Decimal("200.00"),
        Decimal("150.00"),
        "困难补助",
    )
    kept.refresh_from_db()
    assert (kept.amount_due, kept.amount_paid) == (Decimal("129.00"), Decimal("129.00"))
    # The round trip is stable: exported again, the same values come out.
    again = load_workbook(io.BytesIO(_export(client, world))).active
    assert [list(r) for r in again.iter_rows(values_only=True)] == [
        list(r) for r in load_workbook(io.BytesIO(_export(client, world))).active.iter_rows(values_only=True)
    ]


def test_every_bad_row_is_named_and_nothing_is_written(world: World, as_role) -> None:
    client = as_role("secretary_a")
    members = [MemberFactory(branch=world.branch_a, name=f"党员{i}") for i in range(6)]
    other = MemberFactory(branch=world.branch_b, name="乙支部党员")
    content = _export(client, world)
    order = {
        r[0]: i for i, r in enumerate(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True), start=1)
    }
    m = [order[x.pk] for x in members]
    bad = _edit(
        content,
        {
            (m[0], 4): 3000,  # a good row
            (m[1], 4): "三千",  # not a number
            (m[2], 4): 3000,
            (m[2], 7): 10,  # adjusted without a reason
            (m[3], 4): 3000,
            (m[3], 9): 15,  # paid without a date
            (m[4], 4): 3000,
            (m[4], 2): "别人",  # the name does not match the number
            (m[5], 1): other.pk,
            (m[5], 2): other.name,
            (m[5], 4): 3000,  # another branch's member
        },
    )
    page = _upload(client, world, bad)
    text = page.content.decode()
    assert page.status_code == 200
    for row in m[1:]:
        assert f"Row {row}:" in text
    assert f"Row {m[0]}:" not in text
    assert "is not a number" in text and "though the amount is adjusted" in text and "though an amount is paid" in text
    assert "乙支部党员" not in text or "no member numbered" in text
    assert not DuesEntry.objects.exists()


def test_a_file_that_is_not_a_workbook_is_refused_with_a_message(world: World, as_role) -> None:
    page = _upload(as_role("secretary_a"), world, b"not a zip at all")
    assert page.status_code == 200 and "dues-import-errors" in page.content.decode()
    assert not DuesEntry.objects.exists()


def test_a_closed_month_refuses_an_import(world: World, as_role) -> None:
    client = as_role("secretary_a")
    member = MemberFactory(branch=world.branch_a)
    content = _export(client, world)
    closed_month(world.branch_a, MONTH)
    page = _upload(client, world, _edit(content, {(2, 4): 3000}))
    assert "closed" in page.content.decode()
    assert not DuesEntry.objects.filter(member=member).exists()


def test_a_payer_kind_is_read_in_either_language(world: World, as_role) -> None:
    client = as_role("secretary_a")
    member = MemberFactory(branch=world.branch_a)
    content = _edit(_export(client, world), {(2, 3): "离退休", (2, 4): 6000})
    assert _upload(client, world, content).status_code == 302
    entry = DuesEntry.objects.get(member=member)
    assert (entry.payer_kind, entry.amount_due) == ("retired", Decimal("60.00"))
