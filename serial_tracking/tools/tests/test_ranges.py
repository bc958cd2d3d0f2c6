import pytest
from hypothesis import given
from hypothesis import strategies as st

from serial_tracking.tools import check_digits as cd
from serial_tracking.tools import ranges as rg
from serial_tracking.tools.ranges import Range

# -- compress and format -----------------------------------------------------


def test_compress_merges_consecutive_numbers():
    values = ["SN%06d" % n for n in range(5000, 0, -1)] + ["SN005002", "SN000001"]
    ranges = rg.compress(values)
    assert ranges == [Range("SN", 1, 5000, 6), Range("SN", 5002, 5002, 6)]
    assert rg.format_ranges(ranges) == "SN000001\u2013SN005000, SN005002"


def test_compress_groups_by_prefix_width_and_suffix():
    values = ["SN9", "SN10", "SN11", "SN08", "SN09", "A1B", "A2B", "A3C", "XX0001", "NO-NUMBER"]
    assert rg.compress(values) == [
        Range("A", 1, 2, 1, "B"),
        Range("A", 3, 3, 1, "C"),
        Range.single("NO-NUMBER"),
        Range("SN", 9, 9, 1),
        Range("SN", 8, 11, 2),
        Range("XX", 1, 1, 4),
    ]


def test_the_counter_is_the_last_run_of_digits():
    assert rg.split_serial("A1B2C3") == ("A1B2C", "3", "")
    assert rg.split_serial("2024-000123-X") == ("2024-", "000123", "-X")
    assert rg.split_serial("ABC") is None
    # Only ASCII digits count: '٣' is text.
    assert rg.split_serial("SN1٣") == ("SN", "1", "٣")


def test_compress_nothing():
    assert rg.compress([]) == []
    assert rg.format_ranges([]) == ""


def test_compress_refuses_non_text():
    with pytest.raises(rg.RangeError, match="text"):
        rg.compress(["SN1", 2])


def test_compress_with_check_characters_reads_the_body():
    imeis = [cd.with_check("luhn", "35209900%06d" % n) for n in range(100, 200)]
    wrong = imeis[0][:-1] + str((int(imeis[0][-1]) + 1) % 10)
    ranges = rg.compress(imeis + [wrong], check_algorithm="luhn")
    assert ranges == [Range("", 35209900000100, 35209900000199, 14), Range.single(wrong)]
    assert rg.format_ranges(ranges[:1], check_algorithm="luhn") == (f"{imeis[0]}\u2013{imeis[-1]}")


def test_merge_ranges_joins_overlaps_and_neighbours():
    merged = rg.merge_ranges(
        [
            Range("SN", 10, 20, 3),
            Range("SN", 1, 5, 3),
            Range("SN", 6, 8, 3),
            Range("SN", 15, 30, 3),
            Range("SN", 40, 40, 3),
            Range("SN", 3, 3, 4),
            Range.single("X"),
            Range.single("X"),
        ]
    )
    assert merged == [
        Range("SN", 1, 8, 3),
        Range("SN", 10, 30, 3),
        Range("SN", 40, 40, 3),
        Range("SN", 3, 3, 4),
        Range.single("X"),
    ]


@pytest.mark.parametrize(
    ("arguments", "problem"),
    [
        (("SN", 5, 4, 3), "runs backwards"),
        (("SN", 0, 1000, 3), "more than 3 digits"),
        (("SN", -1, 4, 3), "0 or more"),
        (("SN1", 0, 4, 3), "must not end with a digit"),
        (("SN", 0, 4, 3, "A1"), "must not end with a digit"),
        (("", 0, 0, 0), "verbatim"),
        (("X", 1, 1, 0), "verbatim"),
        ((None, 1, 1, 1), "text"),
    ],
)
def test_range_refuses_impossible_ranges(arguments, problem):
    with pytest.raises(rg.RangeError, match=problem):
        Range(*arguments)


def test_range_numbers():
    serial_range = Range("SN", 8, 11, 3, "-B")
    assert len(serial_range) == 4
    assert serial_range.values() == ["SN008-B", "SN009-B", "SN010-B", "SN011-B"]
    assert serial_range.first() == "SN008-B" and serial_range.last() == "SN011-B"
    assert str(serial_range) == "SN008-B\u2013SN011-B"
    assert Range("100%-", 1, 2, 1).values() == ["100%-1", "100%-2"]
    assert Range.single("X").values(check_algorithm="luhn") == ["X"]


# -- range expressions -------------------------------------------------------


def test_parse_expression_example():
    text = "SN0001-SN0100, SN0200..SN0250, X7"
    assert rg.parse_range_expression(text) == [
        Range("SN", 1, 100, 4),
        Range("SN", 200, 250, 4),
        Range("X", 7, 7, 1),
    ]


def test_parse_expression_separators_and_spaced_operators():
    text = "SN0001 - SN0003;SN0005 -SN0006\nSN0008- SN0009\tSN0011\u2013SN0012 ; ; NONUM\n"
    assert rg.parse_range_expression(text) == [
        Range("SN", 1, 3, 4),
        Range("SN", 5, 6, 4),
        Range("SN", 8, 9, 4),
        Range("SN", 11, 12, 4),
        Range.single("NONUM"),
    ]
    assert rg.parse_range_expression(" \n ,; ") == []


def test_hyphen_inside_serial_numbers():
    assert rg.parse_range_expression("AB-0001, 2024-000123, 2403-0001") == [
        Range("AB-", 1, 1, 4),
        Range("2024-", 123, 123, 6),
        Range("2403-", 1, 1, 4),
    ]
    assert rg.parse_range_expression("AB-0001-AB-0003, 2024-0001-2024-0009") == [
        Range("AB-", 1, 3, 4),
        Range("2024-", 1, 9, 4),
    ]
    assert rg.parse_range_expression("0001-0009") == [Range("", 1, 9, 4)]
    assert rg.parse_range_expression("0001-0009", hyphen_is_range=False) == [
        Range("0001-", 9, 9, 4)
    ]


@pytest.mark.parametrize(
    ("text", "position", "problem"),
    [
        ("SN0001..XX0100", 1, r"different prefixes \('SN' and 'XX'\)"),
        ("SN1, SN0001 - XX0100", 6, "different prefixes"),
        ("SN0001A..SN0100B", 1, "different suffixes"),
        ("SN0001..SN00100", 9, "4 and 5 digits"),
        ("SN0100..SN0001", 1, "runs backwards"),
        ("SN1, SN0100 \u2013 SN0001", 6, "runs backwards"),
        ("SN1..SN2..SN3", 1, "more than one range operator"),
        ("ABC..ABD", 1, "'ABC' has no number"),
        ("SN1..", 1, "no serial number after it"),
        ("- SN1", 1, "no serial number before it"),
        ("SN1 -\nSN2", 5, "no serial number after it"),
        ("SN1, SN0000..SN9999", 6, "more than 1000 serial numbers"),
        # found by the fuzzing run: range ends that hold an operator themselves
        ("0000..- 0001..", 1, "'0000..' holds a range operator"),
        ("SN1 - SN2–SN3", 7, "'SN2–SN3' holds a range operator"),
    ],
)
def test_bad_expressions_say_where(text, position, problem):
    with pytest.raises(rg.RangeError, match=problem) as caught:
        rg.parse_range_expression(text, limit=1000)
    assert caught.value.position == position - 1
    assert f"(at character {position})" in str(caught.value)


def test_limit_counts_the_whole_expression():
    assert len(rg.parse_range_expression("A001..A500, B001..B500", limit=1000)) == 2
    with pytest.raises(rg.RangeError, match="more than 999") as caught:
        rg.parse_range_expression("A001..A500, B001..B500", limit=999)
    assert caught.value.position == 12


def test_expression_with_check_characters():
    first = "490154203237518"
    last = cd.with_check("luhn", "49015420323760")
    ranges = rg.parse_range_expression(f"{first}..{last}", check_algorithm="luhn")
    assert ranges == [Range("", 49015420323751, 49015420323760, 14)]
    values = rg.expand(ranges, check_algorithm="luhn")
    assert values[0] == first and values[-1] == last and len(values) == 10
    assert all(cd.is_valid("luhn", value) for value in values)
    with pytest.raises(rg.RangeError, match="490154203237517: check character should be 8"):
        rg.parse_range_expression(f"490154203237517..{last}", check_algorithm="luhn")
    with pytest.raises(rg.RangeError, match=r"X7: .*digits 0-9 only"):
        rg.parse_range_expression("X7", check_algorithm="luhn")
    with pytest.raises(cd.CheckDigitError, match="unknown check algorithm"):
        rg.parse_range_expression("X7", check_algorithm="crc")


def test_vin_ranges_recompute_the_check_at_position_nine():
    first = cd.with_check("vin", "1M8GDM9AKP042788")
    last = cd.with_check("vin", "1M8GDM9AKP042795")
    ranges = rg.parse_range_expression(f"{first} - {last}", check_algorithm="vin")
    assert ranges == [Range("1M8GDM9AKP", 42788, 42795, 6)]
    values = rg.expand(ranges, check_algorithm="vin")
    assert values[0] == "1M8GDM9AXKP042788" and values[-1] == last
    assert all(cd.is_valid("vin", value) for value in values)


# -- expand and gaps ---------------------------------------------------------


def test_expand_refuses_more_than_the_limit():
    ranges = [Range("SN", 1, 600, 4), Range("SN", 601, 1000, 4)]
    assert len(rg.expand(ranges, limit=1000)) == 1000
    with pytest.raises(rg.RangeError, match="1000 serial numbers, more than the limit of 999"):
        rg.expand(ranges, limit=999)
    assert len(rg.expand([Range("SN", 0, 199_999, 6)], limit=None)) == 200_000


def test_gaps():
    present = ["SN0003", "SN0004", "SN0009", "SN0020", "XX0005", "SN05", "SN0001-A"]
    assert rg.gaps("SN0001", "SN0010", present) == [
        Range("SN", 1, 2, 4),
        Range("SN", 5, 8, 4),
        Range("SN", 10, 10, 4),
    ]
    assert rg.gaps("SN0001", "SN0003", ["SN0001", "SN0002", "SN0003"]) == []
    assert rg.gaps("SN0001", "SN0003", []) == [Range("SN", 1, 3, 4)]


def test_gaps_with_check_characters():
    full = [cd.with_check("gs1_mod10", "0000%02d" % n) for n in range(1, 11)]
    missing = rg.gaps(full[0], full[-1], full[:4] + full[5:], check_algorithm="gs1_mod10")
    assert missing == [Range("", 5, 5, 6)]
    assert missing[0].first("gs1_mod10") == full[4]


def test_gaps_needs_a_proper_range():
    with pytest.raises(rg.RangeError, match="different prefixes"):
        rg.gaps("SN0001", "XX0010", [])
    with pytest.raises(rg.RangeError, match="runs backwards"):
        rg.gaps("SN0010", "SN0001", [])


# -- properties --------------------------------------------------------------

serials = st.builds(
    lambda prefix, number, width, suffix: f"{prefix}{number:0{width}d}{suffix}",
    st.sampled_from(["", "SN", "A-", "LOT7/"]),
    st.integers(0, 60),
    st.integers(1, 3),
    st.sampled_from(["", "B", "-X"]),
) | st.sampled_from(["NONUM", "X-Y", "Ü"])


@given(st.lists(serials, max_size=80))
def test_compress_then_expand_gives_the_sorted_set(values):
    ranges = rg.compress(values)
    expanded = rg.expand(ranges, limit=None)
    assert sorted(expanded) == sorted(set(values))
    assert len(expanded) == len(set(values))
    # No two ranges could be merged: compress is minimal.
    assert rg.merge_ranges(ranges) == ranges


@given(st.lists(serials, max_size=80))
def test_format_then_parse_gives_the_same_ranges(values):
    ranges = rg.compress(values)
    assert rg.parse_range_expression(rg.format_ranges(ranges), limit=None) == ranges


@given(st.lists(st.integers(0, 10**6), min_size=1, max_size=50))
def test_compress_then_expand_with_check_characters(numbers):
    imeis = [cd.with_check("luhn", "35%012d" % n) for n in numbers]
    ranges = rg.compress(imeis, check_algorithm="luhn")
    assert sorted(rg.expand(ranges, check_algorithm="luhn")) == sorted(set(imeis))
    text = rg.format_ranges(ranges, check_algorithm="luhn")
    assert rg.parse_range_expression(text, check_algorithm="luhn") == ranges


@given(st.integers(0, 500), st.integers(0, 500), st.sets(st.integers(0, 600), max_size=100))
def test_gaps_and_present_make_up_the_range(low, high, present):
    low, high = min(low, high), max(low, high)
    present_values = ["SN%04d" % n for n in present]
    missing = rg.expand(rg.gaps("SN%04d" % low, "SN%04d" % high, present_values), limit=None)
    expected = ["SN%04d" % n for n in range(low, high + 1) if n not in present]
    assert missing == expected
