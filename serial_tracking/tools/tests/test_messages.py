"""Errors and problems of the core carry a code and parameters, not a finished sentence."""

import re

import pytest

from .. import check_digits, gs1, messages, ranges
from .. import numbering as nb

_PLACEHOLDER_OR_TEXT = re.compile(r"(%\([a-z_]+\)[sr])|([^%]+)")


def _shout(match):
    return match[1] or match[2].upper()


def _upper(message):
    """``message`` rendered with every sentence and label replaced, as a translation would."""
    return messages.render(
        messages.message_of(message),
        lambda code: "<" + _PLACEHOLDER_OR_TEXT.sub(_shout, messages.SENTENCES[code]) + ">",
        {name: {code: label.upper() for code, label in table.items()}
         for name, table in messages.LABELS.items()},
    )


def test_every_sentence_is_registered_once_with_valid_placeholders():
    for code, sentence in messages.SENTENCES.items():
        assert re.fullmatch(r"[a-z0-9_]+\.[a-z0-9_]+", code), code
        # every placeholder is named: a translator may reorder them
        assert not re.search(r"%[^(%]", sentence.replace("%%", "")), code
    with pytest.raises(ValueError, match="registered twice"):
        messages.register({"numbering.empty": "something else"})


def test_pattern_error_carries_code_params_and_position():
    with pytest.raises(nb.PatternError) as caught:
        nb.compile_pattern("SN{seq:4}")
    error = caught.value
    assert (error.code, error.params, error.position) == (
        "numbering.capitals", {"token": "SEQ:4"}, 2)
    assert error.coded_message.code == "numbering.pattern"
    assert str(error) == (
        "serial number pattern 'SN{seq:4}', character 3: tokens are written in capitals: "
        "{SEQ:4}")
    assert str(error.problem) == "tokens are written in capitals: {SEQ:4}"
    # both the frame and the problem go through translation
    assert _upper(error) == (
        "<SERIAL NUMBER PATTERN 'SN{seq:4}', CHARACTER 3: <TOKENS ARE WRITTEN IN CAPITALS: "
        "{SEQ:4}>>")


def test_render_error_nests_the_check_digit_error():
    with pytest.raises(nb.RenderError) as caught:
        nb.compile_pattern("AB{SEQ:3}{CHECK}").render(1, None, algorithm="luhn")
    error = caught.value
    assert error.code == "numbering.cannot_carry_check"
    inner = error.params["error"]
    assert isinstance(inner, check_digits.CheckDigitError)
    assert (inner.code, inner.params["check_label"], inner.params["check_charset"]) == (
        "check_digits.body_charset", "luhn", "luhn")
    assert str(error) == (
        "pattern 'AB{SEQ:3}{CHECK}' cannot carry a luhn check character: Luhn (IMEI, payment "
        "cards) accepts digits 0-9 only; 'AB001' has 'A' at position 1")
    # the algorithm's label and charset are labels, translated with the sentences
    assert "LUHN (IMEI, PAYMENT CARDS) ACCEPTS DIGITS 0-9 ONLY" in _upper(error)


def test_validation_spec_error_is_coded():
    with pytest.raises(nb.ValidationSpecError) as caught:
        nb.ValidationSpec(min_len=5, max_len=2)
    assert (caught.value.code, caught.value.params) == ("numbering.lengths",
                                                        {"min": 5, "max": 2})
    assert str(caught.value) == "lengths must satisfy 1 <= min_len <= max_len, got 5 and 2"


@pytest.mark.parametrize(("values", "spec", "code", "template", "params", "message"), [
    (["A1"], nb.ValidationSpec(charset="digits"), "charset", "numbering.charset",
     {"value": "A1", "char": "A", "position": 1, "charset_label": "digits"},
     "A1: 'A' at position 1 is not allowed; use digits 0-9"),
    (["12"], nb.ValidationSpec(min_len=3, max_len=3), "too_short", "numbering.length_exact",
     {"value": "12", "length": 2, "min": 3, "max": 3}, "12: has 2 characters, needs 3"),
    (["12"], nb.ValidationSpec(min_len=3, max_len=9), "too_short", "numbering.length_min",
     {"value": "12", "length": 2, "min": 3, "max": 9},
     "12: has 2 characters, needs at least 3"),
    (["490154203237519"], "imei", "check", "check_digits.wrong_check",
     {"value": "490154203237519", "expected": "8"},
     "490154203237519: check character should be 8"),
    (["X", "X"], "free", "duplicate", "numbering.duplicate", {"value": "X", "first_line": 1},
     "X: duplicate of X in this batch (line 1)"),
])
def test_problems_carry_code_template_and_params(values, spec, code, template, params,
                                                 message):
    problem = nb.validate_batch(values, spec)[-1]
    assert problem.code == code
    assert (problem.detail.code, problem.detail.params) == (template, params)
    assert problem.message == message
    assert messages.message_of(problem) is problem.detail


def test_charset_problem_translates_its_label():
    problem = nb.validate_batch(["A1"], nb.ValidationSpec(charset="digits"))[0]
    assert _upper(problem) == "<A1: 'A' AT POSITION 1 IS NOT ALLOWED; USE DIGITS 0-9>"


def test_range_error_keeps_its_code_and_position_apart():
    with pytest.raises(ranges.RangeError) as caught:
        ranges.parse_range_expression("SN09..SN100")
    error = caught.value
    assert (error.code, error.position) == ("ranges.widths_differ", 6)
    assert error.params == {"shown": "SN09\u2013SN100", "first": 2, "last": 3}
    assert str(error) == ("SN09\u2013SN100: the numbers have 2 and 3 digits; write both ends "
                          "with the same zero padding (at character 7)")
    assert _upper(error).endswith("ZERO PADDING> (AT CHARACTER 7)>")
    # without a position, no frame
    unframed = ranges.RangeError("ranges.over_limit", total=5, limit=2)
    assert unframed.coded_message is unframed.problem
    assert str(unframed) == "the ranges hold 5 serial numbers, more than the limit of 2"


def test_range_error_of_a_wrong_check_character():
    with pytest.raises(ranges.RangeError) as caught:
        ranges.parse_range_expression("490154203237519", check_algorithm="luhn")
    assert (caught.value.code, caught.value.params["expected"]) == (
        "check_digits.wrong_check", "8")
    assert str(caught.value) == (
        "490154203237519: check character should be 8 (at character 1)")


def test_gs1_error_carries_code_ai_and_position():
    with pytest.raises(gs1.GS1Error) as caught:
        gs1.parse("(01)09521234543214")
    error = caught.value
    assert (error.code, error.ai, error.position) == ("gs1.wrong_check", "01", 4)
    assert error.params == {"ai": "01", "position": 4, "expected": "3", "got": "4"}
    assert str(error) == "AI 01 at position 4: check digit should be 3, got 4"
    assert _upper(error) == "<AI 01 AT POSITION 4: <CHECK DIGIT SHOULD BE 3, GOT 4>>"


def test_gs1_length_error_describes_the_value_as_a_message():
    with pytest.raises(gs1.GS1Error) as caught:
        gs1.validate_value("21", "")
    error = caught.value
    assert error.code == "gs1.length_none"
    assert isinstance(error.params["expected"], messages.Message)
    assert str(error) == "AI 21: expected 1 to 20 characters, got none"
    assert _upper(error) == "<AI 21: <EXPECTED <1 TO 20 CHARACTERS>, GOT NONE>>"
    description = gs1.ai_definition("8003").describe()
    assert str(description) == "14 digits optionally followed by 1 to 16 characters"


def test_wrappers_of_gs1_errors_keep_the_coded_message():
    from .. import digital_link, label_symbols

    with pytest.raises(label_symbols.LabelSymbolError) as caught:
        label_symbols.gs1_datamatrix([("01", "09521234543213"), ("21", "é")])
    assert caught.value.coded_message.code == "gs1.of_ai"
    assert caught.value.coded_message.params["problem"].code == "gs1.not_cset82"
    with pytest.raises(digital_link.DigitalLinkError) as caught:
        digital_link.build_digital_link([("01", "09521234543213"), ("21", "é")])
    assert messages.message_of(caught.value).params["problem"].code == "gs1.not_cset82"
