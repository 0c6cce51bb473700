"""填写表: an article's example as a blank xlsx form (handbook.example_form), its download on the
article page, and the example's tables on that page and in the handbook PDF."""

import re
import subprocess
from io import BytesIO
from urllib.parse import unquote

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from openpyxl import load_workbook

from config.xlsx import FORMULA_PREFIXES
from handbook import printing, selectors
from handbook.example_form import EMPTY_ROWS, XLSX, example_form
from handbook.examples import has_table
from handbook.models import Article, Edition


def _article(edition: Edition, code: str) -> Article:
    return edition.articles.get(code=code)


def _workbook(article: Article):
    _, content_type, content = example_form(article)
    assert content_type == XLSX
    return load_workbook(BytesIO(content))


def _values(sheet) -> list[object]:
    return [cell.value for row in sheet.iter_rows() for cell in row if cell.value is not None]


def _fill_in(client, article: Article):
    return client.get(reverse("handbook:article_fill_in", kwargs={"pk": article.pk}))


def test_a_table_example_becomes_its_header_row_over_empty_bordered_rows(default_edition: Edition) -> None:
    workbook = _workbook(_article(default_edition, "1-06"))
    assert workbook.sheetnames == ["Fill-in form", "Filled-in example"]
    sheet = workbook["Fill-in form"]
    assert sheet["A1"].value == "1-06 党费收缴、使用和管理制度"
    assert workbook.properties.title == "1-06 党费收缴、使用和管理制度"
    header = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value == "序号")
    assert [sheet.cell(header, c).value for c in range(1, 7)] == [
        "序号", "姓名", "税后月工资收入（元）", "交纳比例", "月应交党费（元）", "本人签字",
    ]  # fmt: skip
    assert sheet.cell(header, 1).font.bold and sheet.cell(header, 1).fill.fgColor.rgb.endswith("F1ECE8")
    for row in range(header + 1, header + 1 + EMPTY_ROWS):
        for column in range(1, 7):
            cell = sheet.cell(row, column)
            assert cell.value is None, "the example's rows are not the form's"
            assert cell.border.left.style == "thin" and cell.border.bottom.style == "thin"
    assert "张XX" not in _values(sheet)
    # The example's own rows are on the second sheet.
    assert "张XX" in _values(workbook["Filled-in example"])
    # The signatures under the table are labels with an empty answer beside them.
    labels = {sheet.cell(r, 1).value: sheet.cell(r, 2).value for r in range(header + EMPTY_ROWS, sheet.max_row + 1)}
    assert {"核定人", "审核人", "日期"} <= set(labels)
    assert labels["核定人"] is None
    # Printed on A4, one page wide, the header row repeated on every page.
    assert str(sheet.page_setup.paperSize) == sheet.PAPERSIZE_A4
    assert sheet.page_setup.orientation == "portrait"
    assert sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 0
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == f"${header}:${header}"
    assert all(sheet.column_dimensions[c].width >= 8 for c in "ABCDEF")


def test_a_wide_table_is_printed_on_a_landscape_page(default_edition: Edition) -> None:
    sheet = _workbook(_article(default_edition, "3-02"))["Fill-in form"]
    assert sheet.page_setup.orientation == "landscape"
    assert "身份证号" in _values(sheet)


def test_a_paragraph_example_becomes_labels_with_blank_answers(default_edition: Edition) -> None:
    sheet = _workbook(_article(default_edition, "1-03"))["Fill-in form"]
    answers = {sheet.cell(r, 1).value: sheet.cell(r, 2).value for r in range(1, sheet.max_row + 1)}
    assert answers["被评议党员"] is None and answers["所在党小组"] is None
    assert answers["主要优点"] is None
    # Boxes to tick are kept, none of them ticked.
    assert answers["评价等次（在对应栏打“√”）"] == "优秀□ 合格□ 基本合格□ 不合格□"
    assert "王XX" not in " ".join(str(v) for v in _values(sheet))
    assert sheet.print_title_rows is None


def test_a_ticked_box_is_blank_again_on_the_form(default_edition: Edition) -> None:
    sheet = _workbook(_article(default_edition, "1-04"))["Fill-in form"]
    text = " ".join(str(v) for v in _values(sheet))
    assert "□日常 □岗位调整 □组织生活会前 □困难关怀" in text and "☑" not in text


def test_the_lines_an_empty_field_was_answered_with_become_room_to_write(default_edition: Edition) -> None:
    sheet = _workbook(_article(default_edition, "2-01"))["Fill-in form"]
    row = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value == "流程")
    assert sheet.row_dimensions[row].height >= 24 * 6
    assert "2.重温入党誓词（支部书记领誓）" not in _values(sheet)


def test_formula_like_text_in_an_example_is_never_a_formula(default_edition: Edition) -> None:
    article = _article(default_edition, "1-06")
    article.example = (
        '=HYPERLINK("http://evil.example","点击")\n'
        "+序号|-姓名|@SUM(A1:A2)\n"
        "=1+1|=cmd|' /C calc'!A0\n"
        "=签字：=2+3 @审核：-1"
    )
    workbook = _workbook(article)
    for sheet in workbook:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", cell.coordinate
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(FORMULA_PREFIXES), cell.value
    assert '\'=HYPERLINK("http://evil.example","点击")' in _values(workbook["Fill-in form"])


def test_every_example_of_the_default_edition_makes_a_form(default_edition: Edition) -> None:
    for article in default_edition.articles.all():
        workbook = _workbook(article)
        sheet = workbook["Fill-in form"]
        assert (sheet.print_title_rows is not None) == has_table(article.example_blocks), article.code


@pytest.mark.parametrize("role", ["member", "secretary_b", "reviewer", "administrator"])
def test_whoever_reads_the_article_downloads_its_form(default_edition: Edition, as_role, role: str) -> None:
    response = _fill_in(as_role(role), _article(default_edition, "1-06"))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    disposition = unquote(response["Content-Disposition"])
    assert disposition.startswith("attachment") and "1-06-党费收缴、使用和管理制度-Fill-in form.xlsx" in disposition
    assert load_workbook(BytesIO(response.content))["Fill-in form"]["A1"].value.startswith("1-06")


def test_the_form_is_named_in_chinese_for_a_chinese_reader(default_edition: Edition, world) -> None:
    from tests.conftest import client_for

    response = _fill_in(client_for(world, "member"), _article(default_edition, "1-06"))
    assert "填写表.xlsx" in unquote(response["Content-Disposition"])
    assert load_workbook(BytesIO(response.content)).sheetnames == ["填写表", "填写范例"]


def test_someone_without_a_role_gets_403_and_a_visitor_is_sent_to_sign_in(default_edition: Edition, as_role, client):
    article = _article(default_edition, "1-06")
    assert _fill_in(as_role("outsider"), article).status_code == 403
    assert _fill_in(client, article).status_code == 302


def test_an_article_without_an_example_has_no_form(default_edition: Edition, as_role) -> None:
    article = _article(default_edition, "1-06")
    Article.objects.filter(pk=article.pk).update(example="  \n")
    assert _fill_in(as_role("member"), article).status_code == 404
    page = as_role("member").get(reverse("handbook:article", kwargs={"pk": article.pk})).content.decode()
    assert "This article has no example." in page
    assert reverse("handbook:article_fill_in", kwargs={"pk": article.pk}) not in page


def test_a_draft_article_form_is_an_editors_only(default_edition: Edition, as_role) -> None:
    from handbook.services import edition_start_draft

    draft = edition_start_draft(source=default_edition, version="T9")
    article = _article(draft, "1-06")
    assert _fill_in(as_role("member"), article).status_code == 404
    assert _fill_in(as_role("administrator"), article).status_code == 200


def test_the_article_page_shows_the_example_tables_and_the_download(default_edition: Edition, as_role) -> None:
    article = _article(default_edition, "3-02")
    body = as_role("member").get(reverse("handbook:article", kwargs={"pk": article.pk})).content.decode()
    assert body.count('<table class="hb-example-table') == 1
    assert '<div class="hb-example-scroll"' in body
    assert '<th scope="col">身份证号</th>' in body
    assert "<td>4201**********1234</td>" in body
    assert "|" not in body.split('class="hb-example"', 1)[1].split("</section>", 1)[0]
    assert reverse("handbook:article_fill_in", kwargs={"pk": article.pk}) in body
    assert "Download the fill-in form" in body


def test_a_paragraph_example_sets_its_labels_off(default_edition: Edition, as_role) -> None:
    article = _article(default_edition, "1-04")
    body = as_role("member").get(reverse("handbook:article", kwargs={"pk": article.pk})).content.decode()
    assert "<b>谈话对象：</b>陈XX（党员、安全员）" in body
    assert "hb-example-table" not in body


def test_the_handbook_pdf_lays_every_example_table_out_as_a_table(default_edition: Edition) -> None:
    html = render_to_string(
        "handbook/pdf/handbook.html",
        {"edition": default_edition, "parts": selectors.edition_with_articles(default_edition)},
    )
    tables = sum(1 for a in default_edition.articles.all() for b in a.example_blocks if b.kind == "table")
    assert tables >= 29
    assert html.count('<table class="hb-example-table') == tables
    assert "thead { display: table-header-group; }" in html
    examples = [part.split("</div>\n  </div>", 1)[0] for part in html.split('<div class="hb-example">')[1:]]
    assert len(examples) == 52
    assert not [e for e in examples if "|" in e]


def _poppler(tool: str, *args: str) -> str:
    # A fixed poppler tool on a file the test wrote: no untrusted input reaches the command.
    return subprocess.run([tool, *args], capture_output=True, text=True, check=True).stdout


def test_the_printed_handbook_keeps_a_small_example_table_on_one_page(default_edition: Edition, tmp_path) -> None:
    """The 1-06 table used to run onto the next page as two lines of raw "|" text."""
    path = tmp_path / "handbook.pdf"
    path.write_bytes(printing.render_edition(default_edition))
    assert "|" not in _poppler("pdftotext", str(path), "-")
    pages = int(re.search(r"Pages:\s+(\d+)", _poppler("pdfinfo", str(path)))[1])
    texts = [_poppler("pdftotext", "-f", str(p), "-l", str(p), str(path), "-") for p in range(1, pages + 1)]
    holding = [text for text in texts if "月应交党费（元）" in text]
    assert len(holding) == 1
    for cell in ("2026年党员党费交纳基数核定表", "序号", "张XX", "王XX", "14.50", "核定人"):
        assert cell in holding[0]


def test_a_header_row_alone_is_widened_to_the_page_to_leave_room_to_write(default_edition: Edition) -> None:
    sheet = _workbook(_article(default_edition, "1-02"))["Fill-in form"]
    widths = [sheet.column_dimensions[c].width for c in "ABCDEF"]
    assert sum(widths) >= 90
    assert widths[2] > widths[0], "整改措施 is wider than 序号"
