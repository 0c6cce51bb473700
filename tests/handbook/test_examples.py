"""范例 as blocks (handbook.examples): every "|" line of the default edition ends up in a table,
and the edge cases of hand-written pseudo-tables read as a person would read them."""

import json
from pathlib import Path

import pytest
from django.conf import settings

from handbook.examples import Field, Paragraph, Table, as_data, has_table, parse_example

DEFAULT = json.loads((Path(settings.BASE_DIR) / "handbook/data/default_edition.json").read_text(encoding="utf-8"))
ARTICLES = {article["code"]: article for article in DEFAULT["articles"]}


def _tables(text: str) -> list[Table]:
    return [block for block in parse_example(text) if isinstance(block, Table)]


@pytest.mark.parametrize("code", sorted(ARTICLES))
def test_no_line_with_a_separator_is_left_as_raw_text(code: str) -> None:
    text = ARTICLES[code]["example"]
    blocks = parse_example(text)
    assert blocks, "an example of the default edition reads as nothing"
    for block in blocks:
        if isinstance(block, Paragraph):
            assert "|" not in block.text
    rows = {tuple(cell for cell in row if cell) for t in _tables(text) for row in (t.header, *t.rows)}
    for line in text.splitlines():
        if "|" in line:
            cells = tuple(c.strip() for c in line.split("|") if c.strip())
            # A caption taken off the header ("栏目：生产进度") leaves the rest of the row.
            assert cells in rows or any(set(cells[1:]) <= set(row) for row in rows), line


def test_twenty_nine_articles_of_the_default_edition_have_a_table() -> None:
    with_table = [code for code, article in ARTICLES.items() if has_table(parse_example(article["example"]))]
    assert len(with_table) == 29
    assert with_table == [code for code, article in ARTICLES.items() if "|" in article["example"]]


def test_the_dues_base_table_of_1_06_has_its_header_and_three_rows() -> None:
    blocks = parse_example(ARTICLES["1-06"]["example"])
    assert [type(b).__name__ for b in blocks] == ["Paragraph", "Table", "Paragraph"]
    table = blocks[1]
    assert table.header == ("序号", "姓名", "税后月工资收入（元）", "交纳比例", "月应交党费（元）", "本人签字")
    assert table.rows[2] == ("3", "王XX", "2900.00", "0.5%", "14.50", "王XX")
    assert [f.label for f in blocks[2].fields] == ["核定人", "审核人", "日期"]


def test_a_header_without_rows_is_a_table_to_fill_in() -> None:
    (table,) = _tables(ARTICLES["1-02"]["example"])
    assert table.header[0] == "序号" and table.rows == ()


def test_a_line_of_dots_inside_a_table_is_a_row_saying_and_so_on() -> None:
    (table,) = _tables(ARTICLES["1-10"]["example"])
    assert table.rows[-1] == ("……", "", "", "", "")
    assert parse_example(ARTICLES["1-10"]["example"])[-1].fields[0].label == "月度集中学习"


def test_a_label_before_the_first_cell_is_the_tables_caption() -> None:
    (table,) = _tables(ARTICLES["1-17"]["example"])
    assert table.caption == "厂务公开栏（每季度）栏目"
    assert table.header == ("生产进度", "工资奖金发放", "劳保用品发放", "评先评优", "帮扶资金使用")


def test_a_single_column_table() -> None:
    (table,) = _tables("名单|\n张三|\n李四|")
    assert table.header == ("名单",)
    assert table.rows == (("张三",), ("李四",))


def test_empty_cells_are_kept_in_their_place() -> None:
    (table,) = _tables("姓名||备注\n张三||\n||李四")
    assert table.header == ("姓名", "", "备注")
    assert table.rows == (("张三", "", ""), ("", "", "李四"))


def test_ragged_rows_are_padded_to_the_widest() -> None:
    (table,) = _tables("a|b|c\n1|2\n1|2|3|4")
    assert table.width == 4
    assert table.header == ("a", "b", "c", "")
    assert table.rows == (("1", "2", "", ""), ("1", "2", "3", "4"))


def test_a_trailing_separator_adds_no_empty_column() -> None:
    (table,) = _tables("日期|活动|\n4月1日|支委会|")
    assert table.header == ("日期", "活动")
    assert table.rows == (("4月1日", "支委会"),)


def test_a_trailing_empty_cell_under_a_header_is_kept() -> None:
    (table,) = _tables("日期|活动|备注\n4月1日|支委会|")
    assert table.rows == (("4月1日", "支委会", ""),)


def test_markdown_style_rows_and_their_rule_line() -> None:
    (table,) = _tables("|姓名|岗位|\n|---|:---:|\n|张三|书记|")
    assert table.header == ("姓名", "岗位")
    assert table.rows == (("张三", "书记"),)


def test_text_before_between_and_after_tables() -> None:
    blocks = parse_example("登记表\n时间：6月1日 地点：会议室\na|b\n1|2\n\n备注：无\nc|d|e\n3|4|5")
    kinds = [b.kind for b in blocks]
    assert kinds == ["paragraph", "paragraph", "table", "paragraph", "table"]
    assert blocks[0].fields == ()
    assert blocks[1].fields == (Field("时间", "6月1日"), Field("地点", "会议室"))
    assert blocks[3].fields == (Field("备注", "无"),)


def test_a_page_break_inside_a_table_does_not_split_it() -> None:
    (table,) = _tables("a|b\n1|2\n\n\f\n3|4")
    assert table.rows == (("1", "2"), ("3", "4"))


def test_a_blank_line_before_a_table_of_another_width_starts_a_new_table() -> None:
    assert [t.width for t in _tables("a|b\n1|2\n\nc|d|e\n3|4|5")] == [2, 3]


def test_sentences_and_brackets_are_not_taken_for_labels() -> None:
    for line in ("应到5人，实到5人；列席：王XX", "四、通过监票人名单（监票人：刘XX）", "附：整改清单表头"):
        (block,) = parse_example(line)
        assert block.fields == (), line


def test_boxes_to_tick_are_a_choice() -> None:
    (block,) = parse_example("谈话类型：□日常 ☑岗位调整")
    assert block.fields[0].is_choice


def test_an_empty_example_has_no_blocks() -> None:
    assert parse_example("") == []
    assert parse_example(" \n\n") == []


def test_the_blocks_as_json() -> None:
    data = as_data(parse_example("标题\n时间：今天\na|b\n1|2"))
    assert data == [
        {"kind": "paragraph", "text": "标题", "fields": []},
        {"kind": "paragraph", "text": "时间：今天", "fields": [{"label": "时间", "value": "今天"}]},
        {"kind": "table", "caption": "", "header": ["a", "b"], "rows": [["1", "2"]]},
    ]
