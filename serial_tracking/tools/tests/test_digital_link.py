import contextlib
from datetime import date

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from serial_tracking.tools import digital_link as dl
from serial_tracking.tools import gs1
from serial_tracking.tools.digital_link import DigitalLinkError
from serial_tracking.tools.gs1 import GS1Error
from serial_tracking.tools.tests.test_gs1 import CSET82, GTIN, SSCC, TODAY, ai_values

PAIRS = [("01", GTIN), ("17", "250101"), ("10", "ABC123"), ("21", "12345")]
CANONICAL = "https://id.gs1.org/01/09521234543213/10/ABC123/21/12345?17=250101"


def parse(uri):
    return dl.parse_digital_link(uri, today=TODAY)


def build(pairs, *args, **kwargs):
    return dl.build_digital_link(pairs, *args, today=TODAY, **kwargs)


# ---------------------------------------------------------------------------------------------
# Building
# ---------------------------------------------------------------------------------------------


def test_build_puts_key_qualifiers_in_the_standard_order():
    assert build(PAIRS) == CANONICAL
    assert build([("21", "12345"), ("22", "V1"), ("01", GTIN), ("10", "L")]) == (
        "https://id.gs1.org/01/09521234543213/22/V1/10/L/21/12345"
    )


def test_build_with_lot_in_query():
    uri = build(
        [("01", GTIN), ("21", "12345"), ("10", "ABC123"), ("17", "250101")], lot_in_query=True
    )
    assert uri == "https://id.gs1.org/01/09521234543213/21/12345?10=ABC123&17=250101"


@pytest.mark.parametrize(
    ("resolver", "base"),
    [
        ("https://id.gs1.org", "https://id.gs1.org"),
        ("example.com", "https://example.com"),
        ("HTTP://Example.com:8069/products/", "http://Example.com:8069/products"),
        ("https://[::1]:8443", "https://[::1]:8443"),
    ],
)
def test_build_with_resolver(resolver, base):
    assert build({"01": GTIN}, resolver) == base + "/01/09521234543213"


@pytest.mark.parametrize(
    "resolver", ["ftp://example.com", "https://", "https://ex ample.com", "https://x.org/?a=1"]
)
def test_build_refuses_bad_resolver(resolver):
    with pytest.raises(DigitalLinkError, match="is not a resolver address"):
        build({"01": GTIN}, resolver)


def test_build_percent_encodes_cset82():
    serial = "!\"%&'()*+,-./:;<=>?_"
    uri = build({"01": GTIN, "21": serial, "400": "a/b"})
    assert uri == (
        "https://id.gs1.org/01/09521234543213"
        "/21/%21%22%25%26%27%28%29%2A%2B%2C-.%2F%3A%3B%3C%3D%3E%3F_?400=a%2Fb"
    )
    assert parse(uri).elements.serial == serial


def test_build_other_primary_keys():
    assert build({"00": SSCC, "02": GTIN, "37": "10"}) == (
        "https://id.gs1.org/00/106141411234567897?02=09521234543213&37=10"
    )
    assert build({"414": "9521234543213", "254": "A1"}) == (
        "https://id.gs1.org/414/9521234543213/254/A1"
    )
    assert build({"01": GTIN, "235": "TPX1", "10": "L1"}) == (
        "https://id.gs1.org/01/09521234543213/235/TPX1?10=L1"
    )


def test_build_extensions():
    uri = build({"01": GTIN}, extensions=[("linkType", "gs1:pip"), ("context", "a b")])
    assert uri == "https://id.gs1.org/01/09521234543213?linkType=gs1%3Apip&context=a%20b"
    link = parse(uri)
    assert link.extensions == (("linkType", "gs1:pip"), ("context", "a b"))
    assert link.uri == uri


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"pairs": {"17": "250101"}}, DigitalLinkError, "a Digital Link needs a primary key"),
        ({"pairs": {"01": "09521234543214"}}, DigitalLinkError, "check digit should be 3"),
        ({"pairs": {"00": SSCC, "21": "1"}}, DigitalLinkError, "AI 21 is a key qualifier"),
        (
            {"pairs": {"01": GTIN}, "extensions": [("17", "x")]},
            DigitalLinkError,
            "cannot name an extension",
        ),
        (
            {"pairs": {"01": GTIN}, "extensions": [("exp", "x")]},
            DigitalLinkError,
            "cannot name an extension",
        ),
        ({"pairs": {"01": GTIN}, "primary": "00"}, DigitalLinkError, "not a primary key"),
        ({"pairs": {"01": GTIN}, "extensions": [("a", 1)]}, TypeError, "extension"),
    ],
)
def test_build_errors(kwargs, error, message):
    with pytest.raises(error, match=message):
        build(**kwargs)


def test_build_chosen_primary_key():
    assert build({"01": GTIN, "00": SSCC}, primary="00") == (
        "https://id.gs1.org/00/106141411234567897?01=09521234543213"
    )


# ---------------------------------------------------------------------------------------------
# Parsing
# ---------------------------------------------------------------------------------------------


def test_parse_canonical():
    link = parse(CANONICAL)
    assert link.base == "https://id.gs1.org"
    assert link.primary_key == "01"
    assert link.qualifiers == ("10", "21")
    assert link.elements == dict(PAIRS)
    assert link.elements.expiry == date(2025, 1, 1)
    assert link.extensions == ()
    assert link.uri == CANONICAL


def test_parse_the_lot_as_query_parameter():
    link = parse("https://id.gs1.org/01/09521234543213/21/12345?10=ABC123&17=250101")
    assert link.elements == dict(PAIRS)
    assert link.qualifiers == ("21",)
    assert link.uri == "https://id.gs1.org/01/09521234543213/21/12345?10=ABC123&17=250101"


@pytest.mark.parametrize(
    "uri",
    [
        "https://id.gs1.org/gtin/09521234543213/lot/ABC123/ser/12345?exp=250101",
        "https://id.gs1.org/01/9521234543213/10/ABC123/21/12345?17=250101",
        "http://id.gs1.org/01/09521234543213/10/ABC123/21/12345/?17=250101#top",
        "HTTPS://id.gs1.org/01/09521234543213/10/ABC123/21/12345?17=250101",
        "https://id.gs1.org/01/09521234543213/21/12345?lot=ABC123;17=250101",
        "https://id.gs1.org/01/09521234543213/10/ABC%31%32%33/21/12345?%31%37=250101",
        " https://id.gs1.org/01/09521234543213/10/ABC123/21/12345?17=250101&&\r\n",
        "https://id.gs1.org/01/09521234543213/10/ABC123/21/12345?17=250101&10=ABC123",
    ],
)
def test_parse_accepted_variants(uri):
    assert parse(uri).elements == dict(PAIRS)


@pytest.mark.parametrize(
    ("value", "gtin"),
    [
        ("95012346", "00000095012346"),  # GTIN-8
        ("950123456782", "00950123456782"),  # GTIN-12
        ("9506000134352", "09506000134352"),  # GTIN-13
        ("09506000134352", "09506000134352"),
    ],
)
def test_parse_pads_short_gtins(value, gtin):
    assert parse(f"https://id.gs1.org/01/{value}").elements.gtin == gtin
    assert parse(f"https://id.gs1.org/gtin/{value}").elements.gtin == gtin


def test_parse_keeps_the_path_prefix():
    link = parse("https://example.com/a/01/x/01/09521234543213/21/01")
    assert link.base == "https://example.com/a/01/x"
    assert link.elements == {"01": GTIN, "21": "01"}


def test_parse_other_primary_keys():
    assert parse("https://id.gs1.org/sscc/106141411234567897").elements.sscc == SSCC
    link = parse("https://id.gs1.org/414/9521234543213/254/A1?7003=2501011230")
    assert link.elements == {"414": "9521234543213", "254": "A1", "7003": "2501011230"}
    glnx = parse("https://id.gs1.org/gln/9521234543213/glnx/A1")
    assert glnx.elements == {"414": "9521234543213", "254": "A1"}
    assert glnx.qualifiers == ("254",)


@pytest.mark.parametrize(
    ("uri", "message"),
    [
        ("ftp://id.gs1.org/01/09521234543213", "starts with https:// or http://"),
        ("id.gs1.org/01/09521234543213", "starts with https:// or http://"),
        ("https://id.gs1.org/01/0952 1234543213", "character ' ' at position 26 is not allowed"),
        ("https://id.gs1.org/01/09521234543213/21/é", "character 'é' at position 40"),
        ("https://user@host/01/09521234543213", "'user@host' is not a host name"),
        ("https://id.gs1.org/", "no GS1 primary key"),
        ("https://id.gs1.org/products/123", "no GS1 primary key"),
        ("https://id.gs1.org/01", "AI 01 in the path must be followed by its value"),
        ("https://id.gs1.org/01/09521234543213/21", "AI 01 in the path must be followed"),
        (
            "https://id.gs1.org/01/09521234543214",
            r"^AI 01: check digit should be 3, got 4 \(in the path\)$",
        ),
        ("https://id.gs1.org/01/12345", r"AI 01: expected 14 digits, got 5 \(in the path\)"),
        (
            "https://id.gs1.org/01/09521234543213/21/12345/10/ABC",
            "key qualifiers after AI 01 must be in the order 22/10/21 or 235, got 21/10",
        ),
        (
            "https://id.gs1.org/01/09521234543213/21/1/21/2",
            "must be in the order 22/10/21 or 235, got 21/21",
        ),
        (
            "https://id.gs1.org/01/09521234543213/17/250101",
            r"AI 17 is not a key qualifier of AI 01 \(data attributes go in the query string\)",
        ),
        (
            "https://id.gs1.org/00/106141411234567897/21/1",
            "AI 21 is not a key qualifier of AI 00",
        ),
        ("https://id.gs1.org/01/09521234543213/foo/1", "unexpected path element 'foo'"),
        ("https://id.gs1.org/01/09521234543213?21=1", "AI 21 is a key qualifier"),
        ("https://id.gs1.org/01/09521234543213?999=1", "unknown AI 999 in the query string"),
        ("https://id.gs1.org/01/09521234543213?17", "AI 17 in the query string has no value"),
        ("https://id.gs1.org/01/09521234543213?17=", "AI 17 in the query string has no value"),
        ("https://id.gs1.org/01/09521234543213?=1", "has no name"),
        (
            "https://id.gs1.org/01/09521234543213?17=251301",
            r"AI 17: 251301 is not a valid date \(month 13\) \(in the query string\)",
        ),
        ("https://id.gs1.org/01/09521234543213/21/A%2", "malformed percent-encoding '%2'"),
        ("https://id.gs1.org/01/09521234543213/21/A%ZZ", "malformed percent-encoding '%ZZ'"),
        ("https://id.gs1.org/01/09521234543213/21/A%FF", "percent-encoding is not valid UTF-8"),
        ("https://id.gs1.org/01/09521234543213/21/A%20B", "' ' at offset 1 is not in GS1"),
        (
            "https://id.gs1.org/01/09521234543213/10/A?10=B",
            r"AI 10: given twice with different values \('A', then 'B'\)",
        ),
        ("https://id.gs1.org/01/09521234543213?02=09521234543213", "cannot be used together"),
    ],
)
def test_parse_errors(uri, message):
    with pytest.raises(DigitalLinkError, match=message) as caught:
        parse(uri)
    assert isinstance(caught.value, ValueError)


def test_parse_refuses_non_text():
    with pytest.raises(TypeError):
        dl.parse_digital_link(b"https://id.gs1.org/01/09521234543213")


# ---------------------------------------------------------------------------------------------
# One entry point for scanners
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "symbology"),
    [
        (CANONICAL, None),
        ("]Q1" + CANONICAL + "\r\n", "]Q1"),
        ("]d2" + gs1.build_element_string(PAIRS), "]d2"),
        ("(01)09521234543213(17)250101(10)ABC123(21)12345", None),
    ],
)
def test_parse_scan(data, symbology):
    result = dl.parse_scan(data, today=TODAY)
    assert result == dict(PAIRS)
    assert result.symbology == symbology


def test_parse_scan_errors_keep_their_kind():
    with pytest.raises(DigitalLinkError):
        dl.parse_scan("https://id.gs1.org/01/1", today=TODAY)
    with pytest.raises(GS1Error):
        dl.parse_scan("011", today=TODAY)
    assert dl.is_digital_link("]Q1HTTPS://x")
    assert not dl.is_digital_link(CANONICAL[8:])


# ---------------------------------------------------------------------------------------------
# Properties: round trip and fuzzing
# ---------------------------------------------------------------------------------------------

_SUPPORTED_KEYS = sorted(ai for ai in dl.PRIMARY_KEYS if ai in gs1.AI_TABLE)
_QUALIFIERS = {ai for sequences in dl.PRIMARY_KEYS.values() for s in sequences for ai in s}
_ATTRIBUTES = sorted(set(gs1.AI_TABLE) - _QUALIFIERS - set(dl.PRIMARY_KEYS))


@st.composite
def link_pairs(draw):
    """A primary key, some of its qualifiers (one alternative, in order) and attributes."""
    key = draw(st.sampled_from(_SUPPORTED_KEYS))
    sequences = dl.PRIMARY_KEYS[key]
    qualifiers = draw(st.sampled_from(sequences)) if sequences else ()
    chosen = [key, *(ai for ai in qualifiers if draw(st.booleans()))]
    for ai in draw(st.lists(st.sampled_from(_ATTRIBUTES), max_size=5, unique=True)):
        if not any(gs1.are_exclusive(ai, other) for other in chosen):
            chosen.append(ai)
    return [(ai, draw(ai_values(ai))) for ai in chosen]


@given(
    link_pairs(),
    st.sampled_from(["https://id.gs1.org", "http://example.com:8080/shop/p"]),
    st.booleans(),
    st.lists(
        st.tuples(
            st.text(CSET82, min_size=1).filter(lambda n: not n.isdigit()),
            st.text(st.characters(exclude_categories=["Cs"])),
        ),
        max_size=2,
    ),
)
@example([("01", GTIN), ("10", "A/B?C"), ("21", "%")], "https://id.gs1.org", False, [])
def test_round_trip_build_parse(pairs, resolver, lot_in_query, extensions):
    assume(all(name not in dl.QUERY_SHORT_NAMES for name, _value in extensions))
    uri = build(pairs, resolver, lot_in_query=lot_in_query, extensions=extensions)
    link = parse(uri)
    assert link.elements == dict(pairs)
    assert link.primary_key == pairs[0][0]
    assert link.base == resolver
    assert link.extensions == tuple(extensions)
    assert link.uri == uri


@given(st.text())
def test_fuzz_random_text(data):
    for uri in (data, "https://id.gs1.org/" + data, "https://id.gs1.org/01/" + data):
        with contextlib.suppress(DigitalLinkError):
            dl.parse_digital_link(uri, today=TODAY)
    with contextlib.suppress(DigitalLinkError, GS1Error):
        dl.parse_scan(data, today=TODAY)


_URI_TOKENS = st.sampled_from(
    [
        "/",
        "?",
        "&",
        ";",
        "=",
        "#",
        "%",
        "%2F",
        "%FF",
        "%4",
        "01",
        "gtin",
        "10",
        "21",
        "17",
        "00",
        "414",
        "254",
        "exp",
        "lot",
        GTIN,
        "9521234543213",
        "250101",
        "ABC",
        "é",
        " ",
        "http:",
    ]
)


@given(st.lists(_URI_TOKENS, max_size=20).map("".join))
def test_fuzz_uri_like_text(path):
    try:
        link = dl.parse_digital_link("https://id.gs1.org/" + path, today=TODAY)
    except DigitalLinkError:
        return
    # What parses must build again into a URI that reads the same.
    assert parse(link.uri).elements == link.elements
