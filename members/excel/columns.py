"""The roster spreadsheet's columns: Chinese headers, and how each cell becomes a value.

The headers and the Chinese labels of choices are part of the file format, not of the
interface language: a file exported in English must still import, so they are plain
strings here. Reasons for refusing a cell are translatable.
"""

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from openpyxl.utils.datetime import from_excel

from ..models import Category, Education, Gender, MemberStatus


class CellError(ValueError):
    """A cell that cannot be read; ``args[0]`` is a translatable reason."""


GENDERS = {"男": Gender.MALE, "女": Gender.FEMALE}
CATEGORIES = {"正式党员": Category.FULL, "预备党员": Category.PROBATIONARY}
EDUCATIONS = {
    "研究生": Education.POSTGRADUATE,
    "大学本科": Education.BACHELOR,
    "大专": Education.COLLEGE,
    "中专": Education.SECONDARY,
    "高中": Education.HIGH_SCHOOL,
    "初中及以下": Education.JUNIOR,
}
STATUSES = {
    "在册": MemberStatus.ON_ROLL,
    "流动党员": MemberStatus.FLOWING,
    "转出": MemberStatus.TRANSFERRED_OUT,
    "停止党籍": MemberStatus.SUSPENDED,
    "出党": MemberStatus.EXPELLED,
    "去世": MemberStatus.DECEASED,
}
# Spellings people type that mean the same thing.
SYNONYMS = {
    "正式": "正式党员",
    "预备": "预备党员",
    "本科": "大学本科",
    "博士研究生": "研究生",
    "硕士研究生": "研究生",
    "博士": "研究生",
    "硕士": "研究生",
    "专科": "大专",
    "初中": "初中及以下",
    "小学": "初中及以下",
    "流动": "流动党员",
    "已转出": "转出",
    "死亡": "去世",
}
# Text starting with one of these is run as a formula by spreadsheet programs.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
YES = {"是", "y", "yes", "true", "1", "√", "✓"}
NO = {"否", "n", "no", "false", "0", ""}

_DATE_PATTERNS = [
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    # A date written out by a program, with a midnight time.
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})T?0{1,2}:00(?::00)?$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"),
    re.compile(r"^(\d{4})年(\d{1,2})月$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
]
# Excel serial numbers from 1925 to 2100: a wider range is more likely a typo than a date.
_SERIAL_MIN, _SERIAL_MAX = 9133, 73051


def text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%Y-%m-%d")
    raw = str(value).strip()
    # An export escapes formula-like text with a leading apostrophe; take it off again.
    if len(raw) > 1 and raw[0] == "'" and raw[1] in FORMULA_PREFIXES:
        raw = raw[1:]
    return raw


def parse_date(value: object) -> dt.date | None:
    """Excel date cells, serial numbers, and the text forms secretaries type."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if not _SERIAL_MIN <= value <= _SERIAL_MAX:
            raise CellError(_("A date number must be an Excel date serial between 1925 and 2100."))
        return from_excel(value).date()
    raw = str(value).strip().replace(" ", "")
    if not raw:
        return None
    for pattern in _DATE_PATTERNS:
        match = pattern.match(raw)
        if match:
            parts = [int(p) for p in match.groups()]
            if len(parts) == 2:
                parts.append(1)
            try:
                return dt.date(*parts)
            except ValueError as exc:
                raise CellError(_("This date does not exist.")) from exc
    raise CellError(_("Write the date as 2001-07-01, 2001/7/1, 2001.07.01, 2001年7月1日 or 2001年7月."))


def _choice(mapping: dict[str, str], reason: Promise) -> Callable[[object], str]:
    by_value = {v.value: v.value for v in mapping.values()}

    def parse(value: object) -> str:
        raw = text(value)
        if not raw:
            return ""
        raw = SYNONYMS.get(raw, raw)
        if raw in mapping:
            return mapping[raw].value
        if raw.lower() in by_value:
            return by_value[raw.lower()]
        raise CellError(reason)

    return parse


def parse_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    raw = text(value).lower()
    if raw in YES:
        return True
    if raw in NO:
        return False
    raise CellError(_("Write 是 or 否."))


def parse_id_number(value: object) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        # Excel keeps only 15 significant digits of a number: the ID is already damaged.
        raise CellError(_("The ID number was stored as a number and has lost digits: format the column as text."))
    return text(value).upper().replace(" ", "")


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    parse: Callable[[object], object]
    required: bool = False
    max_length: int | None = None
    # Choice labels to show in the template and to write on export.
    labels: dict[str, str] | None = None


def _reverse(mapping: dict[str, str]) -> dict[str, str]:
    return {v.value: k for k, v in mapping.items()}


COLUMNS: tuple[Column, ...] = (
    Column("姓名", "name", text, required=True, max_length=50),
    Column("性别", "gender", _choice(GENDERS, _("Write 男 or 女.")), required=True, labels=_reverse(GENDERS)),
    Column("民族", "ethnicity", text, max_length=20),
    Column("出生日期", "birth_date", parse_date),
    Column("身份证号", "id_number", parse_id_number, required=True),
    Column("手机号", "phone", text, max_length=20),
    Column(
        "学历",
        "education",
        _choice(EDUCATIONS, _("Use one of: 研究生, 大学本科, 大专, 中专, 高中, 初中及以下.")),
        labels=_reverse(EDUCATIONS),
    ),
    Column("工作岗位", "post", text, max_length=100),
    Column(
        "党员类别",
        "category",
        _choice(CATEGORIES, _("Write 正式党员 or 预备党员.")),
        required=True,
        labels=_reverse(CATEGORIES),
    ),
    Column("入党日期", "joined_on", parse_date, required=True),
    Column("转正日期", "full_member_on", parse_date),
    Column("所在支部", "branch_name", text),
    Column("支部编码", "branch_code", text),
    Column(
        "人员状态",
        "status",
        _choice(STATUSES, _("Use one of: 在册, 流动党员, 转出, 停止党籍, 出党, 去世.")),
        labels=_reverse(STATUSES),
    ),
    Column("流动去向", "flowing_to", text, max_length=200),
    Column("工会会员", "is_union_member", parse_bool),
    Column("共青团员", "is_league_member", parse_bool),
)
BY_HEADER = {c.header: c for c in COLUMNS}
HEADERS = [c.header for c in COLUMNS]
# Headers that must be present: a branch is named by 所在支部 or 支部编码 (either will do).
REQUIRED_HEADERS = ("姓名", "性别", "身份证号", "党员类别", "入党日期")
BRANCH_HEADERS = ("所在支部", "支部编码")
# The member fields a row may set (branch is resolved from branch_name / branch_code).
MEMBER_FIELDS = (*(c.field for c in COLUMNS if not c.field.startswith("branch_")), "branch_id")


def normalise_header(value: object) -> str:
    return re.sub(r"\s+", "", text(value))
