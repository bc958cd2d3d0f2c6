import json
import os

from serial_tracking.tools import ledger_anchor

KEY = b"a" * 32
HEADS = ((2, 20, "v2:bb"), (1, 10, "v2:aa"))


def _document(heads=HEADS, key=KEY):
    return ledger_anchor.build(key, "db", "2026-12-03 15:01:02.000001", heads, legacy_last_id=7)


def test_build_sorts_and_signs():
    document = _document()
    assert document["heads"] == [[1, 10, "v2:aa"], [2, 20, "v2:bb"]]
    assert ledger_anchor.check_signature(KEY, document)
    assert not ledger_anchor.check_signature(b"b" * 32, document)


def test_digest_does_not_depend_on_order():
    assert ledger_anchor.heads_digest(HEADS) == ledger_anchor.heads_digest(list(HEADS)[::-1])


def test_edited_anchor_fails_its_signature():
    document = _document()
    document["heads"][0][2] = "v2:forged"
    assert not ledger_anchor.check_signature(KEY, document)
    document = _document()
    document["legacy_last_id"] = 99
    assert not ledger_anchor.check_signature(KEY, document)
    assert not ledger_anchor.check_signature(KEY, {"heads": "nonsense"})


def test_compare_reports_changed_moved_and_missing_heads():
    current = {10: (1, "v2:aa"), 20: (2, "v2:bb")}
    assert ledger_anchor.compare(HEADS, current) == []
    current = {10: (1, "v2:xx"), 30: (2, "v2:bb")}
    assert sorted(ledger_anchor.compare(HEADS, current)) == [(1, 10, "changed"), (2, 20, "missing")]
    assert ledger_anchor.compare([(1, 10, "v2:aa")], {10: (3, "v2:aa")}) == [(1, 10, "moved")]


def test_write_and_latest(tmp_path):
    directory = str(tmp_path / "anchors" / "db")
    assert ledger_anchor.latest(directory) == (None, None)
    first = ledger_anchor.write(directory, _document())
    second = ledger_anchor.write(
        directory, ledger_anchor.build(KEY, "db", "2026-12-03 15:01:02.000002", HEADS)
    )
    assert os.path.basename(first) == "20261203T150102.000001Z.json"
    path, document = ledger_anchor.latest(directory)
    assert path == second
    assert document["created"] == "2026-12-03 15:01:02.000002"
    assert ledger_anchor.check_signature(KEY, document)
    with open(first, encoding="utf-8") as file:
        assert json.load(file)["legacy_last_id"] == 7
