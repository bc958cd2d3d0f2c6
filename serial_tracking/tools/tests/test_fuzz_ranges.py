"""Hostile input for the range expressions users type or paste: whatever the text,
``parse_range_expression`` answers with ranges or a RangeError, nothing else.

Run the dedicated fuzzing profile (100,000 examples per property) with
``HYPOTHESIS_PROFILE=fuzz python3 -m pytest serial_tracking/tools/tests/test_fuzz_ranges.py``.
"""

from hypothesis import given
from hypothesis import strategies as st

from serial_tracking.tools import check_digits, ranges
from serial_tracking.tools.ranges import RangeError
from serial_tracking.tools.tests.cases import ALGORITHMS

# Pieces of what users type: numbers, prefixes, every operator and separator, and
# characters that look like digits or dashes without being them.
_TOKENS = st.sampled_from(
    [
        "SN",
        "sn",
        "A",
        "X7",
        "0",
        "1",
        "9",
        "00",
        "0001",
        "0100",
        "99999",
        "123456789012",
        "-",
        " - ",
        "..",
        "...",
        "\u2013",
        "\u2014",
        "\u2212",
        " ",
        "\t",
        "\n",
        ",",
        ";",
        "2024-",
        "-0001",
        "\u0661",
        "\uff11",
        "\u00b2",
        "/",
        "#",
        "é",
        "\x00",
        "\u200b",
    ]
)
_EXPRESSIONS = st.lists(_TOKENS, max_size=24).map("".join)


def _parse_or_range_error(text, **options):
    try:
        result = ranges.parse_range_expression(text, limit=1000, **options)
    except RangeError as error:
        assert str(error)
        return None
    # What parses reads back: every range expands within the limit, the numbers of a
    # range carry its check characters, and formatting then parsing keeps the numbers.
    numbers = ranges.expand(
        result, limit=1000, check_algorithm=options.get("check_algorithm", "none")
    )
    assert len(numbers) == sum(len(serial_range) for serial_range in result)
    return numbers


@given(st.text(), st.sampled_from(ALGORITHMS), st.booleans())
def test_fuzz_random_text(text, algorithm, hyphen_is_range):
    _parse_or_range_error(text, check_algorithm=algorithm, hyphen_is_range=hyphen_is_range)


@given(_EXPRESSIONS, st.sampled_from(ALGORITHMS), st.booleans())
def test_fuzz_range_like_text(text, algorithm, hyphen_is_range):
    _parse_or_range_error(text, check_algorithm=algorithm, hyphen_is_range=hyphen_is_range)


@given(_EXPRESSIONS)
def test_fuzz_formatted_ranges_read_back(text):
    numbers = _parse_or_range_error(text)
    if not numbers:
        return
    compressed = ranges.compress(numbers)
    # Read back with hyphens as plain characters: "0001-0001" is a serial number here,
    # which a user typing it with hyphen_is_range=True would get as the range 0001-0001
    # (as documented); the ranges themselves are written with an en dash.
    again = ranges.parse_range_expression(
        ranges.format_ranges(compressed, separator="; "), limit=1000, hyphen_is_range=False
    )
    assert sorted(ranges.expand(again, limit=1000)) == sorted(set(numbers))


@given(st.lists(st.text(max_size=12), max_size=30), st.sampled_from(ALGORITHMS))
def test_fuzz_compress_any_values(values, algorithm):
    try:
        compressed = ranges.compress(values, algorithm)
    except RangeError:
        return
    assert sorted(ranges.expand(compressed, limit=None, check_algorithm=algorithm)) == sorted(
        set(values)
    )


@given(st.text(max_size=30), st.sampled_from(ALGORITHMS))
def test_fuzz_split_serial_never_raises(value, algorithm):
    parts = ranges.split_serial(value, algorithm)
    if parts is not None:
        prefix, digits, suffix = parts
        assert digits.isascii() and digits.isdigit()
        body = prefix + digits + suffix
        if algorithm == "none":
            assert body == value
        else:
            assert check_digits.with_check(algorithm, body) == value
