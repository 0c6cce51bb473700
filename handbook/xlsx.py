"""The exchange format as an Excel workbook: one sheet each for the edition, its parts, its
articles and their deduction rules, with the JSON keys as column headers."""

import json
from io import BytesIO
from typing import IO, Any
from zipfile import BadZipFile

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from config.xlsx import escape_formula, unescape_formula

from .exchange import ARTICLE_KEYS

ARTICLE_COLUMNS = [key for key in ARTICLE_KEYS if key != "deductions"]
DEDUCTION_COLUMNS = ["code", "description", "points", "cap", "measure", "measure_params"]


class _SafeSheet:
    """Appends rows with formula-like text escaped (see config.xlsx)."""

    def __init__(self, sheet: Any) -> None:
        self.sheet = sheet

    def append(self, row: list[Any]) -> None:
        self.sheet.append([escape_formula(value) for value in row])


def _cell(value: Any) -> Any:
    # A list of quarters ([2, 4]) is written "2,4"; the reader takes that text back.
    return ",".join(str(v) for v in value) if isinstance(value, list) else value


def handbook_to_xlsx(data: dict[str, Any]) -> bytes:
    workbook = Workbook()
    workbook.active.title = "edition"
    sheet = _SafeSheet(workbook.active)
    sheet.append(["key", "value"])
    sheet.append(["version", data["version"]])
    sheet.append(["title", data["title"]])
    parts = _SafeSheet(workbook.create_sheet("parts"))
    parts.append(["number", "title"])
    for part in data["parts"]:
        parts.append([part["number"], part["title"]])
    articles = _SafeSheet(workbook.create_sheet("articles"))
    articles.append(ARTICLE_COLUMNS)
    deductions = _SafeSheet(workbook.create_sheet("deductions"))
    deductions.append(DEDUCTION_COLUMNS)
    for article in data["articles"]:
        articles.append([_cell(article.get(key)) for key in ARTICLE_COLUMNS])
        for rule in article["deductions"]:
            measure = rule.get("measure") or {}
            params = json.dumps(measure["params"], ensure_ascii=False) if measure else None
            deductions.append(
                [article["code"], rule["description"], rule["points"], rule["cap"], measure.get("code"), params]
            )
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


def _rows(workbook: Any, name: str) -> list[dict[str, Any]]:
    if name not in workbook.sheetnames:
        raise ValidationError(_("The workbook has no sheet named “%(name)s”.") % {"name": name})
    rows = list(workbook[name].iter_rows(values_only=True))
    if not rows:
        return []
    header = [str(h).strip() if h is not None else "" for h in rows[0]]
    return [
        dict(zip(header, (unescape_formula(v) for v in row), strict=False))
        for row in rows[1:]
        if any(v not in (None, "") for v in row)
    ]


def xlsx_to_handbook(file: IO[bytes]) -> dict[str, Any]:
    """Reads a workbook back into the exchange format; checking it is ``parse_handbook``'s job."""
    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ValidationError(_("The file is not an Excel workbook (.xlsx).")) from exc
    meta = {row.get("key"): row.get("value") for row in _rows(workbook, "edition")}
    deductions: dict[str, list[dict[str, Any]]] = {}
    for row in _rows(workbook, "deductions"):
        rule = {"description": row.get("description"), "points": row.get("points"), "cap": row.get("cap")}
        if row.get("measure"):
            rule["measure"] = {"code": row["measure"], "params": _json_cell(row.get("measure_params"))}
        deductions.setdefault(str(row.get("code") or "").strip(), []).append(rule)
    articles = []
    for row in _rows(workbook, "articles"):
        article = {key: row.get(key) for key in ARTICLE_COLUMNS}
        article["deductions"] = deductions.get(str(row.get("code") or "").strip(), [])
        articles.append(article)
    return {
        "version": None if meta.get("version") is None else str(meta["version"]),
        "title": meta.get("title"),
        "parts": [{"number": row.get("number"), "title": row.get("title")} for row in _rows(workbook, "parts")],
        "articles": articles,
    }


def _json_cell(value: Any) -> Any:
    """A cell holding a JSON object; anything else is passed on for the parser to refuse."""
    if not value:
        return {}
    try:
        return json.loads(str(value))
    except ValueError:
        return str(value)
