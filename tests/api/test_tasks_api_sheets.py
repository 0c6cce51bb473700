"""/api/v1/reminder-sheets/ (JSON, PDF, xlsx) and /api/v1/requirements/ (阶段性工作要求)."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from branches.models import AuditEvent, OrgKind
from branches.services import organisation_dissolve
from handbook.models import Edition
from tasks.models import ReminderSheet, SheetKind, Task
from tasks.periods import local_today
from tasks.services import reminders_send
from tests.conftest import World
from tests.factories import make_org

SHEETS = "/api/v1/reminder-sheets/"
REQUIREMENTS = "/api/v1/requirements/"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _sheet_url(sheet: ReminderSheet) -> str:
    return reverse("api:reminder-sheet-detail", kwargs={"pk": sheet.pk})


def _error(response: object) -> dict:
    return response.json()["error"]  # type: ignore[attr-defined]


@pytest.fixture
def sheets(world: World, default_edition: Edition) -> dict[str, ReminderSheet]:
    """The monthly sheets of November 2026 and the quarterly ones of Q4, for both branches."""
    reminders_send(kind=SheetKind.MONTHLY, on=dt.date(2026, 11, 1))
    reminders_send(kind=SheetKind.QUARTERLY, on=dt.date(2026, 10, 1))
    return {
        f"{sheet.branch.code}-{sheet.kind}": sheet
        for sheet in ReminderSheet.objects.select_related("branch").filter(branch__in=[world.branch_a, world.branch_b])
    }


# --- the list ---------------------------------------------------------------------------------


def test_a_secretary_lists_only_their_own_branchs_sheets(api_as, world: World, sheets) -> None:
    response = api_as("secretary_a").get(SHEETS)
    assert response.status_code == 200
    rows = response.json()["results"]
    assert {row["id"] for row in rows} == {sheets["A-monthly"].pk, sheets["A-quarterly"].pk}
    assert {row["branch"] for row in rows} == {world.branch_a.pk}
    monthly = next(row for row in rows if row["kind"] == "monthly")
    assert monthly["period"] == "2026-11" and monthly["sent_at"]
    assert monthly["due_count"] + monthly["overdue_count"] == len(sheets["A-monthly"].lines) > 0
    assert world.branch_b.name not in response.content.decode()


def test_the_sheet_list_filters_by_branch_kind_and_period_and_orders(api_as, world: World, sheets) -> None:
    client = api_as("reviewer")
    assert client.get(SHEETS).json()["count"] == 4

    def ids(query: dict) -> set[int]:
        return {row["id"] for row in client.get(SHEETS, query).json()["results"]}

    assert ids({"branch": world.branch_b.pk}) == {sheets["B-monthly"].pk, sheets["B-quarterly"].pk}
    quarterly = {sheets["A-quarterly"].pk, sheets["B-quarterly"].pk}
    assert ids({"branch": world.general.pk, "kind": "quarterly"}) == quarterly
    assert ids({"period": "2026-11"}) == {sheets["A-monthly"].pk, sheets["B-monthly"].pk}
    starts = [row["period_start"] for row in client.get(SHEETS, {"ordering": "period_start"}).json()["results"]]
    assert starts == sorted(starts)


def test_a_bad_sheet_filter_is_a_400_and_a_plain_member_may_not_read_sheets(api_as, world: World, sheets) -> None:
    response = api_as("secretary_a").get(SHEETS, {"kind": "weekly", "branch": world.branch_b.pk})
    assert response.status_code == 400
    assert set(_error(response)["fields"]) == {"kind", "branch"}
    assert api_as("member").get(SHEETS).status_code == 403


# --- one sheet --------------------------------------------------------------------------------


def test_a_sheet_shows_its_lines_as_they_stood(api_as, sheets) -> None:
    sheet = sheets["A-monthly"]
    body = api_as("secretary_a").get(_sheet_url(sheet)).json()
    assert body["lines"] == sheet.lines
    assert all(line["what"] and line["standard"] for line in body["lines"])
    assert api_as("secretary_b").get(_sheet_url(sheet)).status_code == 404
    assert api_as("member").get(_sheet_url(sheet)).status_code == 403


def test_a_sheet_downloads_as_pdf_the_same_file_as_the_web_page(api_as, world: World, sheets) -> None:
    sheet = sheets["A-monthly"]
    response = api_as("secretary_a").get(_sheet_url(sheet), {"format": "pdf"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="A-monthly-2026-11.pdf"'
    assert response.content.startswith(b"%PDF-")
    event = AuditEvent.objects.get(action="export")
    assert (event.actor, event.organisation, event.detail) == (world.secretary_a, world.branch_a, {"format": "pdf"})


def test_a_sheet_downloads_as_xlsx_also_by_the_accept_header(api_as, sheets) -> None:
    sheet = sheets["A-monthly"]
    for response in (
        api_as("reviewer").get(_sheet_url(sheet), {"format": "xlsx"}),
        api_as("reviewer").get(_sheet_url(sheet), HTTP_ACCEPT=XLSX),
    ):
        assert response.status_code == 200
        assert response["Content-Type"] == XLSX
        assert response["Content-Disposition"].endswith('filename="A-monthly-2026-11.xlsx"')
        rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
        assert len(rows) == 2 + len(sheet.lines)


def test_a_download_refused_is_an_error_in_json(api_as, sheets) -> None:
    sheet = sheets["A-monthly"]
    response = api_as("secretary_b").get(_sheet_url(sheet), {"format": "pdf"})
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert _error(response)["code"] == "not_found"
    assert api_as("member").get(_sheet_url(sheet), HTTP_ACCEPT="application/pdf").json()["error"]["code"] == (
        "permission_denied"
    )
    assert not AuditEvent.objects.filter(action="export").exists()
    # An unknown format, or a download of the list, is not there.
    assert api_as("secretary_a").get(_sheet_url(sheet), {"format": "csv"}).status_code == 404
    assert api_as("secretary_a").get(SHEETS, {"format": "pdf"}).status_code == 404


# --- work requirements ------------------------------------------------------------------------


def _new(world: World, **fields: object) -> dict:
    due = (local_today() + dt.timedelta(days=10)).isoformat()
    return {"organisation": world.committee.pk, "title": "迎检准备", "what": "整理台账", "due_on": due, **fields}


def test_a_reviewer_sends_a_requirement_to_every_active_branch_below(api_as, world: World) -> None:
    response = api_as("reviewer").post(REQUIREMENTS, _new(world))
    assert response.status_code == 201, response.content
    body = response.json()
    assert response["Location"] == reverse("api:requirement-detail", kwargs={"pk": body["id"]})
    assert (body["task_count"], body["done_count"]) == (2, 0)
    assert {task["branch"] for task in body["tasks"]} == {world.branch_a.pk, world.branch_b.pk}
    # Each branch's task is an ordinary task of its board.
    tasks_of_a = api_as("secretary_a").get("/api/v1/tasks/", {"requirement": body["id"]}).json()["results"]
    assert [(t["branch"], t["title"], t["requirement"]) for t in tasks_of_a] == [
        (world.branch_a.pk, "迎检准备", body["id"])
    ]


def test_a_requirement_goes_to_the_chosen_branches_only(api_as, world: World) -> None:
    response = api_as("administrator").post(REQUIREMENTS, _new(world, branches=[world.branch_b.pk]))
    assert response.status_code == 201
    assert Task.objects.filter(request_id=response.json()["id"]).get().branch == world.branch_b


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"due_on": "2020-01-01"}, "due_on"),
        ({"branches": [987654321]}, "branches"),
        ({"branches": []}, "branches"),
        ({"title": ""}, "title"),
    ],
)
def test_a_bad_requirement_is_a_400_on_its_field_and_sends_nothing(api_as, world: World, change, field) -> None:
    response = api_as("reviewer").post(REQUIREMENTS, _new(world, **change))
    assert response.status_code == 400
    assert list(_error(response)["fields"]) == [field]
    assert not Task.objects.exists()


def test_a_requirement_is_sent_from_a_committee_or_general_branch_in_scope(api_as, world: World) -> None:
    # A branch sends no requirement: 409, as on the page (tests/test_ability_parity.py).
    from_branch = api_as("reviewer").post(REQUIREMENTS, _new(world, organisation=world.branch_a.pk))
    assert from_branch.status_code == 409
    assert api_as("secretary_a").post(REQUIREMENTS, _new(world)).status_code == 403
    other = make_org(name="另一公司党委", code="X")
    assert api_as("reviewer").post(REQUIREMENTS, _new(world, organisation=other.pk)).status_code == 404


def test_a_requirement_below_a_unit_without_active_branches_is_a_409(api_as, world: World) -> None:
    empty = make_org(world.committee, kind=OrgKind.GENERAL_BRANCH, name="空党总支", code="E")
    only = make_org(empty, name="已撤销支部", code="E1")
    organisation_dissolve(by=None, organisation=only, on=local_today(), reason="项目完工")
    response = api_as("reviewer").post(REQUIREMENTS, _new(world, organisation=empty.pk))
    assert response.status_code == 409


def test_requirements_are_listed_and_read_by_those_who_send_them(api_as, world: World) -> None:
    sent = api_as("reviewer").post(REQUIREMENTS, _new(world)).json()
    api_as("secretary_a").post(f"/api/v1/tasks/{sent['tasks'][0]['id']}/complete/", {"note": "已完成"})
    listed = api_as("administrator").get(REQUIREMENTS, {"organisation": world.committee.pk}).json()
    assert [(r["id"], r["task_count"], r["done_count"]) for r in listed["results"]] == [(sent["id"], 2, 1)]
    url = reverse("api:requirement-detail", kwargs={"pk": sent["id"]})
    assert api_as("administrator").get(url).json()["done_count"] == 1
    assert api_as("secretary_a").get(REQUIREMENTS).status_code == 403
    assert api_as("secretary_a").get(url).status_code == 404
    bad = api_as("reviewer").get(REQUIREMENTS, {"organisation": world.branch_a.pk})
    assert bad.status_code == 400
