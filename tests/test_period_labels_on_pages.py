"""Pages show periods in words — the dashboard's trend chart, the branch page's chart, the
scorecards list and its quarter picker, the task pages and a reminder sheet — and keep the
codes (2026Q3, 2026-11) only where a machine reads them: links, form values, data."""

import datetime as dt
import json
import re

import pytest
from django.urls import reverse

from tasks.models import ReminderSheet
from tests.factories import UserFactory, final_scorecard, make_edition, make_task
from tests.test_zh_labels import visible_text

# A quarter's code (2026Q3) or any key of the tasks app but a day (2026-11, 2026-Q3, 2026-W48,
# 2026-H1) as a whole word; a date (2026-11-30) is not a code.
CODE = re.compile(
    r"(?<![0-9A-Za-z-])20[0-9]{2}(?:Q[1-4]|-(?:Q[1-4]|H[12]|W[0-9]{2}|[0-9]{2}(?!-[0-9])))(?![0-9A-Za-z])"
)


def codes_shown(html: str) -> list[str]:
    return CODE.findall(visible_text(html))


def test_the_pattern_finds_codes_and_not_dates() -> None:
    assert CODE.findall("2026Q3 2026-11 2026-Q4 2026-W48 2026-H1 · 2026-11-30 2026年第3季度") == [
        "2026Q3",
        "2026-11",
        "2026-Q4",
        "2026-W48",
        "2026-H1",
    ]


@pytest.fixture
def scores(world):
    make_edition(version="T1")
    boss = UserFactory(username="boss", is_superuser=True)
    final_scorecard(world.branch_a, year=2026, quarter=2, by=boss, deductions=3)
    final_scorecard(world.branch_a, year=2026, quarter=3, by=boss, deductions=1)
    return world


def _chart(html: str, name: str) -> dict:
    found = re.search(rf'<script id="{name}" type="application/json">(.*?)</script>', html, re.S)
    assert found, name
    return json.loads(found.group(1))


def test_the_dashboards_trend_chart_and_text_show_quarters_in_words(scores, as_role) -> None:
    html = as_role("reviewer").get(reverse("assessments:dashboard"), {"quarter": "2026Q3"}).content.decode()
    periods = [p for p in _chart(html, "dash-data")["trend"]["periods"]]
    assert periods[-2:] == ["26年第2季度", "26年第3季度"]
    assert not [p for p in periods if CODE.search(p)]
    assert codes_shown(html) == []
    assert "2026年第3季度" in visible_text(html)
    assert "quarter=2026Q3" in html  # links keep the code


def test_the_branch_pages_chart_and_text_show_quarters_in_words(scores, as_role) -> None:
    html = as_role("secretary_a").get(reverse("assessments:branch", args=[scores.branch_a.pk])).content.decode()
    assert _chart(html, "branch-data")["periods"] == ["26年第2季度", "26年第3季度"]
    assert codes_shown(html) == []


def test_the_scorecards_list_picks_its_quarter_from_a_list_in_words(scores, as_role) -> None:
    response = as_role("reviewer").get(reverse("assessments:index"), {"quarter": "2026Q2"})
    html = response.content.decode()
    assert '<select id="id_quarter" name="quarter">' in html
    assert '<option value="2026Q2" selected>2026年第2季度</option>' in html
    assert '<option value="2026Q3">2026年第3季度</option>' in html
    assert codes_shown(html) == []


def test_a_quarter_not_in_the_list_is_still_offered_when_typed_into_the_address(scores, as_role) -> None:
    html = as_role("reviewer").get(reverse("assessments:index"), {"quarter": "2024Q1"}).content.decode()
    assert '<option value="2024Q1" selected>2024年第1季度</option>' in html


@pytest.fixture
def work_of_a(world, default_edition):
    article = default_edition.articles.filter(frequency="monthly").order_by("code").first()
    task = make_task(world.branch_a, article, due_on=dt.date(2026, 11, 25))
    sheet = ReminderSheet.objects.create(
        branch=world.branch_a,
        kind="monthly",
        period_key="2026-11",
        period_start=dt.date(2026, 11, 1),
        period_end=dt.date(2026, 11, 30),
        lines=[],
    )
    return task, sheet


def test_the_task_pages_and_the_sheet_show_periods_in_words(world, as_role, work_of_a) -> None:
    task, sheet = work_of_a
    client = as_role("secretary_a")
    pages = {
        "home": reverse("tasks:home"),
        "board": reverse("tasks:board", args=[world.branch_a.pk]) + "?show=overdue",
        "detail": reverse("tasks:detail", args=[task.pk]),
        "sheet": reverse("tasks:sheet", args=[sheet.pk]),
    }
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, name
        html = response.content.decode()
        assert codes_shown(html) == [], name
        assert "2026年11月" in visible_text(html), name
