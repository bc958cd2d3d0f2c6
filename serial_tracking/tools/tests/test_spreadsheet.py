import csv
import io

import pytest

from serial_tracking.tools import spreadsheet


@pytest.mark.parametrize(
    "text",
    [
        '=HYPERLINK("http://x","y")',
        "+SN0001",
        "-2+3",
        "@SUM(A1:A2)",
        "\t=1+1",
        "\r=1+1",
    ],
)
def test_text_that_starts_a_formula_is_made_plain(text):
    assert spreadsheet.neutralise(text) == "'" + text


@pytest.mark.parametrize(
    "value", ["SN0001", "Customer Inc", "", "a=b", "2024-000123", 3, -2.5, None]
)
def test_other_values_are_left_alone(value):
    assert spreadsheet.neutralise(value) == value


def test_a_neutralised_row_reads_back_as_written_text():
    buffer = io.StringIO()
    csv.writer(buffer).writerow([spreadsheet.neutralise('=HYPERLINK("http://x","y")')])
    (cell,) = next(csv.reader(io.StringIO(buffer.getvalue())))
    assert cell == '\'=HYPERLINK("http://x","y")'
    assert not cell.startswith(spreadsheet.FORMULA_STARTS)
