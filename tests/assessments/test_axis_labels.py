"""A chart's quarter axis in short words (26年第3季度), never the quarter's code (2026Q3)."""

import pytest
from django.utils import translation

from assessments.desk import quarter_axis_label


@pytest.mark.parametrize(
    ("code", "words"), [("2026Q3", "26年第3季度"), ("2025Q4", "25年第4季度"), ("2009Q1", "09年第1季度")]
)
def test_a_quarters_code_reads_as_short_words(code: str, words: str) -> None:
    with translation.override("zh-hans"):
        assert quarter_axis_label(code) == words


def test_in_english_too_and_what_is_not_a_code_is_shown_as_it_is() -> None:
    with translation.override("en"):
        assert quarter_axis_label("2026Q3") == "'26, quarter 3"
    assert quarter_axis_label("2026Q5") == "2026Q5"
    assert quarter_axis_label("") == ""
