"""Building roster workbooks for the tests."""

import datetime as dt
import io

from openpyxl import Workbook

from members.excel.columns import HEADERS
from tests.factories import make_id_number


def xlsx(rows: list[list[object]], headers: list[str] | None = None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADERS if headers is None else headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def row(branch: str = "A", **overrides: object) -> list[object]:
    """One good row for branch code ``branch``, in HEADERS order; override by header."""
    birth = overrides.pop("birth", dt.date(1990, 5, 6))
    values: dict[str, object] = {
        "姓名": "张三",
        "性别": "男",
        "民族": "汉族",
        "出生日期": birth,
        "身份证号": make_id_number(birth, seq=1),
        "手机号": "13912345678",
        "学历": "大学本科",
        "工作岗位": "技术员",
        "党员类别": "正式党员",
        "入党日期": "2012-07-01",
        "转正日期": "2013-07-01",
        "所在支部": "",
        "支部编码": branch,
        "人员状态": "在册",
        "流动去向": "",
        "工会会员": "是",
        "共青团员": "否",
    }
    values.update(overrides)
    return [values[h] for h in HEADERS]
