import pytest

from config.xlsx import escape_formula, unescape_formula


@pytest.mark.parametrize("text", ["=1+1", "+86 138", "-3", "@SUM(A1)", "\tx", "\rx"])
def test_formula_like_text_is_escaped_and_unescaped(text: str) -> None:
    assert escape_formula(text) == "'" + text
    assert unescape_formula(escape_formula(text)) == text


@pytest.mark.parametrize("value", ["三会一课", "'quoted", 12, None, "a=b"])
def test_other_values_pass_through_unchanged(value: object) -> None:
    assert escape_formula(value) == value
    assert unescape_formula(value) == value
