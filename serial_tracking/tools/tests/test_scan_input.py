from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from serial_tracking.tools import scan_input
from serial_tracking.tools.gs1 import GS

TODAY = date(2025, 6, 15)
GTIN = "09521234543213"
EAN13 = "9521234543213"


def classify(raw):
    return scan_input.classify(raw, today=TODAY)


@pytest.mark.parametrize(
    "raw",
    [
        "]d2" + f"01{GTIN}17270131" + "10B-42" + GS + "21SN0001",
        "]C1" + f"01{GTIN}17270131" + "10B-42" + GS + "21SN0001\r\n",
        f"01{GTIN}17270131" + "10B-42<GS>21SN0001",
        f"(01){GTIN}(17)270131(10)B-42(21)SN0001",
        f"  (01) {GTIN} (17) 270131 (10) B-42 (21) SN0001\t",
        f"01{GTIN}1727013110B-42{{GS}}21SN0001",
        f"https://id.gs1.org/01/{GTIN}/10/B-42/21/SN0001?17=270131",
        f"]Q3https://example.com/01/{GTIN}/10/B-42/21/SN0001?exp=270131",
        f"]Q1HTTPS://example.com/shop/01/{GTIN}/10/B-42/21/SN0001?17=270131",
    ],
)
def test_gs1_forms_give_gtin_serial_batch_expiry(raw):
    result = classify(raw)
    assert result.kind == scan_input.GS1, result.error
    assert (result.gtin, result.serial, result.batch) == (GTIN, "SN0001", "B-42")
    assert result.expiry == date(2027, 1, 31)
    assert result.via == ("Digital Link" if "://" in raw else "element string")


def test_unbracketed_gs1_without_identifier_or_separator():
    result = classify(f"01{GTIN}21SN77")
    assert result.kind == scan_input.GS1
    assert (result.gtin, result.serial, result.batch, result.expiry) == (GTIN, "SN77", None, None)


def test_day_zero_expiry_is_the_last_day_of_the_month():
    assert classify(f"(01){GTIN}(17)270200(21)X1").expiry == date(2027, 2, 28)


@pytest.mark.parametrize(
    ("raw", "names"),
    [
        ("]d2" + "0109521234543214" + "21SN1", ["AI 01", "check digit"]),
        (f"(01){GTIN}(17)271340(21)SN1", ["AI 17"]),
        (f"(01){GTIN}(99", ["AI 01", "14 digits"]),
        ("]C1" + "21", ["AI 21"]),
        (f"01{GTIN}<GS>21" + "X" * 21, ["AI 21", "20"]),
        ("https://id.gs1.org/01/123/21/X", ["AI 01"]),
        ("https://example.com/products/42", ["primary key"]),
    ],
)
def test_malformed_gs1_says_where_and_what(raw, names):
    result = classify(raw)
    assert result.kind == scan_input.MALFORMED
    assert result.serial is None and result.gtin is None
    for name in names:
        assert name in result.error


@pytest.mark.parametrize("raw", ["SN-0001", "490154203237518", "ABC 12", "0112345", "]C0LOT7"])
def test_plain_text_is_left_to_the_caller(raw):
    result = classify(raw + "\n")
    assert result.kind == scan_input.TEXT
    assert result.gtin is None and result.error is None
    assert result.text == raw.removeprefix("]C0")


def test_digits_that_only_look_like_gs1_stay_text():
    # "01" + a valid GTIN + "99" (an AI with no value) cannot be GS1 data: a serial number.
    raw = f"01{GTIN}99"
    assert classify(raw).kind == scan_input.TEXT


def test_ean_symbology_is_a_product_barcode():
    result = classify("]E0" + EAN13)
    assert result.kind == scan_input.PRODUCT
    assert result.gtin == GTIN
    assert result.product_codes[:2] == (GTIN, EAN13)
    assert classify("]E0" + "9521234543214").kind == scan_input.MALFORMED


def test_gtin_like_text_offers_the_product_barcode_forms():
    result = classify(EAN13)
    assert result.kind == scan_input.TEXT and result.gtin_like
    assert result.product_codes == (GTIN, EAN13)
    ean8 = classify("96385074")
    assert ean8.gtin_like and "96385074" in ean8.product_codes
    assert not classify("9521234543214").gtin_like  # wrong check digit
    assert classify("SN-1").product_codes == ()


def test_upc_a_gtin_has_its_twelve_and_thirteen_digit_forms():
    assert scan_input.gtin_forms("00036000291452") == (
        "00036000291452",
        "0036000291452",
        "036000291452",
    )


@pytest.mark.parametrize("raw", ["", "   ", "\r\n", "\t", "]C0 "])
def test_empty(raw):
    assert classify(raw).kind == scan_input.EMPTY


def test_not_text_is_a_type_error():
    with pytest.raises(TypeError):
        scan_input.classify(b"123")


def test_as_dict_is_json_able():
    import json

    data = classify(f"(01){GTIN}(17)270131(21)A1").as_dict()
    assert json.loads(json.dumps(data))["expiry"] == "2027-01-31"


def _assert_classified(result):
    """A classification names one of the known kinds, with an error exactly when malformed."""
    assert result.kind in {
        scan_input.EMPTY,
        scan_input.GS1,
        scan_input.MALFORMED,
        scan_input.PRODUCT,
        scan_input.TEXT,
    }
    assert (result.kind == scan_input.MALFORMED) == bool(result.error)


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=60))
def test_fuzz_any_text_is_classified_without_crashing(raw):
    result = classify(raw)
    _assert_classified(result)
    if result.kind == scan_input.TEXT:
        assert result.text and result.text == result.text.strip(" \t\r\n")


@given(st.from_regex(r"[A-Z0-9\-]{1,20}", fullmatch=True))
def test_fuzz_gs1_serial_round_trip(serial):
    result = classify(f"(01){GTIN}(21){serial}")
    assert result.kind == scan_input.GS1
    assert result.serial == serial


@given(st.text(max_size=80))
def test_fuzz_any_code_point_is_classified(raw):
    """Whatever a keyboard wedge or a JSON payload delivers, lone surrogates and control
    characters included, classification answers and never raises."""
    result = classify(raw)
    _assert_classified(result)
    result.as_dict()


# --- the parameters of a scanner call ---------------------------------------------------------


def test_params_are_normalised_and_unknown_names_left_out():
    params = scan_input.clean_params(
        {
            "picking_id": 7,
            "location_id": None,
            "product_id": False,
            "scanned": [3, 4],
            "note": "dented",
            "reason_id": 2,
            "surprise": object(),
        }
    )
    assert params == {
        "picking_id": 7,
        "location_id": False,
        "product_id": False,
        "scanned": [3, 4],
        "note": "dented",
        "reason_id": 2,
    }
    assert scan_input.clean_params(None) == {}
    assert scan_input.clean_params({"scanned": None}) == {"scanned": []}


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"picking_id": "12"}, "picking_id"),
        ({"picking_id": {"id": 12}}, "picking_id"),
        ({"picking_id": True}, "picking_id"),
        ({"picking_id": 1.0}, "picking_id"),
        ({"picking_id": 0}, "picking_id"),
        ({"picking_id": -3}, "picking_id"),
        ({"location_id": 2**31}, "location_id"),
        ({"scanned": "1,2"}, "scanned"),
        ({"scanned": 5}, "scanned"),
        ({"scanned": [None]}, "scanned"),
        ({"scanned": [1, True]}, "scanned"),
        ({"scanned": {"1": 1}}, "scanned"),
        ({"note": ["x"]}, "note"),
        ("picking_id=3", "params"),
        ([("picking_id", 3)], "params"),
    ],
)
def test_wrong_types_name_the_parameter(params, name):
    with pytest.raises(scan_input.ParameterError) as raised:
        scan_input.clean_params(params)
    assert raised.value.name == name


def test_undo_data_is_checked():
    entry = {"serial": "SN1", "undo": {"line_id": 4, "created": True, "previous_lot_id": False}}
    assert scan_input.clean_undo(entry) == {"line_id": 4, "created": True, "previous_lot_id": False}
    assert scan_input.clean_undo({"serial": "SN1"}) == {}
    for entry, name in (
        ("last", "entry"),
        (None, "entry"),
        ({"undo": "all"}, "undo"),
        ({"undo": {"line_id": "4"}}, "line_id"),
        ({"undo": {"created": 1}}, "created"),
        ({"undo": {"action": 7}}, "action"),
    ):
        with pytest.raises(scan_input.ParameterError) as raised:
            scan_input.clean_undo(entry)
        assert raised.value.name == name


def test_a_long_value_is_shortened_in_the_error():
    with pytest.raises(scan_input.ParameterError) as raised:
        scan_input.clean_params({"picking_id": "x" * 1000})
    assert len(raised.value.value) <= 40


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
        lambda children: st.lists(children) | st.dictionaries(st.text(), children),
        max_leaves=10,
    )
)
def test_any_json_gives_params_or_a_parameter_error(value):
    for payload in (value, {"picking_id": value}, {"scanned": value}):
        try:
            params = scan_input.clean_params(payload)
        except scan_input.ParameterError:
            continue
        for key in ("picking_id", "location_id", "product_id", "reason_id"):
            assert params.get(key, False) is False or type(params[key]) is int
        assert all(type(item) is int for item in params.get("scanned", []))
