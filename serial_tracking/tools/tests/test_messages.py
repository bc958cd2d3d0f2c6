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
        {
            name: {code: label.upper() for code, label in table.items()}
            for name, table in messages.LABELS.items()
        },
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
        "numbering.capitals",
        {"token": "SEQ:4"},
        2,
    )
    assert error.coded_message.code == "numbering.pattern"
    assert str(error) == (
        "serial number pattern 'SN{seq:4}', character 3: tokens are written in capitals: {SEQ:4}"
    )
    assert str(error.problem) == "tokens are written in capitals: {SEQ:4}"
    # both the frame and the problem go through translation
    assert _upper(error) == (
        "<SERIAL NUMBER PATTERN 'SN{seq:4}', CHARACTER 3: <TOKENS ARE WRITTEN IN CAPITALS: "
        "{SEQ:4}>>"
    )


def test_render_error_nests_the_check_digit_error():
    with pytest.raises(nb.RenderError) as caught:
        nb.compile_pattern("AB{SEQ:3}{CHECK}").render(1, None, algorithm="luhn")
    error = caught.value
    assert error.code == "numbering.cannot_carry_check"
    inner = error.params["error"]
    assert isinstance(inner, check_digits.CheckDigitError)
    assert (inner.code, inner.params["check_label"], inner.params["check_charset"]) == (
        "check_digits.body_charset",
        "luhn",
        "luhn",
    )
    assert str(error) == (
        "pattern 'AB{SEQ:3}{CHECK}' cannot carry a luhn check character: Luhn (IMEI, payment "
        "cards) accepts digits 0-9 only; 'AB001' has 'A' at position 1"
    )
    # the algorithm's label and charset are labels, translated with the sentences
    assert "LUHN (IMEI, PAYMENT CARDS) ACCEPTS DIGITS 0-9 ONLY" in _upper(error)


def test_validation_spec_error_is_coded():
    with pytest.raises(nb.ValidationSpecError) as caught:
        nb.ValidationSpec(min_len=5, max_len=2)
    assert (caught.value.code, caught.value.params) == ("numbering.lengths", {"min": 5, "max": 2})
    assert str(caught.value) == "lengths must satisfy 1 <= min_len <= max_len, got 5 and 2"


@pytest.mark.parametrize(
    ("values", "spec", "code", "detail", "message"),
    [
        (
            ["A1"],
            nb.ValidationSpec(charset="digits"),
            "charset",
            (
                "numbering.charset",
                {"value": "A1", "char": "A", "position": 1, "charset_label": "digits"},
            ),
            "A1: 'A' at position 1 is not allowed; use digits 0-9",
        ),
        (
            ["12"],
            nb.ValidationSpec(min_len=3, max_len=3),
            "too_short",
            ("numbering.length_exact", {"value": "12", "length": 2, "min": 3, "max": 3}),
            "12: has 2 characters, needs 3",
        ),
        (
            ["12"],
            nb.ValidationSpec(min_len=3, max_len=9),
            "too_short",
            ("numbering.length_min", {"value": "12", "length": 2, "min": 3, "max": 9}),
            "12: has 2 characters, needs at least 3",
        ),
        (
            ["490154203237519"],
            "imei",
            "check",
            ("check_digits.wrong_check", {"value": "490154203237519", "expected": "8"}),
            "490154203237519: check character should be 8",
        ),
        (
            ["X", "X"],
            "free",
            "duplicate",
            ("numbering.duplicate", {"value": "X", "first_line": 1}),
            "X: duplicate of X in this batch (line 1)",
        ),
    ],
)
def test_problems_carry_code_template_and_params(values, spec, code, detail, message):
    problem = nb.validate_batch(values, spec)[-1]
    assert problem.code == code
    # the detail: the sentence's template and its parameters
    assert (problem.detail.code, problem.detail.params) == detail
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
    assert str(error) == (
        "SN09\u2013SN100: the numbers have 2 and 3 digits; write both ends "
        "with the same zero padding (at character 7)"
    )
    assert _upper(error).endswith("ZERO PADDING> (AT CHARACTER 7)>")
    # without a position, no frame
    unframed = ranges.RangeError("ranges.over_limit", total=5, limit=2)
    assert unframed.coded_message is unframed.problem
    assert str(unframed) == "the ranges hold 5 serial numbers, more than the limit of 2"


def test_range_error_of_a_wrong_check_character():
    with pytest.raises(ranges.RangeError) as caught:
        ranges.parse_range_expression("490154203237519", check_algorithm="luhn")
    assert (caught.value.code, caught.value.params["expected"]) == ("check_digits.wrong_check", "8")
    assert str(caught.value) == ("490154203237519: check character should be 8 (at character 1)")


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


# -- recall checks ------------------------------------------------------------------------


def test_recall_criteria_problems_are_coded():
    from .. import recall

    (empty,) = recall.check_criteria({})
    assert (empty.code, empty.params) == ("recall.no_criteria", {})
    problems = recall.check_criteria(
        {
            "product_ids": [1],
            "supplier_date_from": "2025-03-01",
            "date_from": "2025-03-01",
            "date_to": "2025-02-01",
        }
    )
    assert [problem.code for problem in problems] == [
        "recall.supplier_window_needs_supplier",
        "recall.window_backwards",
    ]
    window = problems[1]
    assert window.params["window"].code == "recall.produced_window"
    assert (window.params["date_from"], window.params["date_to"]) == ("2025-03-01", "2025-02-01")
    assert str(window) == (
        "Produced/received window: the window starts after it ends "
        "(2025-03-01 > 2025-02-01); swap the dates."
    )
    # the window's name is a sentence of its own, translated with the rest
    assert _upper(window).startswith("<<PRODUCED/RECEIVED WINDOW>: THE WINDOW STARTS")


def test_recall_status_changes_say_statuses_by_their_labels():
    from .. import recall

    problem = recall.check_status_change("SN1", recall.QUARANTINED, recall.PENDING, "x")
    assert problem.code == "recall.cannot_change"
    assert problem.params == {
        "serial": "SN1",
        "old_status": "quarantined",
        "new_status": "pending",
        "allowed_statuses": ["destroyed", "released"],
    }
    assert str(problem) == (
        "SN1 cannot go from quarantined to pending; allowed: destroyed, released."
    )
    # a list of codes is said as the list of their labels
    assert _upper(problem) == (
        "<SN1 CANNOT GO FROM QUARANTINED TO PENDING; ALLOWED: DESTROYED, RELEASED.>"
    )
    final = recall.check_status_change("SN1", recall.RELEASED, recall.PENDING, "x")
    assert (final.code, str(final)) == (
        "recall.status_final",
        "SN1 cannot go from released to pending; its status is final.",
    )
    unreachable = recall.check_status_change("SN1", recall.PENDING, recall.UNREACHABLE, " ")
    assert (unreachable.code, str(unreachable)) == (
        "recall.needs_reason",
        "SN1: marking it unreachable needs a reason; give one.",
    )
    same = recall.check_status_change("SN1", recall.NOTIFIED, recall.NOTIFIED, "x")
    assert (same.code, str(same)) == (
        "recall.already",
        "SN1 is already notified; choose another status.",
    )


# -- lifecycle refusals -------------------------------------------------------------------


def test_lifecycle_refusal_is_coded():
    from .. import lifecycle

    refusal = lifecycle.Refusal("SN42", "shipped", lifecycle.QUARANTINED, "WH/OUT/00007")
    message = refusal.coded_message
    assert message.code == "lifecycle.refused_on"
    assert (
        message.params["event_type"],
        message.params["lifecycle_state"],
        message.params["document"],
    ) == ("shipped", "quarantined", "WH/OUT/00007")
    assert message.params["advice"].code == "lifecycle.advice_shipped"
    assert (
        refusal.message()
        == str(message)
        == (
            "SN42: cannot be shipped on WH/OUT/00007 because it is quarantined; pick another "
            "unit that is in stock; quarantined, scrapped, consumed or shipped units cannot leave "
            "again."
        )
    )
    # a new unit, no document, an event with no advice of its own
    new = lifecycle.Refusal("SN1", "moved", None).coded_message
    assert (new.code, new.params["lifecycle_state"].code, new.params["advice"].code) == (
        "lifecycle.refused",
        "lifecycle.new",
        "lifecycle.advice",
    )
    assert str(new) == "SN1: cannot be moved because it is new; check the unit's history."
    assert _upper(new) == (
        "<SN1: CANNOT BE MOVED BECAUSE IT IS <NEW>; <CHECK THE UNIT'S HISTORY>.>"
    )


def test_format_refusals_says_each_line_with_the_given_renderer():
    from .. import lifecycle

    refusals = [lifecycle.Refusal(f"SN{i}", "shipped", lifecycle.SCRAPPED) for i in range(3)]
    text = lifecycle.format_refusals(refusals, limit=2, say=_upper)
    assert text.splitlines()[0].startswith("<SN0: CANNOT BE SHIPPED BECAUSE IT IS SCRAPPED;")
    assert text.splitlines()[-1] == "<... AND 1 MORE.>"
    assert lifecycle.format_refusals(refusals, limit=2).endswith("... and 1 more.")


# -- Digital Link errors --------------------------------------------------------------------

_GTIN = "09521234543213"


@pytest.mark.parametrize(
    ("uri", "code", "params", "text"),
    [
        (
            "ftp://x/01/1",
            "digital_link.not_http",
            {},
            "a GS1 Digital Link URI starts with https:// or http://",
        ),
        (
            "https://bad host/01/1",
            "digital_link.uri_character",
            {"char": " ", "position": 11},
            "character ' ' at position 11 is not allowed in a URI",
        ),
        (
            "https://a/products",
            "digital_link.no_primary_key",
            {},
            "no GS1 primary key (such as /01/<GTIN>) in the URI path",
        ),
        (
            "https://a/01",
            "digital_link.key_without_value",
            {"ai": "01"},
            "AI 01 in the path must be followed by its value and by /AI/value pairs",
        ),
        (
            f"https://a/01/{_GTIN}/zz/1",
            "digital_link.unexpected_element",
            {"element": "zz", "primary": "01"},
            "unexpected path element 'zz' after AI 01",
        ),
        (
            f"https://a/01/{_GTIN}/17/250101",
            "digital_link.attribute_in_path",
            {"ai": "17", "primary": "01"},
            "AI 17 is not a key qualifier of AI 01 (data attributes go in the query string)",
        ),
        (
            "https://a/414/9521234543213/21/1",
            "digital_link.not_qualifier",
            {"ai": "21", "primary": "414"},
            "AI 21 is not a key qualifier of AI 414",
        ),
        (
            f"https://a/01/{_GTIN}/21/X?=3",
            "digital_link.parameter_without_name",
            {"parameter": "=3"},
            "query parameter '=3' has no name",
        ),
        (
            f"https://a/01/{_GTIN}?99999=1",
            "digital_link.unknown_query_ai",
            {"ai": "99999"},
            "unknown AI 99999 in the query string",
        ),
        (
            f"https://a/01/{_GTIN}?21=1",
            "digital_link.qualifier_in_query",
            {"ai": "21"},
            "AI 21 is a key qualifier: it belongs in the path",
        ),
        (
            f"https://a/01/{_GTIN}?17=",
            "digital_link.query_ai_without_value",
            {"ai": "17"},
            "AI 17 in the query string has no value",
        ),
    ],
)
def test_digital_link_errors_carry_code_and_params(uri, code, params, text):
    from .. import digital_link

    with pytest.raises(digital_link.DigitalLinkError) as caught:
        digital_link.parse_digital_link(uri)
    error = caught.value
    assert (error.code, error.params, str(error)) == (code, params, text)
    assert error.ai == params.get("ai")


def test_digital_link_value_error_names_where_it_was_read():
    from .. import digital_link

    with pytest.raises(digital_link.DigitalLinkError) as caught:
        digital_link.parse_digital_link(f"https://a/01/{_GTIN[:-1]}4/21/X")
    error = caught.value
    assert (error.code, error.ai) == ("digital_link.value_where", "01")
    assert error.params["where"].code == "digital_link.in_path"
    assert error.params["error"].code == "gs1.wrong_check"
    assert str(error) == "AI 01: check digit should be 3, got 4 (in the path)"
    # the GS1 problem, its frame and the "(in the path)" suffix are all translated
    assert _upper(error) == ("<<AI 01: <CHECK DIGIT SHOULD BE 3, GOT 4>> (<IN THE PATH>)>")
    with pytest.raises(digital_link.DigitalLinkError) as caught:
        digital_link.parse_digital_link(f"https://a/01/{_GTIN}?x=%C3")
    assert caught.value.params["what"].code == "digital_link.query_parameter"
    assert _upper(caught.value) == ("<<QUERY PARAMETER 'x'>: PERCENT-ENCODING IS NOT VALID UTF-8>")


def test_digital_link_qualifier_order_lists_the_alternatives():
    from .. import digital_link

    with pytest.raises(digital_link.DigitalLinkError) as caught:
        digital_link.parse_digital_link(f"https://a/01/{_GTIN}/21/X/10/B")
    error = caught.value
    assert error.code == "digital_link.qualifier_order"
    assert error.params["orders"].code == "digital_link.either"
    assert str(error) == (
        "key qualifiers after AI 01 must be in the order 22/10/21 or 235, got 21/10"
    )
    assert "<22/10/21 OR 235>" in _upper(error)


def test_digital_link_build_errors_are_coded():
    from .. import digital_link

    with pytest.raises(digital_link.DigitalLinkError) as caught:
        digital_link.build_digital_link([("01", _GTIN)], "ftp://x")
    assert (caught.value.code, caught.value.params) == (
        "digital_link.bad_resolver",
        {"resolver": "ftp://x", "default": digital_link.DEFAULT_RESOLVER},
    )
    with pytest.raises(digital_link.DigitalLinkError) as caught:
        digital_link.build_digital_link([("01", _GTIN), ("254", "1")])
    assert (caught.value.code, caught.value.ai, str(caught.value)) == (
        "digital_link.stray_qualifier",
        "254",
        "AI 254 is a key qualifier that cannot follow primary key AI 01",
    )
    with pytest.raises(digital_link.DigitalLinkError) as caught:
        digital_link.build_digital_link([("01", _GTIN)], extensions=[("17", "x")])
    assert caught.value.code == "digital_link.bad_extension_name"
    # a wrapped GS1 error: its code says so, its message is the GS1 one
    with pytest.raises(digital_link.DigitalLinkError) as caught:
        digital_link.build_digital_link([("01", _GTIN), ("21", "é")])
    assert (caught.value.code, caught.value.ai) == ("digital_link.gs1", "21")
    assert caught.value.coded_message is caught.value.params["error"].coded_message


# -- label symbol errors --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("symbology", "values", "code", "params", "text"),
    [
        (
            "code128",
            {"serial": ""},
            "label_symbols.code128_empty",
            {},
            "Code 128 needs a non-empty text",
        ),
        (
            "code128",
            {"serial": "Sé"},
            "label_symbols.code128_charset",
            {"chars": "é", "text": "Sé"},
            "Code 128 cannot carry 'é' of 'Sé': use printable ASCII only",
        ),
        (
            "code128",
            {"serial": "X" * 81},
            "label_symbols.code128_too_long",
            {"text": "X" * 81, "length": 81, "max": 80},
            f"{'X' * 81!r} has 81 characters; Code 128 labels take at most 80",
        ),
        ("qr_link", {"link": ""}, "label_symbols.qr_empty", {}, "a QR Code needs a non-empty URI"),
        (
            "gs1_128",
            {"elements": []},
            "label_symbols.no_gs1_data",
            {},
            "there is no GS1 data to draw",
        ),
        (
            "pdf417",
            {},
            "label_symbols.unknown_symbology",
            {"symbology": "pdf417", "known": "code128, gs1_128, qr_link, gs1_qr, gs1_datamatrix"},
            "unknown symbology 'pdf417'; use one of code128, gs1_128, qr_link, gs1_qr, "
            "gs1_datamatrix",
        ),
    ],
)
def test_label_symbol_errors_carry_code_and_params(symbology, values, code, params, text):
    from .. import label_symbols

    with pytest.raises(label_symbols.LabelSymbolError) as caught:
        label_symbols.render(symbology, **values)
    assert (caught.value.code, caught.value.params, str(caught.value)) == (code, params, text)


def test_label_symbol_too_long_for_gs1_128_names_the_data():
    from .. import label_symbols

    with pytest.raises(label_symbols.LabelSymbolError) as caught:
        label_symbols.gs1_128([("01", _GTIN), ("21", "X" * 20), ("10", "Y" * 20)])
    error = caught.value
    assert (error.code, error.params["length"], error.params["max"]) == (
        "label_symbols.gs1_128_too_long",
        61,
        48,
    )
    assert str(error).startswith(
        f"(01){_GTIN}(21){'X' * 20}(10){'Y' * 20} needs 61 "
        "characters; a GS1-128 symbol carries at most 48"
    )


# -- scans ----------------------------------------------------------------------------------


def test_malformed_scan_keeps_the_parsers_error():
    from .. import digital_link, scan_input

    scan = scan_input.classify(f"https://a/01/{_GTIN[:-1]}4/21/X")
    assert scan.kind == scan_input.MALFORMED
    assert isinstance(scan.problem, digital_link.DigitalLinkError)
    assert scan.error == str(scan.problem)
    scan = scan_input.classify("(01)123")
    assert scan.problem.code == "gs1.length" and scan.error == str(scan.problem)
    # the error object does not make two equal scans differ
    assert scan == scan_input.classify("(01)123")
