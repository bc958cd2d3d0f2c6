"""More worked examples of the GS1 General Specifications and the GS1 DataMatrix Guideline,
checked digit by digit by hand where a check digit is involved."""

from datetime import date
from decimal import Decimal

import pytest

from serial_tracking.tools import digital_link, gs1
from serial_tracking.tools.gs1 import GS, GS1Error

TODAY = date(2025, 6, 15)
# GS1 DataMatrix Guideline: GTIN, expiry, batch and serial of a healthcare item
DM_HRI = "(01)09501101020917(17)190508(10)ABCD1234(21)10"
DM_RAW = "0109501101020917" + "17190508" + "10ABCD1234" + GS + "2110"


def test_datamatrix_guideline_example_in_every_form():
    expected = {"01": "09501101020917", "17": "190508", "10": "ABCD1234", "21": "10"}
    for data in (
        DM_HRI,
        "]d2" + DM_RAW,
        "]d2" + DM_RAW.replace(GS, "<GS>"),
        DM_RAW.replace(GS, "\u2194") + "\r\n",
    ):
        result = gs1.parse(data, today=TODAY)
        assert dict(result) == expected
        assert result.expiry == date(2019, 5, 8)
    assert gs1.build_element_string(expected, today=TODAY) == DM_RAW
    assert gs1.to_human_readable(expected, today=TODAY) == DM_HRI


def test_net_weight_with_implied_decimals():
    # (01)95012345678903(3103)000123: 0.123 kg; both fields have a predefined length
    result = gs1.parse("01950123456789033103000123", today=TODAY)
    assert result.gtin == "95012345678903"
    assert result.get_decimal("3103") == Decimal("0.123")
    assert gs1.build_element_string(dict(result)) == "01950123456789033103000123"


def test_gln_check_digit_of_the_location_example():
    # 5412345000013: weights 3,1 from the right over 541234500001 give 47 -> 3
    assert gs1.gs1_check_digit("541234500001") == "3"
    assert gs1.parse("(414)5412345000013", today=TODAY).location_gln == "5412345000013"
    with pytest.raises(GS1Error, match="414"):
        gs1.parse("(414)5412345000014", today=TODAY)


def test_day_00_means_the_last_day_of_the_month():
    assert gs1.parse("(17)250200", today=TODAY).expiry == date(2025, 2, 28)
    assert gs1.parse("(17)240200", today=TODAY).expiry == date(2024, 2, 29)
    with pytest.raises(GS1Error, match="7003"):
        gs1.parse("(7003)2502001200", today=TODAY)  # no day 00 for the date-time AI


def test_fnc1_follows_a_variable_field_but_never_a_predefined_one():
    pairs = [("21", "10"), ("10", "ABCD1234"), ("17", "190508"), ("01", "09501101020917")]
    # given order kept: FNC1 after 21 and 10, none after the predefined 17
    assert gs1.build_element_string(pairs, reorder=False, today=TODAY) == (
        "2110" + GS + "10ABCD1234" + GS + "17190508" + "0109501101020917"
    )


def test_digital_link_of_the_guideline_example_round_trips():
    uri = digital_link.build_digital_link(
        gs1.parse(DM_HRI, today=TODAY), "https://id.gs1.org", today=TODAY
    )
    assert uri == "https://id.gs1.org/01/09501101020917/10/ABCD1234/21/10?17=190508"
    assert dict(digital_link.parse_digital_link(uri, today=TODAY).elements) == dict(
        gs1.parse(DM_HRI, today=TODAY)
    )
