"""A period of work in words (2026年11月), never its key (2026-11): every key form the tasks
app makes, the assessments' quarter code, and what is not a key."""

import datetime as dt

import pytest
from django.template import Context, Template
from django.utils import translation

from handbook.models import Frequency
from tasks.periods import SCHEDULED_FREQUENCIES, period_key_label, period_of

IN_CHINESE = [
    ("2026-11-21", "2026年11月21日"),
    ("2026-W48", "2026年第48周"),
    ("2026-W01", "2026年第1周"),
    ("2026-11", "2026年11月"),
    ("2026-03", "2026年3月"),
    ("2026-Q3", "2026年第3季度"),
    ("2026Q3", "2026年第3季度"),
    ("2026-H1", "2026年上半年"),
    ("2026H1", "2026年上半年"),
    ("2026-H2", "2026年下半年"),
    ("2026", "2026年"),
]


@pytest.mark.parametrize(("key", "words"), IN_CHINESE)
def test_every_key_form_reads_as_words_in_chinese(key: str, words: str) -> None:
    with translation.override("zh-hans"):
        assert period_key_label(key) == words


@pytest.mark.parametrize(
    ("key", "words"),
    [
        ("2026-11-21", "2026, month 11, day 21"),
        ("2026-W48", "2026, week 48"),
        ("2026-11", "2026, month 11"),
        ("2026-Q3", "2026, quarter 3"),
        ("2026-H1", "2026, first half"),
        ("2026-H2", "2026, second half"),
        ("2026", "year 2026"),
    ],
)
def test_every_key_form_reads_as_words_in_english(key: str, words: str) -> None:
    with translation.override("en"):
        assert period_key_label(key) == words


@pytest.mark.parametrize("frequency", SCHEDULED_FREQUENCIES)
def test_every_key_the_app_makes_has_words_without_the_key(frequency: str) -> None:
    key = period_of(frequency, dt.date(2026, 11, 21)).key
    with translation.override("zh-hans"):
        words = period_key_label(key)
    assert words != key and words.startswith("2026年")
    assert key not in words or frequency == Frequency.YEARLY  # "2026" is in "2026年"


def test_what_is_not_a_key_is_shown_as_it_is() -> None:
    assert period_key_label("") == ""
    assert period_key_label(None) == ""
    assert period_key_label("2026-Q5") == "2026-Q5"
    assert period_key_label("下个月") == "下个月"
    assert period_key_label(Frequency.MONTHLY) == str(Frequency.MONTHLY)


def test_the_template_filter_shows_the_words() -> None:
    template = Template("{% load period_keys %}{{ key|period_key_label }}")
    with translation.override("zh-hans"):
        assert template.render(Context({"key": "2026-W48"})) == "2026年第48周"


def test_a_task_and_a_reminder_sheet_name_their_period_in_words_as_the_admin_shows_them() -> None:
    from branches.models import Organisation
    from tasks.models import ReminderSheet, SheetKind, Task

    branch = Organisation(name="第一党支部")
    task = Task(branch=branch, title="召开支部委员会", period_key="2026-Q4")
    sheet = ReminderSheet(branch=branch, kind=SheetKind.QUARTERLY, period_key="2026-Q4")
    with translation.override("zh-hans"):
        assert str(task) == "召开支部委员会 · 2026年第4季度"
        assert str(sheet) == "第一党支部 · 每季度 · 2026年第4季度"
    assert "Q4" not in str(task) and "Q4" not in str(sheet)
