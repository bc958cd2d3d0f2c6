"""Hostile input for numbering: patterns typed by a manager, serial numbers pasted from
a vendor's file, check characters of anything. Each parser answers or raises its own
error type (PatternError, RenderError, CheckDigitError, ValidationSpecError), nothing
else.

Run the dedicated fuzzing profile (100,000 examples per property) with
``HYPOTHESIS_PROFILE=fuzz python3 -m pytest serial_tracking/tools/tests/test_fuzz_numbering.py``.
"""

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from serial_tracking.tools import check_digits, numbering
from serial_tracking.tools.check_digits import CheckDigitError
from serial_tracking.tools.numbering import (
    NumberingError,
    PatternError,
    RenderError,
    ValidationSpec,
    ValidationSpecError,
)
from serial_tracking.tools.tests.cases import ALGORITHMS

_PATTERN_TOKENS = st.sampled_from(
    [
        "{SEQ:6}",
        "{SEQ:1}",
        "{SEQ:0}",
        "{SEQ:99}",
        "{SEQ:",
        "{SEQ}",
        "{seq:4}",
        "{SEQ:-3}",
        "{SEQ:\u0663}",
        "{YYYY}",
        "{YY}",
        "{MM}",
        "{DD}",
        "{DDD}",
        "{WW}",
        "{WH}",
        "{REF}",
        "{CHECK}",
        "{check}",
        "{}",
        "{",
        "}",
        "{{",
        "}}",
        ":",
        "%",
        "%%",
        "%s",
        "\\",
        "A",
        "SN",
        "-",
        "0",
        " ",
        "é",
        "\x00",
        "\n",
    ]
)
_PATTERNS = st.lists(_PATTERN_TOKENS, max_size=10).map("".join)
_CODES = st.text(max_size=6)


@given(st.text())
def test_fuzz_random_patterns(pattern):
    try:
        numbering.compile_pattern(pattern)
    except PatternError as error:
        assert str(error)


@given(
    _PATTERNS,
    st.integers(-5, 10**8),
    st.dates(date(1, 1, 1), date(9999, 12, 31)),
    _CODES,
    _CODES,
    st.sampled_from(ALGORITHMS),
)
def test_fuzz_pattern_like_text_renders_and_parses_back(
    pattern, seq, day, warehouse, ref, algorithm
):
    try:
        compiled = numbering.compile_pattern(pattern)
    except PatternError:
        return
    try:
        value = compiled.render(
            seq, day, warehouse_code=warehouse, product_ref=ref, algorithm=algorithm
        )
    except NumberingError:  # RenderError, or a PatternError for a VIN check position
        return
    parsed = compiled.parse(value, warehouse_code=warehouse, product_ref=ref, algorithm=algorithm)
    assert parsed is not None, (pattern, value)
    assert parsed.sequence == seq


@given(_PATTERNS, st.text(max_size=30), st.sampled_from(ALGORITHMS))
def test_fuzz_parse_any_value(pattern, value, algorithm):
    try:
        compiled = numbering.compile_pattern(pattern)
    except PatternError:
        return
    try:
        parsed = compiled.parse(value, algorithm=algorithm)
    except NumberingError:
        return
    assert parsed is None or parsed.value == value


@given(st.lists(st.text(max_size=25), max_size=20), st.sampled_from(sorted(numbering.PRESETS)))
def test_fuzz_validate_batch_reports_problems_only(values, preset):
    problems = numbering.validate_batch(values, preset, existing={"EXISTING"})
    for problem in problems:
        assert 1 <= problem.line <= len(values)
        assert problem.message


@given(
    st.sampled_from([*numbering.CHARSETS, "", "digits ", "ANY"]),
    st.integers(-2, 70),
    st.integers(-2, 70),
    st.one_of(st.none(), st.text(max_size=8)),
    st.sampled_from([*ALGORITHMS, "", "LUHN", "mod10"]),
)
def test_fuzz_validation_specs(charset, min_len, max_len, regex, algorithm):
    try:
        spec = ValidationSpec(
            charset=charset,
            min_len=min_len,
            max_len=max_len,
            regex=regex,
            check_algorithm=algorithm,
        )
    except ValidationSpecError as error:
        assert str(error)
        return
    numbering.validate_batch(["A1", "0000", "", " x", "\x00"], spec)


@given(st.sampled_from(ALGORITHMS), st.text(max_size=30))
def test_fuzz_check_characters(algorithm, value):
    valid = check_digits.is_valid(algorithm, value)
    try:
        check_digits.validate(algorithm, value)
    except CheckDigitError as error:
        assert str(error)
        assert not valid
    else:
        assert valid
    try:
        full = check_digits.with_check(algorithm, value)
    except CheckDigitError:
        return
    assert check_digits.is_valid(algorithm, full)


def test_render_error_is_a_numbering_error():
    assert issubclass(RenderError, NumberingError)
    assert issubclass(PatternError, NumberingError)
