"""Export and import of the handbook: the JSON and xlsx exchange format and its checks."""

import json
from io import BytesIO, StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from handbook.exchange import edition_to_dict, parse_due_rule
from handbook.models import Article, Edition, EditionStatus
from handbook.services import edition_import
from handbook.xlsx import handbook_to_xlsx, xlsx_to_handbook
from tests.factories import handbook_document, make_edition


def _without_version(data: dict) -> dict:
    return {k: v for k, v in data.items() if k != "version"}


def test_export_then_import_round_trips_the_default_edition_as_json(default_edition, tmp_path):
    path = tmp_path / "handbook.json"
    call_command("export_handbook", "--format", "json", "--output", str(path), stdout=StringIO())
    call_command("import_handbook", str(path), "--as-version", "2026-copy", stdout=StringIO())
    copy = Edition.objects.get(version="2026-copy")
    assert copy.status == EditionStatus.DRAFT
    assert _without_version(edition_to_dict(copy)) == _without_version(edition_to_dict(default_edition))
    assert json.loads(path.read_text(encoding="utf-8")) == edition_to_dict(default_edition)


def test_export_then_import_round_trips_the_default_edition_as_xlsx(default_edition, tmp_path):
    path = tmp_path / "handbook.xlsx"
    call_command("export_handbook", "--format", "xlsx", "--output", str(path), stdout=StringIO())
    call_command("import_handbook", str(path), "--as-version", "xlsx-copy", stdout=StringIO())
    copy = Edition.objects.get(version="xlsx-copy")
    assert _without_version(edition_to_dict(copy)) == _without_version(edition_to_dict(default_edition))


def test_json_export_goes_to_standard_output_by_default(db):
    edition = edition_import(data=handbook_document(version="V1"))
    out = StringIO()
    call_command("export_handbook", "--edition", "V1", stdout=out)
    assert json.loads(out.getvalue()) == edition_to_dict(edition)


def test_export_without_an_edition_in_force_says_so(db):
    with pytest.raises(CommandError, match="No edition is in force"):
        call_command("export_handbook", stdout=StringIO())


def _import_errors(data: dict) -> list[str]:
    with pytest.raises(ValidationError) as info:
        edition_import(data=data)
    assert Edition.objects.count() == 0 and Article.objects.count() == 0
    return info.value.messages


def test_an_unknown_part_is_refused_and_nothing_is_written(db):
    data = handbook_document()
    data["articles"][0]["part"] = 7
    assert any("unknown part 7" in m for m in _import_errors(data))


def test_a_duplicate_code_is_refused(db):
    data = handbook_document()
    data["articles"][1]["code"] = data["articles"][0]["code"]
    assert any("used twice" in m for m in _import_errors(data))


def test_scores_not_summing_to_100_are_refused(db):
    data = handbook_document()
    data["articles"][0]["max_score"] += 1
    assert _import_errors(data) == ["The max scores add up to 101, not 100."]


def test_a_deduction_cap_above_the_max_score_is_refused(db):
    data = handbook_document()
    data["articles"][0]["deductions"][0]["cap"] = 99
    assert any("cap 99 is above the article's max score" in m for m in _import_errors(data))


def test_missing_fields_are_each_reported(db):
    data = handbook_document()
    del data["articles"][0]["how"]
    data["articles"][1]["evidence"] = "  "
    del data["title"]
    errors = _import_errors(data)
    assert any("“how” is missing" in m for m in errors)
    assert any("“evidence” is missing" in m for m in errors)
    assert any("“title” is missing" in m for m in errors)


def test_bad_choices_and_due_rules_are_refused(db):
    data = handbook_document()
    data["articles"][0].update(line="army", frequency="monthly", due_rule="day:40")
    data["articles"][1].update(frequency="yearly", due_rule="none")
    errors = _import_errors(data)
    assert any("“line” must be one of" in m for m in errors)
    assert any("between 1 and 31" in m for m in errors)
    assert any("Only occasional work may have no due date" in m for m in errors)


def test_an_article_without_deduction_rules_is_refused(db):
    data = handbook_document()
    data["articles"][0]["deductions"] = []
    assert any("at least one deduction rule" in m for m in _import_errors(data))


def test_an_existing_version_is_refused(db):
    edition_import(data=handbook_document(version="V1"))
    with pytest.raises(ValidationError, match="already exists"):
        edition_import(data=handbook_document(version="V1"))
    assert Edition.objects.count() == 1


def test_the_import_command_lists_the_errors_and_writes_nothing(db, tmp_path):
    data = handbook_document()
    data["articles"][0]["part"] = 9
    data["articles"][0]["deductions"][0]["cap"] = 50
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CommandError) as info:
        call_command("import_handbook", str(path), stdout=StringIO())
    assert "nothing was written" in str(info.value)
    assert "unknown part 9" in str(info.value)
    assert Edition.objects.count() == 0


def test_the_import_command_refuses_a_file_that_is_not_json(db, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match="not valid JSON"):
        call_command("import_handbook", str(path), stdout=StringIO())


def test_an_xlsx_that_is_not_a_workbook_is_refused(db):
    with pytest.raises(ValidationError, match="not an Excel workbook"):
        xlsx_to_handbook(BytesIO(b"plain text"))


def test_an_xlsx_with_a_broken_row_reports_it(db):
    data = handbook_document()
    data["articles"][2]["max_score"] = "many"
    with pytest.raises(ValidationError, match="max_score"):
        edition_import(data=xlsx_to_handbook(BytesIO(handbook_to_xlsx(data))))


@pytest.mark.parametrize(
    ("rule", "parsed"),
    [("end", ("end", None)), ("day:25", ("day", 25)), ("after:15", ("after", 15)), ("none", ("none", None))],
)
def test_due_rules_are_read_from_their_spelling(rule, parsed):
    assert parse_due_rule(rule) == parsed


@pytest.mark.parametrize("rule", ["day", "day:x", "after:-1", "soon", None, 5])
def test_malformed_due_rules_are_not_read(rule):
    assert parse_due_rule(rule) is None


def test_an_administrator_uploads_a_handbook_and_gets_a_draft(world, as_role):
    upload = SimpleUploadedFile("mine.xlsx", handbook_to_xlsx(handbook_document(version="OWN")))
    response = as_role("administrator").post(reverse("handbook:edition_import"), {"file": upload, "version": ""})
    assert response.status_code == 302
    assert Edition.objects.get().version == "OWN"


def test_an_uploaded_file_with_problems_lists_them_all_and_writes_nothing(world, as_role):
    data = handbook_document()
    data["articles"][0]["part"] = 8
    data["articles"][1]["code"] = data["articles"][2]["code"]
    upload = SimpleUploadedFile("bad.json", json.dumps(data).encode())
    response = as_role("administrator").post(reverse("handbook:edition_import"), {"file": upload})
    assert response.status_code == 200
    body = response.content.decode()
    assert "unknown part 8" in body and "used twice" in body
    assert Edition.objects.count() == 0


def test_the_edition_downloads_as_json_in_the_exchange_format(world, as_role):
    edition = make_edition(version="V1")
    response = as_role("member").get(reverse("handbook:edition_export", kwargs={"pk": edition.pk, "fmt": "json"}))
    assert json.loads(response.content) == edition_to_dict(edition)


def test_a_company_imports_and_publishes_its_own_handbook_from_the_command_line(default_edition, tmp_path):
    path = tmp_path / "own.json"
    path.write_text(json.dumps(handbook_document(version="OWN-2027"), ensure_ascii=False), encoding="utf-8")
    call_command("import_handbook", str(path), stdout=StringIO())
    out = StringIO()
    call_command("publish_handbook", "OWN-2027", stdout=out)
    assert "now in force" in out.getvalue()
    assert Edition.objects.get(status=EditionStatus.PUBLISHED).version == "OWN-2027"
    default_edition.refresh_from_db()
    assert default_edition.status == EditionStatus.RETIRED
    with pytest.raises(CommandError, match="Only a draft"):
        call_command("publish_handbook", "OWN-2027", stdout=StringIO())


def test_the_xlsx_export_escapes_formula_like_text_and_reads_it_back(default_edition):
    from openpyxl import load_workbook

    from handbook.xlsx import handbook_to_xlsx, xlsx_to_handbook

    data = edition_to_dict(default_edition)
    data["articles"][0]["example"] = '=HYPERLINK("http://evil.example","点击")'
    data["articles"][1]["how"] = "@SUM(1+1)"
    content = handbook_to_xlsx(data)
    sheet = load_workbook(BytesIO(content))["articles"]
    header = [cell.value for cell in sheet[1]]
    first = {key: cell.value for key, cell in zip(header, sheet[2], strict=False)}
    second = {key: cell.value for key, cell in zip(header, sheet[3], strict=False)}
    assert first["example"] == '\'=HYPERLINK("http://evil.example","点击")'
    assert second["how"] == "'@SUM(1+1)"
    back = xlsx_to_handbook(BytesIO(content))
    assert back["articles"][0]["example"] == data["articles"][0]["example"]
    assert back["articles"][1]["how"] == "@SUM(1+1)"
