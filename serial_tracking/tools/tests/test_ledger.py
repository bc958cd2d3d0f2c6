import hashlib
import hmac
from datetime import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from serial_tracking.tools import ledger

KEY = ledger.derive_keys(b"s" * 32)[0]


def _content(lot_id, event_type, second=0, note=None, **extra):
    content = {
        "lot_id": lot_id,
        "product_id": 5,
        "company_id": 1,
        "event_type": event_type,
        "from_state": None,
        "to_state": "in_stock",
        "date": datetime(2026, 1, 2, 3, 4, second),
        "create_date": datetime(2026, 1, 2, 3, 5, second),
        "user_id": 2,
        "location_id": 4,
        "location_dest_id": 8,
        "partner_id": None,
        "document_ref": "WH/IN/00001",
        "reason_id": None,
        "note": note,
        "picking_ref": 11,
        "move_line_ref": 12,
        "picking_id": 11,
        "move_line_id": 12,
    }
    content.update(extra)
    return content


def _rows(contents, key=KEY, first_id=1):
    rows = []
    for index, (content, (prev, digest)) in enumerate(
        zip(contents, ledger.chain(contents, key), strict=True)
    ):
        rows.append(dict(content, id=first_id + index, prev_hash=prev, hash=digest))
    return rows


def _legacy_rows(contents, first_id=1):
    rows, prev = [], ledger.GENESIS
    for index, content in enumerate(contents):
        digest = ledger.legacy_hash(content, prev)
        rows.append(dict(content, id=first_id + index, prev_hash=prev, hash=digest))
        prev = digest
    return rows


def test_hash_is_stable_keyed_and_versioned():
    digest = ledger.event_hash(_content(1, "received"), "", KEY)
    assert digest == ledger.event_hash(_content(1, "received"), "", KEY)
    assert digest.startswith("v2:") and len(digest) == 67
    int(digest[3:], 16)
    assert digest != ledger.event_hash(_content(1, "received"), "", b"k" * 32)
    with pytest.raises(ValueError):
        ledger.event_hash(_content(1, "received"), "", b"")


def test_hash_is_the_hmac_of_the_canonical_text():
    content = _content(1, "received")
    expected = hmac.new(KEY, ledger.canonical_v2(content, "p").encode(), hashlib.sha256).hexdigest()
    assert ledger.event_hash(content, "p", KEY) == "v2:" + expected


@pytest.mark.parametrize("name", ledger.HASHED_FIELDS_V2)
def test_every_column_is_covered(name):
    content = _content(1, "received")
    changed = dict(
        content,
        **{
            name: content[name] + 1
            if isinstance(content[name], int)
            else datetime(2027, 1, 1)
            if name in ledger.DATE_FIELDS
            else "other"
        },
    )
    assert ledger.event_hash(content, "", KEY) != ledger.event_hash(changed, "", KEY)


def test_covered_columns_include_the_documents_company_and_record_date():
    assert {"picking_ref", "move_line_ref", "company_id", "create_date", "product_id"} <= set(
        ledger.HASHED_FIELDS_V2
    )


def test_an_empty_recorded_link_reads_the_same_as_zero_or_null():
    base = _content(1, "note", picking_ref=None, move_line_ref=None)
    zero = _content(1, "note", picking_ref=0, move_line_ref=0)
    assert ledger.event_hash(base, "", KEY) == ledger.event_hash(zero, "", KEY)


def test_links_may_be_emptied_but_not_pointed_elsewhere():
    rows = _rows([_content(1, "received"), _content(1, "allocated", 1)])
    rows[1]["move_line_id"] = None  # Odoo deleted the unreserved line
    rows[0]["picking_id"] = None
    assert ledger.find_broken(rows, KEY) == {}
    rows[1]["move_line_id"] = 13
    assert ledger.find_broken(rows, KEY) == {1: (2, "points to another document than recorded")}


def test_length_prefix_stops_values_spilling_into_the_next():
    a = _content(1, "received", note="x", document_ref="a\x1f1:b")
    b = _content(1, "received", note="x", document_ref="a")
    assert ledger.canonical_v2(a, "") != ledger.canonical_v2(b, "")


def test_hash_ignores_microseconds_but_not_seconds():
    a = _content(1, "received")
    b = dict(a, date=a["date"].replace(microsecond=999))
    c = dict(a, date=a["date"].replace(second=5))
    assert ledger.event_hash(a, "", KEY) == ledger.event_hash(b, "", KEY)
    assert ledger.event_hash(a, "", KEY) != ledger.event_hash(c, "", KEY)


def test_hmac_pads_rebuild_the_hmac_from_plain_sha256():
    inner, outer = ledger.hmac_pads(KEY)
    message = b"any message"
    rebuilt = hashlib.sha256(outer + hashlib.sha256(inner + message).digest()).hexdigest()
    assert rebuilt == hmac.new(KEY, message, hashlib.sha256).hexdigest()


def test_intact_chain_verifies():
    rows = _rows([_content(1, "received"), _content(1, "shipped", 1)])
    assert ledger.find_broken(rows, KEY) == {}


def test_chain_with_another_key_is_broken():
    rows = _rows([_content(1, "received")], key=b"x" * 32)
    assert ledger.find_broken(rows, KEY) == {1: (1, "content does not match its hash")}


def test_edited_row_breaks_the_chain():
    rows = _rows([_content(1, "received"), _content(1, "shipped", 1)])
    rows[0]["picking_ref"] = 99
    assert ledger.find_broken(rows, KEY) == {1: (1, "content does not match its hash")}


def test_deleted_row_breaks_the_chain():
    rows = _rows([_content(7, "received"), _content(7, "allocated", 1), _content(7, "shipped", 2)])
    del rows[1]
    assert ledger.find_broken(rows, KEY) == {7: (3, "does not follow the previous event")}


def test_chains_of_serials_are_independent():
    rows = _rows([_content(1, "received")]) + _rows([_content(2, "received")], first_id=2)
    assert ledger.find_broken(rows, KEY) == {}


def test_old_formula_events_verify_up_to_the_legacy_id():
    old = _legacy_rows([_content(4, "received"), _content(4, "allocated", 1)])
    new = _rows([_content(4, "shipped", 2)], first_id=3)
    new[0]["prev_hash"] = old[-1]["hash"]
    new[0]["hash"] = ledger.event_hash(new[0], old[-1]["hash"], KEY)
    assert ledger.find_broken(old + new, KEY, legacy_last_id=2) == {}


def test_unkeyed_hash_after_the_legacy_id_is_a_downgrade():
    """Whoever rewrites events with the old unkeyed formula is caught: it is accepted
    only on events recorded before the keyed one."""
    forged = _legacy_rows([_content(4, "received"), _content(4, "shipped", 1)], first_id=10)
    assert ledger.find_broken(forged, KEY, legacy_last_id=9) == {
        4: (10, "content does not match its hash")
    }


def test_legacy_hash_is_the_frozen_v1_formula():
    content = _content(1, "received")
    payload = "\x1f".join(
        ["v1", ""] + [ledger._canonical(content[name]) for name in ledger.HASHED_FIELDS]
    )
    assert ledger.legacy_hash(content, "") == hashlib.sha256(payload.encode()).hexdigest()
    # the documents were outside the old formula
    assert ledger.legacy_hash(dict(content, picking_id=1), "") == ledger.legacy_hash(content, "")


def test_derived_keys_differ():
    chain_key, anchor_key = ledger.derive_keys(b"s" * 32)
    assert chain_key != anchor_key
    with pytest.raises(ValueError):
        ledger.derive_keys(b"short")


@given(st.lists(st.text(max_size=20), min_size=1, max_size=10), st.data())
def test_any_single_note_change_is_detected(notes, data):
    rows = _rows([_content(3, "note", i % 60, note) for i, note in enumerate(notes)])
    victim = data.draw(st.integers(0, len(rows) - 1))
    rows[victim]["note"] = (rows[victim]["note"] or "") + "x"
    assert 3 in ledger.find_broken(rows, KEY)
