"""The meeting record as a PDF, laid out like the handbook's example for its article."""

import datetime as dt
import shutil
from pathlib import Path

import pytest
from django.urls import reverse

from meetings.printing import STANDARD, layout
from meetings.services import resolution_close
from tests.assessments.pdftools import poppler
from tests.conftest import World, client_for
from tests.factories import make_meeting

RECORD_1_01 = """支部委员会会议记录
时间：2026年3月18日 19:00—20:30
地点：XX项目部党员活动室
主持人：张XX（支部书记） 记录人：李XX（组织委员）
应到5人，实到5人，缺席0人；列席：项目总工王XX
议题：1.传达精神
发言要点：（按发言人逐人记录）
决议：1.开展主题党日
主持人签字：张XX 2026年3月19日"""

TALK_1_04 = """谈心谈话记录
时间：2026年6月12日 地点：项目部会议室
谈话人：张XX（支部书记） 谈话对象：陈XX
主要内容：了解适应情况
处理意见：协调增配安全员"""


def test_the_layout_follows_the_example_of_article_1_01() -> None:
    parts = layout(RECORD_1_01)
    assert [p.key for p in parts] == list(STANDARD)
    assert [p.label for p in parts if p.key != "attendance"] == [
        "时间", "地点", "主持人", "记录人", "议题", "发言要点", "决议", "主持人签字",
    ]  # fmt: skip


def test_the_layout_takes_another_examples_headings_and_adds_what_it_leaves_out() -> None:
    parts = layout(TALK_1_04)
    assert [p.key for p in parts] == [
        "held_at", "place", "host", "topics", "resolutions", "recorder", "attendance", "speeches", "signature",
    ]  # fmt: skip
    assert [p.label for p in parts][:5] == ["时间", "地点", "谈话人", "主要内容", "处理意见"]


def test_without_an_example_the_record_has_every_part_in_the_standard_order() -> None:
    assert [p.key for p in layout("")] == list(STANDARD)


def _text(pdf: bytes, tmp_path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed")
    source = tmp_path / "record.pdf"
    source.write_bytes(pdf)
    return poppler("pdftotext", source)


def test_the_secretary_prints_the_record_with_attendance_and_resolutions(
    world: World, default_edition, tmp_path: Path
) -> None:
    meeting = make_meeting(world.branch_a, members=4, absent=2, resolutions=2)
    absentee = meeting.attendance.filter(present=False).order_by("pk").first()
    absentee.makeup_on = dt.date(2026, 11, 20)
    absentee.makeup_note = "书记带学"
    absentee.save()
    first = meeting.resolutions.order_by("pk").first()
    first.due_on = dt.date(2026, 12, 15)
    first.save()
    resolution_close(resolution=first, by=None, note="已完成")
    response = client_for(world, "secretary_a").get(reverse("meetings:pdf", kwargs={"pk": meeting.pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="meeting-')
    text = _text(response.content, tmp_path)
    for expected in (
        world.branch_a.name,
        "支委会记录",
        "1-01",
        "时间：",
        "地点：",
        "项目部会议室",
        "主持人：",
        "记录人：",
        "应到4人，实到2人，缺席2人",
        "出差",
        "2026-11-20",
        "书记带学",
        "未补学",
        "议题：",
        "学习上级文件精神",
        "发言要点：",
        "决议：",
        "落实事项0",
        "2026-12-15",
        "已完成",
        "未销号",
        "主持人签字：",
    ):
        assert expected in text, expected
    assert text.index("时间：") < text.index("议题：") < text.index("决议：") < text.index("主持人签字：")


def test_the_record_is_printed_for_whoever_reads_it(world: World, roster_a) -> None:
    meeting = make_meeting(world.branch_a)
    url = reverse("meetings:pdf", kwargs={"pk": meeting.pk})
    assert client_for(world, "reviewer").get(url).status_code == 200
    assert client_for(world, "secretary_b").get(url).status_code == 404
    assert client_for(world, "member").get(url).status_code == 403
    meeting.attendance.create(member=roster_a[0], present=True)
    assert client_for(world, "member").get(url).status_code == 200


def test_the_detail_page_links_the_pdf(world: World) -> None:
    meeting = make_meeting(world.branch_a)
    page = client_for(world, "secretary_a").get(reverse("meetings:detail", kwargs={"pk": meeting.pk}))
    assert reverse("meetings:pdf", kwargs={"pk": meeting.pk}) in page.content.decode()
    assert "打印 / PDF" in page.content.decode()
