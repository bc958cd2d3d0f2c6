"""Issue 20, item 13: reading serial numbers costs time in proportion to their length."""

import time

import pytest

from serial_tracking.tools import ranges as rg
from serial_tracking.tools.ranges import Range


def _seconds(function, *args):
    start = time.perf_counter()
    function(*args)
    return time.perf_counter() - start


def test_splitting_a_long_value_is_linear():
    # a long run of digits not at the end: (.*?)([0-9]+)([^0-9]*) tried every start in
    # the run and every length of it, in quadratic time (8,002 characters: seconds)
    value = "1" * 8_000 + "a1"
    assert rg.split_serial(value) == ("1" * 8_000 + "a", "1", "")
    assert _seconds(rg.split_serial, value) < 0.5


def test_compressing_long_values_is_linear():
    values = ["1" * 4_000 + "a" * 4_000 + str(number) for number in range(10)]
    assert _seconds(rg.compress, values) < 0.5


@pytest.mark.parametrize(
    "value,parts",
    [
        ("SN0001", ("SN", "0001", "")),
        ("A1B22C", ("A1B", "22", "C")),
        ("2024-000123", ("2024-", "000123", "")),
        ("123", ("", "123", "")),
        ("X-1-Y\n", ("X-", "1", "-Y\n")),
        ("٣٣", None),  # Arabic-Indic digits are not counters
        ("NO-NUMBER", None),
        ("", None),
    ],
)
def test_split_reads_the_last_run_of_ascii_digits(value, parts):
    assert rg.split_serial(value) == parts


def test_an_item_longer_than_the_limit_is_refused_with_the_limit_named():
    too_long = "1-" * rg.MAX_SERIAL_LENGTH
    with pytest.raises(rg.RangeError, match=f"longer than the limit of {rg.MAX_SERIAL_LENGTH}"):
        rg.parse_range_expression(f"SN0001, {too_long}")
    with pytest.raises(rg.RangeError, match="at character 11"):
        rg.parse_range_expression(f"SN0001 .. {'9' * (rg.MAX_SERIAL_LENGTH + 1)}")
    with pytest.raises(rg.RangeError, match="an item of 600 characters"):
        rg.parse_range_expression("S" * 596 + "0001")


def test_an_expression_of_many_hyphens_is_refused_quickly():
    # each hyphen of a word is tried as a range operator: without the cap, quadratic
    text = "1-" * 50_000
    assert _seconds(_refused, text) < 0.5


def _refused(text):
    with pytest.raises(rg.RangeError):
        rg.parse_range_expression(text)


def test_an_item_at_the_limit_is_read():
    prefix = "S" * (rg.MAX_SERIAL_LENGTH - 4)
    found = rg.parse_range_expression(f"{prefix}0001..{prefix}0003")
    assert found == [Range(prefix, 1, 3, 4)]
