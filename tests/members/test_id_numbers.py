import datetime as dt
import io

import pytest

from members import id_numbers
from members.excel import reader
from tests.members.xlsx import row, xlsx


def test_the_standard_example_number_is_valid_and_masked():
    # The worked example of GB 11643-1999.
    assert id_numbers.validate("11010519491231002x") == "11010519491231002X"
    assert id_numbers.mask("11010519491231002X") == "1101**********002X"
    assert id_numbers.birth_date_of("11010519491231002X") == dt.date(1949, 12, 31)


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        ("1101051949123100", "length"),
        ("11010519491231002Y", "characters"),
        ("110105194913310025", "birth_date"),
        ("110105194912310021", "check_digit"),
    ],
)
def test_a_bad_number_says_why(number, reason):
    with pytest.raises(id_numbers.InvalidIdNumber) as info:
        id_numbers.validate(number)
    assert str(info.value) == reason


def test_the_declared_row_count_is_read_for_the_progress_bar():
    data = xlsx([row(), row(birth=dt.date(1991, 1, 1))])
    assert reader.declared_rows(io.BytesIO(data)) == 2
    assert reader.declared_rows(io.BytesIO(b"not a zip")) == 0
