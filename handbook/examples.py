"""范例: an article's example or template, read as blocks a page, the PDF and a fill-in form
can lay out.

The handbook writes its examples as plain text: a heading line, "字段：值" lines and, for
ledgers, pseudo-tables whose cells are separated by "|" ("序号|姓名|基数"). ``parse_example``
splits such a text into ``Paragraph`` and ``Table`` blocks:

- consecutive lines holding a "|" are one table: the first line is the header row, the others
  its body rows; ragged rows are padded to the widest row, and empty cells left over at the end
  of every row (a trailing "|") are dropped; a line of dots ("……") inside a table is a row
  saying "and so on"; blank lines between lines of the same table do not split it;
- a header whose first cell starts with a label ("栏目：生产进度|…") gives the table a caption;
- any other line is a paragraph; one that starts with "字段：" carries its fields (several on
  one line when separated by spaces: "时间：… 地点：…").
"""

import re
from dataclasses import dataclass
from typing import Any

SEPARATOR = "|"
# A line of dots stands for rows left out ("……" in 1-10's study plan).
ELLIPSIS = re.compile(r"^(?:…+|\.{3,}|。{3,})$")
# Markdown's header rule ("---|:---:") carries no data.
RULE_CELL = re.compile(r"^:?-{3,}:?$")
# "字段：值": a short label, then the full-width colon. A label holds no space and no
# sentence punctuation ("应到5人，实到5人；列席：" is a sentence, not a label).
FIELD = re.compile(r"^(?P<label>[^\s：|，；。]{1,24})：(?P<value>.*)$")
# Where a further field starts on the same line: spaces, then "label：".
NEXT_FIELD = re.compile(r"\s+(?=[^\s：|，；。]{1,12}：)")
# "附：整改清单表头" introduces what follows; it is not a field to fill in.
NOT_FIELDS = frozenset({"附", "注", "说明"})


@dataclass(frozen=True)
class Field:
    label: str
    value: str

    @property
    def is_choice(self) -> bool:
        """A value of boxes to tick ("优秀□ 合格□"): the form keeps the boxes."""
        return "□" in self.value or "☑" in self.value


@dataclass(frozen=True)
class Paragraph:
    text: str
    fields: tuple[Field, ...] = ()
    kind: str = "paragraph"


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    caption: str = ""
    kind: str = "table"

    @property
    def width(self) -> int:
        return len(self.header)


Block = Paragraph | Table


def _cells(line: str) -> list[str]:
    text = line.strip()
    cells = [cell.strip() for cell in text.split(SEPARATOR)]
    # A Markdown-style row "|a|b|" has a separator at both ends: neither opens a cell.
    if len(cells) > 2 and text.startswith(SEPARATOR) and text.endswith(SEPARATOR):
        cells = cells[1:-1]
    return cells


def _is_rule(cells: list[str]) -> bool:
    return all(RULE_CELL.match(cell) or not cell for cell in cells) and any(cells)


def _trimmed(cells: list[str] | tuple[str, ...]) -> int:
    """The number of cells once empty cells at the end are left out."""
    n = len(cells)
    while n and not cells[n - 1]:
        n -= 1
    return n


def _table(lines: list[str]) -> Table | None:
    rows = [cells for cells in (_cells(line) for line in lines) if not _is_rule(cells) and any(cells)]
    if not rows:
        return None
    header, body = rows[0], rows[1:]
    caption = ""
    match = FIELD.match(header[0])
    if match:
        caption, header = match["label"], [match["value"].strip(), *header[1:]]
    width = max(1, *(_trimmed(row) for row in rows))
    width = max(width, _trimmed(header))

    def padded(row: list[str]) -> tuple[str, ...]:
        return tuple((row + [""] * width)[:width])

    return Table(header=padded(header), rows=tuple(padded(row) for row in body), caption=caption)


def _is_label(label: str) -> bool:
    # "四、通过监票人名单（监票人：刘XX）": a colon inside brackets does not end a label.
    return label not in NOT_FIELDS and label.count("（") == label.count("）") and label.count("(") == label.count(")")


def _fields(line: str) -> tuple[Field, ...]:
    first = FIELD.match(line)
    if first is None or not _is_label(first["label"]):
        return ()
    fields: list[list[str]] = []
    for segment in NEXT_FIELD.split(line):
        match = FIELD.match(segment)
        if match and _is_label(match["label"]):
            fields.append([match["label"], match["value"].strip()])
        elif fields:
            fields[-1][1] = f"{fields[-1][1]} {segment}".strip()
    return tuple(Field(label, value) for label, value in fields)


def _is_table_line(line: str) -> bool:
    return SEPARATOR in line


def parse_example(text: str) -> list[Block]:
    """The example's blocks, in order (see the module's docstring)."""
    lines = [line.replace("\f", "").rstrip() for line in (text or "").replace("\r\n", "\n").split("\n")]
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        line = lines[i].strip()
        if not line:
            i += 1
            continue
        if not _is_table_line(line):
            blocks.append(Paragraph(text=line, fields=_fields(line)))
            i += 1
            continue
        group = [line]
        width = len(_cells(line))
        i += 1
        while i < len(lines):
            current = lines[i].strip()
            if _is_table_line(current):
                group.append(current)
                i += 1
            elif ELLIPSIS.match(current):
                group.append(current + SEPARATOR * (width - 1))
                i += 1
            elif not current:
                # Blank lines inside a table (a page break pasted in, say) do not end it
                # when a row of the same width follows.
                j = i
                while j < len(lines) and not lines[j].strip():
                    j += 1
                if j < len(lines) and _is_table_line(lines[j]) and len(_cells(lines[j])) == width:
                    i = j
                else:
                    break
            else:
                break
        table = _table(group)
        if table is not None:
            blocks.append(table)
    return blocks


def has_table(blocks: list[Block]) -> bool:
    return any(isinstance(block, Table) for block in blocks)


def as_data(blocks: list[Block]) -> list[dict[str, Any]]:
    """The blocks as JSON (the API's ``example_blocks``)."""
    data: list[dict[str, Any]] = []
    for block in blocks:
        if isinstance(block, Table):
            data.append(
                {
                    "kind": "table",
                    "caption": block.caption,
                    "header": list(block.header),
                    "rows": [list(r) for r in block.rows],
                }
            )
        else:
            data.append(
                {
                    "kind": "paragraph",
                    "text": block.text,
                    "fields": [{"label": f.label, "value": f.value} for f in block.fields],
                }
            )
    return data
