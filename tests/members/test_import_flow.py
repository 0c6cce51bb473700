"""The web import from upload to commit, the background jobs, the command, the export."""

import datetime as dt
import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from members import imports
from members.excel import importer
from members.excel.columns import HEADERS
from members.models import ImportStatus, Member, MemberImport, MemberTransfer
from tests.factories import MemberFactory, make_org
from tests.members.test_import_files import before, with_parts
from tests.members.xlsx import row, xlsx


def upload(client, org, data: bytes, capture):
    with capture(execute=True):
        return client.post(
            reverse("members:import_start", kwargs={"pk": org.pk}),
            {"file": SimpleUploadedFile("roster.xlsx", data)},
        )


def good_rows():
    return [row(), row(姓名="李四", birth=dt.date(1991, 1, 2), 支部编码="B")]


def test_an_upload_is_checked_and_shows_counts_without_writing(world, as_role, django_capture_on_commit_callbacks):
    response = upload(as_role("administrator"), world.committee, xlsx(good_rows()), django_capture_on_commit_callbacks)
    imp = MemberImport.objects.get()
    assert response.status_code == 302 and response.url == reverse("members:import_detail", kwargs={"pk": imp.pk})
    assert imp.status == ImportStatus.VALID and imp.new_count == 2 and imp.total_rows == 2
    assert Member.objects.count() == 0
    page = as_role("administrator").get(response.url)
    assert reverse("members:import_commit", kwargs={"pk": imp.pk}) in page.content.decode()


def test_committing_a_clean_import_writes_every_row(world, as_role, django_capture_on_commit_callbacks):
    client = as_role("administrator")
    upload(client, world.committee, xlsx(good_rows()), django_capture_on_commit_callbacks)
    imp = MemberImport.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("members:import_commit", kwargs={"pk": imp.pk}))
    assert response.status_code == 302
    imp.refresh_from_db()
    assert imp.status == ImportStatus.COMMITTED and imp.committed_at
    assert Member.objects.count() == 2 and MemberTransfer.objects.count() == 2


def test_bad_rows_are_shown_and_the_import_cannot_be_committed(world, as_role, django_capture_on_commit_callbacks):
    client = as_role("administrator")
    upload(
        client,
        world.committee,
        xlsx([row(), row(性别="未知", birth=dt.date(1980, 1, 1))]),
        django_capture_on_commit_callbacks,
    )
    imp = MemberImport.objects.get()
    assert imp.status == ImportStatus.INVALID and imp.error_count == 1
    page = client.get(reverse("members:import_detail", kwargs={"pk": imp.pk})).content.decode()
    assert "性别" in page and reverse("members:import_commit", kwargs={"pk": imp.pk}) not in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("members:import_commit", kwargs={"pk": imp.pk}))
    assert Member.objects.count() == 0
    imp.refresh_from_db()
    assert imp.status == ImportStatus.INVALID


def test_a_hostile_upload_is_refused_on_the_form_and_nothing_is_stored(
    world, as_role, django_capture_on_commit_callbacks
):
    response = upload(as_role("administrator"), world.committee, b"not a workbook", django_capture_on_commit_callbacks)
    assert response.status_code == 200 and response.context["form"].errors["file"]
    assert MemberImport.objects.count() == 0


def test_a_sheet_of_a_million_blank_rows_is_refused_on_the_form_naming_the_limit_and_nothing_is_stored(
    world, as_role, django_capture_on_commit_callbacks
):
    blank = "".join(f'<row r="{r}"/>' for r in range(3, 1_200_003)).encode()
    data = with_parts({"xl/worksheets/sheet1.xml": before(b"</sheetData>", lambda new: new.write(blank))})
    response = upload(as_role("administrator"), world.committee, data, django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert "120000" in str(response.context["form"].errors["file"])
    assert MemberImport.objects.count() == 0 and not Member.objects.exists()


def test_nothing_is_written_when_the_commit_fails_half_way(world, django_capture_on_commit_callbacks, monkeypatch):
    MemberFactory(branch=world.branch_a)
    before = (Member.objects.count(), MemberTransfer.objects.count())
    original = importer.write

    def failing_write(plan, **kwargs):
        original(plan, **kwargs)  # every row is written, then the database refuses
        raise IntegrityError("simulated failure after the writes")

    monkeypatch.setattr(importer, "write", failing_write)
    imp = _checked_import(world, xlsx(good_rows()), django_capture_on_commit_callbacks)
    imports.import_commit(import_id=imp.pk)
    imp.refresh_from_db()
    assert imp.status == ImportStatus.FAILED and imp.message
    assert (Member.objects.count(), MemberTransfer.objects.count()) == before


def _checked_import(world, data, capture):
    imp = MemberImport(organisation=world.committee, created_by=world.administrator, original_name="x.xlsx")
    imp.file.save("x.xlsx", ContentFile(data), save=False)
    imp.save()
    imports.import_validate(import_id=imp.pk)
    imp.refresh_from_db()
    MemberImport.objects.filter(pk=imp.pk).update(status=ImportStatus.COMMIT_QUEUED)
    return imp


def test_a_roster_change_between_check_and_commit_writes_nothing(world, django_capture_on_commit_callbacks):
    imp = _checked_import(world, xlsx(good_rows()), django_capture_on_commit_callbacks)
    # Meanwhile the second row's ID number is given to a member of a branch outside the import.
    outside = make_org(make_org(code="C2"), code="X")
    MemberFactory(branch=outside, id_number=row(birth=dt.date(1991, 1, 2))[4])
    imports.import_commit(import_id=imp.pk)
    imp.refresh_from_db()
    assert imp.status == ImportStatus.INVALID and imp.error_count == 1
    assert Member.objects.count() == 1


def test_a_job_delivered_twice_runs_once(world, django_capture_on_commit_callbacks):
    imp = _checked_import(world, xlsx(good_rows()), django_capture_on_commit_callbacks)
    assert imports.import_commit(import_id=imp.pk) is not None
    assert imports.import_commit(import_id=imp.pk) is None
    assert Member.objects.count() == 2


def test_the_progress_fragment_polls_while_running_and_reloads_when_done(world, as_role):
    from tests.members.url_access import _import_in_a

    pk = _import_in_a(world, ImportStatus.VALIDATING)["pk"]
    client = as_role("administrator")
    url = reverse("members:import_progress", kwargs={"pk": pk})
    response = client.get(url, headers={"HX-Request": "true"})
    assert 'hx-trigger="every 1s"' in response.content.decode() and "HX-Refresh" not in response
    MemberImport.objects.filter(pk=pk).update(status=ImportStatus.VALID)
    response = client.get(url, headers={"HX-Request": "true"})
    assert "every 1s" not in response.content.decode() and response["HX-Refresh"] == "true"


def test_a_secretary_imports_only_into_their_own_branch(world, as_role, django_capture_on_commit_callbacks):
    client = as_role("secretary_a")
    upload(client, world.branch_a, xlsx(good_rows()), django_capture_on_commit_callbacks)
    imp = MemberImport.objects.get()
    assert imp.status == ImportStatus.INVALID
    assert [(e["row"], e["column"]) for e in imp.errors] == [(3, "支部编码")]
    assert client.get(reverse("members:import_start", kwargs={"pk": world.branch_b.pk})).status_code == 404


def test_the_command_reports_bad_rows_and_exits_non_zero(world, tmp_path):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(xlsx([row(), row(性别="未知", birth=dt.date(1980, 1, 1))]))
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_members", str(path), "--org", "C", stdout=out)
    assert "row 3 · 性别" in out.getvalue()
    assert Member.objects.count() == 0


def test_the_command_dry_run_writes_nothing_and_the_real_run_writes(world, tmp_path):
    path = tmp_path / "good.xlsx"
    path.write_bytes(xlsx(good_rows()))
    out = io.StringIO()
    call_command("import_members", str(path), "--dry-run", stdout=out)
    assert "new=2" in out.getvalue() and Member.objects.count() == 0
    call_command("import_members", str(path), stdout=io.StringIO())
    assert Member.objects.count() == 2


def test_the_command_refuses_a_hostile_file(world, tmp_path):
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"hello")
    with pytest.raises(CommandError):
        call_command("import_members", str(path), stdout=io.StringIO())


def test_an_export_re_imports_unchanged_and_escapes_formulas(world, as_role, tmp_path):
    MemberFactory(
        branch=world.branch_a,
        name="=HYPERLINK(1)",
        phone="+8613800000000",
        post="@post",
        full_member_on=None,
        category="probationary",
    )
    MemberFactory(branch=world.branch_b, post="\tindented", is_union_member=True)
    response = as_role("administrator").get(reverse("members:export", kwargs={"pk": world.committee.pk}))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS
    cells = [c for r in rows[1:] for c in r if isinstance(c, str)]
    assert "'=HYPERLINK(1)" in cells and "'+8613800000000" in cells and "'@post" in cells
    assert not any(c.startswith(("=", "+", "-", "@", "\t")) for c in cells)
    plan = importer.validate(io.BytesIO(response.content), scope=world.committee)
    assert plan.ok, plan.errors
    assert plan.summary()["unchanged"] == 2


def test_the_export_command_writes_the_subtree(world, tmp_path):
    MemberFactory(branch=world.branch_a)
    MemberFactory(branch=world.branch_b)
    out = tmp_path / "out.xlsx"
    call_command("export_members", str(out), "--org", "A", stdout=io.StringIO())
    rows = list(load_workbook(out).worksheets[0].iter_rows(values_only=True))
    assert len(rows) == 2


def test_the_template_has_the_chinese_headers_and_a_help_sheet(world, as_role):
    response = as_role("secretary_a").get(reverse("members:import_template"))
    workbook = load_workbook(io.BytesIO(response.content))
    assert list(next(workbook.worksheets[0].iter_rows(values_only=True))) == HEADERS
    assert workbook.worksheets[1].max_row == len(HEADERS) + 1


def test_the_commit_writes_the_checked_rows_without_parsing_the_workbook_again(
    world, django_capture_on_commit_callbacks
):
    imp = _checked_import(world, xlsx(good_rows()), django_capture_on_commit_callbacks)
    assert imp.checked_rows
    with open(imp.file.path, "wb") as handle:
        handle.write(b"overwritten")
    imports.import_commit(import_id=imp.pk)
    imp.refresh_from_db()
    assert imp.status == ImportStatus.COMMITTED and Member.objects.count() == 2
    assert not imp.checked_rows


def test_an_import_left_by_a_dead_worker_is_committed_again_after_the_sweeper_takes_it_back(
    world, django_capture_on_commit_callbacks
):
    imp = _checked_import(world, xlsx(good_rows()), django_capture_on_commit_callbacks)
    MemberImport.objects.filter(pk=imp.pk).update(status=ImportStatus.COMMITTING, claimed_at=timezone.now())
    assert imports.import_commit(import_id=imp.pk) is None  # another worker is on it
    # A redelivered message does not take the work either, however old the claim: only the
    # sweeper does, so that two jobs never write at once.
    MemberImport.objects.filter(pk=imp.pk).update(claimed_at=timezone.now() - dt.timedelta(hours=1))
    assert imports.import_commit(import_id=imp.pk) is None
    with django_capture_on_commit_callbacks(execute=True):
        assert imports.imports_sweep()["requeued"] == 1
    imp.refresh_from_db()
    assert imp.status == ImportStatus.COMMITTED and Member.objects.count() == 2


def test_a_crashing_check_ends_as_failed_rather_than_running_for_ever(world, monkeypatch):
    def crash(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(importer, "validate", crash)
    imp = MemberImport(organisation=world.committee, created_by=world.administrator, original_name="x.xlsx")
    imp.file.save("x.xlsx", ContentFile(xlsx(good_rows())), save=False)
    imp.save()
    imports.import_validate(import_id=imp.pk)
    imp.refresh_from_db()
    assert imp.status == ImportStatus.FAILED and imp.message and not imp.is_running


def test_the_template_offers_drop_down_lists_and_a_text_id_column_and_imports_once_filled(world, as_role):
    from members.excel.resource import render_template

    workbook = load_workbook(io.BytesIO(render_template()))
    sheet = workbook.worksheets[0]
    lists = [v.formula1 for v in sheet.data_validations.dataValidation]
    assert '"男,女"' in lists and '"正式党员,预备党员"' in lists
    assert sheet["E2"].number_format == "@"
    for column, value in enumerate(row(), start=1):
        sheet.cell(row=2, column=column, value=value)
    out = io.BytesIO()
    workbook.save(out)
    plan = importer.validate(io.BytesIO(out.getvalue()), scope=world.committee)
    assert plan.ok and plan.total == 1


def test_an_oversized_upload_is_refused_while_it_streams_in(world, as_role, settings):
    settings.MEMBERS_IMPORT_MAX_BYTES = 2000
    data = xlsx([row(姓名=f"人{i}", birth=dt.date(1980, 1, 1) + dt.timedelta(days=i)) for i in range(50)])
    assert len(data) > 2000
    response = as_role("administrator").post(
        reverse("members:import_start", kwargs={"pk": world.committee.pk}),
        {"file": SimpleUploadedFile("big.xlsx", data)},
    )
    assert response.status_code == 200
    with translation.override(response.context["LANGUAGE_CODE"]):
        expected = translation.gettext("The file is over the size limit of %(limit)s MB.") % {"limit": 0.0}
    assert response.context["form"].errors["file"] == [expected]
    assert MemberImport.objects.count() == 0


def test_the_upload_page_still_checks_the_csrf_token(world):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.administrator)
    response = client.post(
        reverse("members:import_start", kwargs={"pk": world.committee.pk}),
        {"file": SimpleUploadedFile("roster.xlsx", xlsx([row()]))},
    )
    assert response.status_code == 403 and MemberImport.objects.count() == 0


def test_queueing_the_commit_of_an_import_that_is_not_clean_is_a_conflict(world):
    from config.exceptions import Conflict
    from tests.members.url_access import _import_in_a

    for status in (ImportStatus.INVALID, ImportStatus.QUEUED, ImportStatus.COMMITTED):
        import_row = MemberImport.objects.get(pk=_import_in_a(world, status)["pk"])
        with pytest.raises(Conflict):
            imports.import_queue_commit(import_row=import_row)
        import_row.refresh_from_db()
        assert import_row.status == status
