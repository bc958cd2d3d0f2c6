from datetime import datetime

from hypothesis import given
from hypothesis import strategies as st

from serial_tracking.tools import ledger


def _content(lot_id, event_type, second=0, note=None):
    return {
        "lot_id": lot_id,
        "event_type": event_type,
        "from_state": None,
        "to_state": "in_stock",
        "date": datetime(2026, 1, 2, 3, 4, second),
        "user_id": 2,
        "location_id": 4,
        "location_dest_id": 8,
        "partner_id": None,
        "document_ref": "WH/IN/00001",
        "reason_id": None,
        "note": note,
    }


def _rows(contents):
    rows = []
    for index, (content, (prev, digest)) in enumerate(
        zip(contents, ledger.chain(contents), strict=True)
    ):
        rows.append(dict(content, id=index + 1, prev_hash=prev, hash=digest))
    return rows


def test_hash_is_stable_and_hex():
    digest = ledger.event_hash(_content(1, "received"), "")
    assert digest == ledger.event_hash(_content(1, "received"), "")
    assert len(digest) == 64
    int(digest, 16)


def test_hash_ignores_microseconds_but_not_seconds():
    a = _content(1, "received")
    b = dict(a, date=a["date"].replace(microsecond=999))
    c = dict(a, date=a["date"].replace(second=5))
    assert ledger.event_hash(a, "") == ledger.event_hash(b, "")
    assert ledger.event_hash(a, "") != ledger.event_hash(c, "")


def test_intact_chain_verifies():
    rows = _rows([_content(1, "received"), _content(1, "shipped", 1)])
    assert ledger.find_broken(rows) == {}


def test_edited_row_breaks_the_chain():
    rows = _rows([_content(1, "received"), _content(1, "shipped", 1)])
    rows[0]["document_ref"] = "FORGED"
    assert ledger.find_broken(rows) == {1: (1, "content does not match its hash")}


def test_deleted_row_breaks_the_chain():
    rows = _rows([_content(7, "received"), _content(7, "allocated", 1),
                  _content(7, "shipped", 2)])
    del rows[1]
    assert ledger.find_broken(rows) == {7: (3, "does not follow the previous event")}


def test_chains_of_serials_are_independent():
    rows = _rows([_content(1, "received")]) + _rows([_content(2, "received")])
    rows[1]["id"] = 2
    assert ledger.find_broken(rows) == {}


@given(st.lists(st.text(max_size=20), min_size=1, max_size=10), st.data())
def test_any_single_note_change_is_detected(notes, data):
    rows = _rows([_content(3, "note", i % 60, note) for i, note in enumerate(notes)])
    victim = data.draw(st.integers(0, len(rows) - 1))
    rows[victim]["note"] = (rows[victim]["note"] or "") + "x"
    assert 3 in ledger.find_broken(rows)
