"""Every label symbol is drawn as SVG, rasterised by a real renderer and read back by zxing-cpp.

The SVG goes through wkhtmltoimage (the QtWebKit engine of wkhtmltopdf, which prints the
labels) as an ``<img>`` data URI, exactly as the label embeds it; the raster is decoded by
zxing-cpp, which reports the symbology identifier (``]C1``, ``]d2``, ``]Q3``) and the raw
content with ASCII 29 where the symbol has an FNC1 separator.
"""

import base64
import shutil
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pytest
import zxingcpp
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from serial_tracking.tools import digital_link, gs1, label_symbols
from serial_tracking.tools.label_symbols import LabelSymbolError

TODAY = date(2025, 6, 15)
GTIN = "09521234543213"
GS = gs1.GS

needs_renderer = pytest.mark.skipif(
    not shutil.which("wkhtmltoimage"), reason="wkhtmltoimage (wkhtmltopdf package) missing"
)

_PX = 3  # pixels per module in the raster


def _rasterise(symbols):
    """One PNG page with ``symbols`` drawn at 3 px per module, as a label embeds them."""
    blocks = []
    for symbol in symbols:
        height = 40 * _PX if symbol.linear else symbol.height * _PX
        blocks.append(
            f'<div style="margin:40px"><img src="{symbol.data_uri}" '
            f'style="width:{symbol.width * _PX}px;height:{height}px"/></div>'
        )
    html = '<html><body style="margin:0;background:#fff">' + "".join(blocks) + "</body></html>"
    with tempfile.TemporaryDirectory() as tmp:
        page, png = Path(tmp, "page.html"), Path(tmp, "page.png")
        page.write_text(html, encoding="utf-8")
        width = max(symbol.width for symbol in symbols) * _PX + 100
        subprocess.run(
            ["wkhtmltoimage", "--quiet", "--width", str(width), str(page), str(png)],
            check=True,
            capture_output=True,
            timeout=120,
        )
        return Image.open(png).convert("L")


def _decode(symbols):
    """(identifier, raw text) of every symbol zxing-cpp finds on the page, top to bottom."""
    found = zxingcpp.read_barcodes(_rasterise(symbols), text_mode=zxingcpp.TextMode.Plain)
    found = sorted(found, key=lambda result: result.position.top_left.y)
    return [(result.symbology_identifier, result.text) for result in found]


GENSPECS = [("01", GTIN), ("17", "250101"), ("10", "ABC123"), ("21", "12345")]
SERIAL_WITH_LOT = [("21", "SN/2025-0001"), ("01", GTIN), ("10", "LOT-7")]


@needs_renderer
def test_every_symbology_decodes_to_its_exact_content_and_identifier():
    link = digital_link.build_digital_link(
        [("01", GTIN), ("21", "12345"), ("10", "ABC123"), ("17", "250101")],
        "https://labels.example.com",
        lot_in_query=True,
        today=TODAY,
    )
    symbols = [
        label_symbols.code128("SN-00042/b"),
        label_symbols.gs1_128(GENSPECS, today=TODAY),
        label_symbols.qr_link(link),
        label_symbols.gs1_qr(GENSPECS, today=TODAY),
        label_symbols.gs1_datamatrix(GENSPECS, today=TODAY),
    ]
    element_string = f"01{GTIN}17250101" + f"10ABC123{GS}2112345"
    assert _decode(symbols) == [
        ("]C0", "SN-00042/b"),
        ("]C1", element_string),
        ("]Q1", f"https://labels.example.com/01/{GTIN}/21/12345?10=ABC123&17=250101"),
        ("]Q3", element_string),
        ("]d2", element_string),
    ]
    assert [symbol.content for symbol in symbols] == [
        "SN-00042/b",
        element_string,
        link,
        element_string,
        element_string,
    ]
    assert [symbol.identifier for symbol in symbols] == ["]C0", "]C1", "]Q1", "]Q3", "]d2"]


@needs_renderer
def test_fnc1_separates_variable_fields_and_decoded_data_parses_back():
    symbols = [
        label_symbols.gs1_128(SERIAL_WITH_LOT),
        label_symbols.gs1_datamatrix(SERIAL_WITH_LOT),
        label_symbols.gs1_qr(SERIAL_WITH_LOT),
    ]
    decoded = _decode(symbols)
    # the GTIN (predefined length) comes first; FNC1 ends the serial, not the last field
    assert [text for _identifier, text in decoded] == [f"01{GTIN}21SN/2025-0001{GS}10LOT-7"] * 3
    for identifier, text in decoded:
        parsed = gs1.parse(identifier + text)
        assert dict(parsed) == dict(SERIAL_WITH_LOT)
        assert parsed.symbology == identifier


@needs_renderer
@settings(max_examples=8)
@given(
    serial=st.text(alphabet=sorted(gs1.CSET82), min_size=1, max_size=20),
    lot=st.none()
    | st.text(alphabet="ABCDEFGHJKLMNPQRSTUVWXYZ0123456789-", min_size=1, max_size=10),
    body=st.text(alphabet="0123456789", min_size=13, max_size=13),
)
def test_random_units_decode_back(serial, lot, body):
    pairs = [("01", body + gs1.gs1_check_digit(body)), ("21", serial)]
    if lot:
        pairs.append(("10", lot))
    symbols = [label_symbols.gs1_datamatrix(pairs), label_symbols.code128(serial)]
    if len(gs1.build_element_string(pairs)) <= 48:
        symbols.append(label_symbols.gs1_128(pairs))
    decoded = _decode(symbols)
    assert sorted(decoded) == sorted((s.identifier, s.content) for s in symbols)
    for identifier, text in decoded:
        if identifier != "]C0":
            assert dict(gs1.parse(identifier + text)) == dict(pairs)


def test_svg_is_well_formed_scalable_and_embedded_as_base64():
    for symbol in (
        label_symbols.code128("ABC"),
        label_symbols.gs1_datamatrix(GENSPECS, today=TODAY),
        label_symbols.qr_link("https://example.com/01/" + GTIN),
    ):
        root = ET.fromstring(symbol.svg)
        assert root.get("viewBox") == f"0 0 {symbol.width} {symbol.height}"
        assert root.get("preserveAspectRatio") == ("none" if symbol.linear else "xMidYMid meet")
        prefix = "data:image/svg+xml;base64,"
        assert symbol.data_uri.startswith(prefix)
        assert base64.b64decode(symbol.data_uri[len(prefix) :]).decode() == symbol.svg


def test_quiet_zones_are_part_of_the_symbol():
    linear = label_symbols.code128("A")
    path = ET.fromstring(linear.svg).find("{http://www.w3.org/2000/svg}path").get("d")
    assert path.startswith("M10 0h")  # 10 modules before the first bar
    matrix = label_symbols.qr_link("x")
    assert matrix.width == 21 + 8  # version 1 plus 4 modules each side


def test_human_readable_text():
    assert label_symbols.gs1_128(GENSPECS, today=TODAY).text == (
        f"(01){GTIN}(17)250101(10)ABC123(21)12345"
    )
    assert label_symbols.code128("SN-1").text == "SN-1"


@pytest.mark.parametrize(
    ("call", "message"),
    [
        # zint would only warn about this check digit and draw the symbol anyway
        (lambda: label_symbols.gs1_datamatrix([("01", "09521234543214")]), "check digit"),
        (lambda: label_symbols.gs1_qr([("17", "251301")]), "month"),
        (lambda: label_symbols.gs1_128([("21", "é")]), "21"),
        (lambda: label_symbols.gs1_128([]), "no GS1 data"),
        (
            lambda: label_symbols.gs1_128([("01", GTIN), ("21", "A" * 20), ("10", "B" * 20)]),
            "at most 48",
        ),
        (lambda: label_symbols.code128("Ünit-1"), "printable ASCII"),
        (lambda: label_symbols.code128(""), "non-empty"),
        (lambda: label_symbols.code128("A" * 81), "at most 80"),
        (lambda: label_symbols.qr_link(""), "non-empty"),
        (lambda: label_symbols.render("pdf417", serial="A"), "unknown symbology"),
    ],
)
def test_bad_data_is_refused_with_a_precise_error(call, message):
    with pytest.raises(LabelSymbolError, match=message):
        call()


def test_render_dispatches_to_each_symbology():
    elements = gs1.GS1ElementString(GENSPECS, today=TODAY)
    link = "https://example.com/01/" + GTIN
    for symbology in label_symbols.SYMBOLOGIES:
        symbol = label_symbols.render(symbology, serial="SN1", elements=elements, link=link)
        assert symbol.symbology == symbology
        assert symbol.content == {"code128": "SN1", "qr_link": link}.get(
            symbology, elements.element_string()
        )


@needs_renderer
def test_datamatrix_guideline_example_decodes_as_printed_in_the_guideline():
    pairs = gs1.parse("(01)09501101020917(17)190508(10)ABCD1234(21)10", today=TODAY)
    symbols = [label_symbols.gs1_datamatrix(pairs), label_symbols.gs1_128(pairs)]
    raw = "0109501101020917" + "17190508" + "10ABCD1234" + GS + "2110"
    assert sorted(_decode(symbols)) == [("]C1", raw), ("]d2", raw)]
