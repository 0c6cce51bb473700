"""A meeting record as a PDF (会议记录), laid out like the handbook's example for its article.

The article a meeting answers (``kinds.ARTICLE_OF_KIND``) carries, in the edition in force, an
example of the record ("时间：… 地点：… 主持人：… 记录人：… 应到…人，实到…人 … 议题：… 发言要点：…
决议：… 主持人签字：…"). The PDF follows that example: its headings, in its order, with the
meeting's facts in place of the example's; a heading of the record the example leaves out
follows in the order of article 1-01's record. One record is small and it changes (a make-up
study, a resolution closed), so it is rendered on each request rather than stored.
"""

import re
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from config.pdf import render_pdf
from handbook.examples import Paragraph, parse_example
from handbook.models import Article, EditionStatus

from .kinds import ARTICLE_OF_KIND
from .models import Meeting

# The parts of a record, in the order of the 三会一课 record (article 1-01's example).
STANDARD = ("held_at", "place", "host", "recorder", "attendance", "topics", "speeches", "resolutions", "signature")

# A heading of an example → the part of the record it holds. The handbook writes its examples
# in Chinese; a heading not named here is not one a meeting record fills in.
PART_OF_LABEL = {
    "时间": "held_at",
    "地点": "place",
    "主持人": "host",
    "谈话人": "host",
    "记录人": "recorder",
    "参加人员": "attendance",
    "议题": "topics",
    "主题": "topics",
    "主要内容": "topics",
    "发言要点": "speeches",
    "决议": "resolutions",
    "处理意见": "resolutions",
    "主持人签字": "signature",
}
# "应到5人，实到5人，缺席0人；…": the example's attendance line is a sentence, not a field.
ATTENDANCE_LINE = re.compile(r"^\s*应到")


@dataclass(frozen=True)
class Part:
    key: str
    label: str


def _default_labels() -> dict[str, str]:
    return {
        "held_at": _("Time"),
        "place": _("Place"),
        "host": _("Host"),
        "recorder": _("Recorder"),
        "attendance": pgettext("meeting record", "Attendance"),
        "topics": _("Topics"),
        "speeches": _("Speakers' points"),
        "resolutions": _("Resolutions"),
        "signature": _("Host's signature"),
    }


def example_article(meeting: Meeting) -> Article | None:
    """The article of the edition in force the meeting's kind is kept under."""
    code = ARTICLE_OF_KIND.get(meeting.kind)
    return Article.objects.filter(edition__status=EditionStatus.PUBLISHED, code=code).first()


def layout(example: str) -> list[Part]:
    """The parts of the record in the example's order, each under the example's heading; the
    parts the example does not name follow in ``STANDARD`` order under their own heading."""
    defaults = _default_labels()
    parts: list[Part] = []
    seen: set[str] = set()

    def add(key: str, label: str) -> None:
        if key not in seen:
            seen.add(key)
            parts.append(Part(key, label))

    for block in parse_example(example):
        if not isinstance(block, Paragraph):
            continue
        if ATTENDANCE_LINE.match(block.text):
            add("attendance", defaults["attendance"])
        for field in block.fields:
            key = PART_OF_LABEL.get(field.label)
            if key:
                add(key, field.label)
    for key in STANDARD:
        add(key, defaults[key])
    return parts


def record_context(meeting: Meeting) -> dict:
    article = example_article(meeting)
    rows = list(meeting.attendance.select_related("member", "makeup_by").order_by("member__name", "pk"))
    present = [row for row in rows if row.present]
    return {
        "meeting": meeting,
        "held_at": timezone.localtime(meeting.held_at),
        "article": article,
        "parts": layout(article.example if article else ""),
        "present_rows": present,
        "absent_rows": [row for row in rows if not row.present],
        "expected": len(rows),
        "present": len(present),
        "resolutions": list(meeting.resolutions.select_related("owner_member", "owner_user").order_by("pk")),
        "files": meeting.files.count(),
        "printed_at": timezone.localtime(),
    }


def filename(meeting: Meeting) -> str:
    return f"meeting-{meeting.branch.code}-{timezone.localtime(meeting.held_at):%Y%m%d}-{meeting.pk}.pdf"


def meeting_pdf(meeting: Meeting) -> tuple[str, str, bytes]:
    """``(filename, content type, bytes)`` of the record, in the active language."""
    return filename(meeting), "application/pdf", render_pdf("meetings/pdf/record.html", record_context(meeting))
