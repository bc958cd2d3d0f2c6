import os
import stat

import pytest
from hypothesis import given
from hypothesis import strategies as st

from serial_tracking.tools import unit_proof

SECRET = b"s" * 32
GTIN = "09521234543213"


def test_token_is_short_url_safe_and_depends_on_secret_gtin_and_serial():
    token = unit_proof.unit_token(SECRET, GTIN, "DR/0001")
    assert len(token) == unit_proof.TOKEN_LENGTH
    assert all(char.isalnum() or char in "-_" for char in token)
    assert token == unit_proof.unit_token(SECRET, GTIN, "DR/0001")
    assert token != unit_proof.unit_token(SECRET, GTIN, "DR/0002")
    assert token != unit_proof.unit_token(SECRET, "04006381333931", "DR/0001")
    assert token != unit_proof.unit_token(b"t" * 32, GTIN, "DR/0001")


def test_fields_are_not_ambiguous():
    assert unit_proof.unit_token(SECRET, "1", "23") != unit_proof.unit_token(SECRET, "12", "3")


def test_check_token_accepts_only_the_unit_token():
    token = unit_proof.unit_token(SECRET, GTIN, "DR/0001")
    assert unit_proof.check_token(SECRET, GTIN, "DR/0001", token)
    assert not unit_proof.check_token(SECRET, GTIN, "DR/0002", token)
    assert not unit_proof.check_token(SECRET, GTIN, "DR/0001", token[:-1])
    assert not unit_proof.check_token(SECRET, GTIN, "DR/0001", "")
    assert not unit_proof.check_token(SECRET, GTIN, "DR/0001", None)
    assert not unit_proof.check_token(SECRET, GTIN, "DR/0001", "é" * unit_proof.TOKEN_LENGTH)


@given(st.text(min_size=1, max_size=20), st.text(min_size=1, max_size=20))
def test_other_serials_never_share_the_token(serial, other):
    if serial != other:
        token = unit_proof.unit_token(SECRET, GTIN, serial)
        assert not unit_proof.check_token(SECRET, GTIN, other, token)


def test_weak_secret_or_missing_data_is_refused():
    with pytest.raises(ValueError):
        unit_proof.unit_token(b"short", GTIN, "X")
    with pytest.raises(ValueError):
        unit_proof.unit_token("s" * 32, GTIN, "X")
    with pytest.raises(ValueError):
        unit_proof.unit_token(SECRET, GTIN, "")


def test_secret_file_is_created_once_private_and_reused(tmp_path):
    path = tmp_path / "keys" / "db.key"
    secret = unit_proof.load_or_create_secret(str(path))
    assert len(secret) >= 32
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert unit_proof.load_or_create_secret(str(path)) == secret
    assert unit_proof.load_or_create_secret(str(tmp_path / "other.key")) != secret


def test_truncated_secret_file_is_an_error_not_replaced(tmp_path):
    path = tmp_path / "db.key"
    path.write_bytes(b"abc")
    with pytest.raises(ValueError, match="shorter than 32"):
        unit_proof.load_or_create_secret(str(path))
    assert path.read_bytes() == b"abc"


@pytest.mark.parametrize(
    ("address", "key"),
    [
        ("203.0.113.9", "203.0.113.9"),
        (" 203.0.113.9 ", "203.0.113.9"),
        ("2001:db8:1:2::1", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"),
        ("2001:0DB8:0001:0003::1", "2001:db8:1:3::/64"),
        ("::ffff:203.0.113.9", "203.0.113.9"),
        ("", unit_proof.UNKNOWN_ADDRESS),
        (None, unit_proof.UNKNOWN_ADDRESS),
        ("not an address", unit_proof.UNKNOWN_ADDRESS),
    ],
)
def test_rate_key_counts_ipv6_per_64(address, key):
    assert unit_proof.rate_key(address) == key
