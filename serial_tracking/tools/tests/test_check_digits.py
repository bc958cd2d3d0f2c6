import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from stdnum import ean, luhn
from stdnum.iso7064 import mod_11_2, mod_37_36, mod_97_10

from serial_tracking.tools import check_digits as cd
from serial_tracking.tools.tests.cases import ALGORITHMS

ALL = list(ALGORITHMS)
WITH_CHECK = [name for name in ALL if name != "none"]
APPENDED = [name for name in WITH_CHECK if name != "vin"]


def bodies(algorithm, min_size=1, max_size=30):
    """Bodies an algorithm accepts (a VIN body has exactly 16 characters)."""
    if algorithm == "vin":
        return st.text(cd.VIN_CHARSET, min_size=16, max_size=16)
    return st.text(cd.ALGORITHMS[algorithm].charset, min_size=min_size, max_size=max_size)


# -- published examples ------------------------------------------------------


@pytest.mark.parametrize(
    ("algorithm", "full"),
    [
        ("luhn", "490154203237518"),  # IMEI example of the GSM Association
        ("luhn", "79927398713"),  # the classic Luhn example
        ("gs1_mod10", "4006381333931"),  # GTIN-13
        ("gs1_mod10", "106141411234567897"),  # SSCC of the GS1 General Specifications
        ("gs1_mod10", "96385074"),  # GTIN-8
        ("iso7064_mod11_2", "07940"),
        ("iso7064_mod11_2", "079X"),
        ("iso7064_mod37_36", "A12425GABC1234002M"),
        ("iso7064_mod97_10", "9999123456789012141490"),
        ("iso7064_mod97_10", "08686001256515001121751"),
        ("vin", "1M8GDM9AXKP042788"),
        ("vin", "11111111111111111"),
        ("vin", "1HGCM82633A004352"),
    ],
)
def test_published_numbers_are_valid(algorithm, full):
    assert cd.is_valid(algorithm, full)
    assert cd.validate(algorithm, full) == full
    body, check = cd.split_check(algorithm, full)
    assert cd.compute_check(algorithm, body) == check
    assert cd.with_check(algorithm, body) == full


@pytest.mark.parametrize(
    ("algorithm", "body", "check"),
    [
        ("luhn", "49015420323751", "8"),
        ("luhn", "7894", "9"),
        ("gs1_mod10", "400638133393", "1"),
        ("gs1_mod10", "10614141123456789", "7"),
        ("iso7064_mod11_2", "0794", "0"),
        ("iso7064_mod11_2", "079", "X"),
        ("iso7064_mod37_36", "A12425GABC1234002", "M"),
        ("iso7064_mod97_10", "99991234567890121414", "90"),
        ("iso7064_mod97_10", "4354111611551114", "31"),
        ("iso7064_mod97_10", "22181321402534321446701611", "35"),
        ("vin", "1M8GDM9AKP042788", "X"),
        ("vin", "1HGCM8263A004352", "3"),
    ],
)
def test_compute_check_matches_published_check(algorithm, body, check):
    assert cd.compute_check(algorithm, body) == check


def test_vin_check_digit_sits_at_position_nine():
    assert cd.with_check("vin", "1M8GDM9AKP042788") == "1M8GDM9AXKP042788"
    assert cd.split_check("vin", "1M8GDM9AXKP042788") == ("1M8GDM9AKP042788", "X")
    assert cd.expected_check("vin", "1M8GDM9A0KP042788") == "X"


@pytest.mark.parametrize(
    ("algorithm", "full", "expected"),
    [
        ("luhn", "490154203237517", "8"),
        ("gs1_mod10", "4006381333932", "1"),
        ("iso7064_mod11_2", "0794X", "0"),
        ("iso7064_mod97_10", "9999123456789012141491", "90"),
        ("vin", "1M8GDM9A1KP042788", "X"),
    ],
)
def test_wrong_check_is_refused_with_the_expected_one(algorithm, full, expected):
    assert not cd.is_valid(algorithm, full)
    assert cd.expected_check(algorithm, full) == expected
    with pytest.raises(cd.CheckDigitError, match=f"should be {expected}$"):
        cd.validate(algorithm, full)


# -- bad input ---------------------------------------------------------------


def test_luhn_refuses_letters_naming_the_character():
    with pytest.raises(cd.CheckDigitError, match=r"digits 0-9 only; '12A4' has 'A' at position 3"):
        cd.compute_check("luhn", "12A4")


def test_digit_algorithms_refuse_non_ascii_digits():
    # '٣' (Arabic-Indic three) passes str.isdigit but is no digit of a serial number.
    with pytest.raises(cd.CheckDigitError, match="position 2"):
        cd.compute_check("gs1_mod10", "1٣")
    assert not cd.is_valid("luhn", "1²3")


def test_mod11_2_accepts_x_only_as_check():
    with pytest.raises(cd.CheckDigitError):
        cd.compute_check("iso7064_mod11_2", "07X")


def test_mod37_36_is_case_sensitive():
    with pytest.raises(cd.CheckDigitError, match="capital letters"):
        cd.compute_check("iso7064_mod37_36", "a12425")
    assert not cd.is_valid("iso7064_mod37_36", "a12425GABC1234002M")


@pytest.mark.parametrize("letter", ["I", "O", "Q"])
def test_vin_refuses_i_o_q_at_their_position(letter):
    vin = "1M8GDM9AXKP042788"
    bad = vin[:2] + letter + vin[3:]
    assert not cd.is_valid("vin", bad)
    with pytest.raises(cd.CheckDigitError, match=f"'{letter}' at position 3"):
        cd.expected_check("vin", bad)


def test_vin_needs_seventeen_characters():
    with pytest.raises(cd.CheckDigitError, match="16 characters"):
        cd.compute_check("vin", "1M8GDM9AKP04278")
    with pytest.raises(cd.CheckDigitError, match="17 characters"):
        cd.split_check("vin", "1M8GDM9AXKP04278")
    assert not cd.is_valid("vin", "1M8GDM9AXKP04278")


@pytest.mark.parametrize("algorithm", WITH_CHECK)
def test_empty_body_is_refused(algorithm):
    with pytest.raises(cd.CheckDigitError):
        cd.compute_check(algorithm, "")


@pytest.mark.parametrize("algorithm", APPENDED)
def test_a_number_no_longer_than_its_check_is_invalid(algorithm):
    assert not cd.is_valid(algorithm, "")
    assert not cd.is_valid(algorithm, "0" * cd.check_length(algorithm))
    with pytest.raises(cd.CheckDigitError, match="too short"):
        cd.split_check(algorithm, "0" * cd.check_length(algorithm))


def test_unknown_algorithm_raises_even_in_is_valid():
    with pytest.raises(cd.CheckDigitError, match=r"unknown check algorithm 'mod10'.*luhn"):
        cd.is_valid("mod10", "123")
    with pytest.raises(cd.CheckDigitError):
        cd.compute_check(None, "123")


def test_non_text_is_refused():
    with pytest.raises(cd.CheckDigitError, match="text"):
        cd.compute_check("luhn", 4901542032375)
    assert not cd.is_valid("luhn", 490154203237518)
    assert not cd.is_valid("none", None)


def test_none_adds_nothing_and_accepts_any_text():
    assert cd.compute_check("none", "anything at all") == ""
    assert cd.with_check("none", "SN-1") == "SN-1"
    assert cd.split_check("none", "SN-1") == ("SN-1", "")
    assert cd.is_valid("none", "")
    assert cd.check_length("none") == 0


def test_algorithm_table():
    assert list(cd.ALGORITHMS) == ALL
    for name, (label, charset) in cd.ALGORITHMS.items():
        assert label
        assert (charset is None) == (name == "none")
    assert cd.ALGORITHMS["luhn"].charset == "0123456789"
    assert not set("IOQ") & set(cd.ALGORITHMS["vin"].charset)
    assert cd.check_length("iso7064_mod97_10") == 2
    assert cd.CHECK_CHARSETS["iso7064_mod11_2"] == "0123456789X"


# -- properties --------------------------------------------------------------


@pytest.mark.parametrize("algorithm", WITH_CHECK)
@given(data=st.data())
def test_computed_check_validates(algorithm, data):
    body = data.draw(bodies(algorithm))
    full = cd.with_check(algorithm, body)
    assert cd.is_valid(algorithm, full)
    assert cd.split_check(algorithm, full) == (body, cd.compute_check(algorithm, body))
    assert len(full) == len(body) + cd.check_length(algorithm)
    assert set(cd.compute_check(algorithm, body)) <= set(cd.CHECK_CHARSETS[algorithm])


@given(st.text("0123456789", min_size=1, max_size=40))
def test_fast_luhn_and_gs1_agree_with_stdnum(body):
    assert cd.compute_check("luhn", body) == luhn.calc_check_digit(body)
    assert cd.compute_check("gs1_mod10", body) == ean.calc_check_digit(body)
    assert cd.compute_check("iso7064_mod11_2", body) == mod_11_2.calc_check_digit(body)


@given(st.text(cd.ALNUM_UPPER, min_size=1, max_size=40))
def test_iso7064_alphanumeric_agree_with_stdnum(body):
    assert cd.compute_check("iso7064_mod97_10", body) == mod_97_10.calc_check_digits(body)
    assert cd.compute_check("iso7064_mod37_36", body) == mod_37_36.calc_check_digit(body)


@pytest.mark.parametrize("algorithm", APPENDED)
@given(data=st.data())
def test_one_changed_character_is_detected(algorithm, data):
    # MOD 97-10 reads a letter as two digits, which defeats the guarantee: digits only.
    charset = "0123456789" if algorithm == "iso7064_mod97_10" else cd.ALGORITHMS[algorithm].charset
    full = cd.with_check(algorithm, data.draw(st.text(charset, min_size=1, max_size=30)))
    index = data.draw(st.integers(0, len(full) - 1))
    # Any character the position could legally hold, other than the current one.
    in_check = index >= len(full) - cd.check_length(algorithm)
    allowed = cd.CHECK_CHARSETS[algorithm] if in_check else charset
    replacement = data.draw(st.sampled_from(sorted(set(allowed) - {full[index]})))
    changed = full[:index] + replacement + full[index + 1 :]
    assert not cd.is_valid(algorithm, changed)


@pytest.mark.parametrize("algorithm", ["iso7064_mod11_2", "iso7064_mod97_10"])
@given(data=st.data())
def test_swapped_neighbour_digits_are_detected(algorithm, data):
    body = data.draw(st.text("0123456789", min_size=2, max_size=30))
    full = cd.with_check(algorithm, body)
    index = data.draw(st.integers(0, len(body) - 2))
    assume(body[index] != body[index + 1])
    swapped = full[:index] + full[index + 1] + full[index] + full[index + 2 :]
    assert not cd.is_valid(algorithm, swapped)


@given(data=st.data())
def test_vin_check_digit_change_is_detected(data):
    vin = cd.with_check("vin", data.draw(bodies("vin")))
    other = data.draw(st.sampled_from(sorted(set("0123456789X") - {vin[8]})))
    assert not cd.is_valid("vin", vin[:8] + other + vin[9:])
