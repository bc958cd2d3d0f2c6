import pytest
from hypothesis import given
from hypothesis import strategies as st

from serial_tracking.tools import lifecycle as lc

STATE_KEYS = [state for state, _label in lc.STATES] + [lc.NEW]


@pytest.mark.parametrize(
    ("src", "dest", "src_q", "dest_q", "event"),
    [
        ("supplier", "internal", False, False, "received"),
        ("inventory", "internal", False, False, "found"),
        ("production", "internal", False, False, "produced"),
        ("internal", "customer", False, False, "shipped"),
        ("customer", "internal", False, False, "returned"),
        ("internal", "production", False, False, "consumed"),
        ("internal", "inventory", False, False, "scrapped"),
        ("internal", "supplier", False, False, "returned_to_vendor"),
        ("internal", "internal", False, True, "quarantined"),
        ("internal", "internal", True, False, "released"),
        ("internal", "internal", False, False, "moved"),
        ("internal", "transit", False, False, "moved"),
        ("transit", "internal", False, False, "moved"),
        ("supplier", "customer", False, False, "dropshipped"),
        ("production", "production", False, False, "moved"),
    ],
)
def test_classify_move_follows_design_table(src, dest, src_q, dest_q, event):
    assert lc.classify_move(src, dest, src_q, dest_q) == event


@pytest.mark.parametrize(
    ("event", "state", "expected"),
    [
        ("received", lc.NEW, lc.IN_STOCK),
        ("produced", lc.NEW, lc.IN_STOCK),
        ("allocated", lc.IN_STOCK, lc.ALLOCATED),
        ("deallocated", lc.ALLOCATED, lc.IN_STOCK),
        ("shipped", lc.ALLOCATED, lc.SHIPPED),
        ("returned", lc.SHIPPED, lc.RETURNED),
        ("consumed", lc.IN_STOCK, lc.CONSUMED),
        ("scrapped", lc.IN_STOCK, lc.SCRAPPED),
        ("returned_to_vendor", lc.IN_STOCK, lc.RETURNED_TO_VENDOR),
        ("quarantined", lc.IN_STOCK, lc.QUARANTINED),
        ("released", lc.QUARANTINED, lc.IN_STOCK),
        ("moved", lc.ALLOCATED, lc.ALLOCATED),
        ("installed", lc.SHIPPED, lc.SHIPPED),
        ("produced", lc.CONSUMED, lc.IN_STOCK),
        # a part a repair removes from its unit and throws away
        ("scrapped", lc.CONSUMED, lc.SCRAPPED),
    ],
)
def test_allowed_transitions(event, state, expected):
    new_state, refusal = lc.check(event, state, "SN1")
    assert refusal is None
    assert new_state == expected


@pytest.mark.parametrize(
    ("event", "state"),
    [
        ("shipped", lc.QUARANTINED),
        ("shipped", lc.SCRAPPED),
        ("shipped", lc.CONSUMED),
        ("shipped", lc.SHIPPED),
        ("allocated", lc.QUARANTINED),
        ("allocated", lc.SCRAPPED),
        ("received", lc.IN_STOCK),
        ("received", lc.SHIPPED),
        ("consumed", lc.SHIPPED),
        ("consumed", lc.QUARANTINED),
        ("scrapped", lc.SHIPPED),
        ("returned", lc.IN_STOCK),
        ("released", lc.IN_STOCK),
    ],
)
def test_refused_transitions_explain_themselves(event, state):
    new_state, refusal = lc.check(event, state, "SN42", "WH/OUT/00007")
    assert new_state is None
    message = refusal.message()
    assert message.startswith("SN42: ")
    assert "WH/OUT/00007" in message
    assert lc.STATE_LABELS[state].lower() in message.lower()


def test_every_row_names_known_states_and_events():
    known = set(STATE_KEYS)
    assert set(lc.TRANSITIONS) <= set(lc.EVENT_LABELS)
    for row in lc.TRANSITIONS.values():
        assert set(row) <= known
        for target in row.values():
            assert target is lc.KEEP or target in known


def test_plan_chains_events_of_one_serial_in_order():
    items = [
        (1, "SN1", "received", lc.NEW, "IN/1"),
        (2, "SN1", "shipped", lc.NEW, "OUT/1"),
        (3, "SN1", "shipped", lc.NEW, "OUT/2"),
    ]
    decisions, refusals = lc.plan_transitions(items)
    assert decisions == [(1, None, lc.IN_STOCK), (2, lc.IN_STOCK, lc.SHIPPED)]
    assert [r.document for r in refusals] == ["OUT/2"]


def test_format_refusals_is_capped():
    refusals = [lc.Refusal(f"SN{i}", "shipped", lc.SCRAPPED) for i in range(30)]
    text = lc.format_refusals(refusals, limit=5)
    assert text.count("\n") == 5
    assert text.endswith("... and 25 more.")


@given(
    st.lists(
        st.tuples(st.sampled_from(sorted(lc.TRANSITIONS)), st.sampled_from(STATE_KEYS)),
        max_size=50,
    )
)
def test_plan_never_leaves_the_table(steps):
    items = [(i, "SN", event, state, "") for i, (event, state) in enumerate(steps)]
    decisions, refusals = lc.plan_transitions(items)
    assert len(decisions) + len(refusals) == len(items)
    for _key, from_state, to_state in decisions:
        assert to_state in STATE_KEYS
        assert from_state in STATE_KEYS


@pytest.mark.parametrize(
    ("last_event", "in_stock", "in_quarantine", "expected"),
    [
        (None, False, False, lc.PLANNED),
        ("received", True, False, lc.IN_STOCK),
        ("returned", True, False, lc.RETURNED),
        ("quarantined", True, True, lc.QUARANTINED),
        ("shipped", False, False, lc.SHIPPED),
        ("dropshipped", False, False, lc.SHIPPED),
        ("consumed", False, False, lc.CONSUMED),
        ("scrapped", False, False, lc.SCRAPPED),
        ("returned_to_vendor", False, False, lc.RETURNED_TO_VENDOR),
    ],
)
def test_derive_state_for_back_fill(last_event, in_stock, in_quarantine, expected):
    assert lc.derive_state(last_event, in_stock, in_quarantine) == expected
