import sqlite3
from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from serial_tracking.tools import lifecycle
from serial_tracking.tools import recall as rc
from serial_tracking.tools.ranges import Range


def facts(state, **values):
    return rc.UnitFacts(lot_id=1, state=state, **values)


# -- buckets and initial statuses -------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "values", "bucket"),
    [
        (lifecycle.IN_STOCK, {}, rc.IN_STOCK),
        (lifecycle.RETURNED, {}, rc.IN_STOCK),
        (lifecycle.QUARANTINED, {"in_quarantine": True}, rc.IN_STOCK),
        (lifecycle.IN_STOCK, {"reserved_for_delivery": True}, rc.ALLOCATED),
        (lifecycle.ALLOCATED, {}, rc.ALLOCATED),
        (lifecycle.PLANNED, {}, rc.IN_PRODUCTION),
        (lifecycle.CONSUMED, {}, rc.IN_PRODUCTION),
        (lifecycle.CONSUMED, {"parent_lot_id": 7}, rc.CONSUMED),
        (lifecycle.SHIPPED, {}, rc.AT_CUSTOMER),
        (lifecycle.IN_REPAIR, {}, rc.IN_REPAIR),
        (lifecycle.SCRAPPED, {}, rc.SCRAPPED),
        (lifecycle.RETURNED_TO_VENDOR, {}, rc.GONE),
        (None, {}, rc.GONE),
    ],
)
def test_bucket_of_each_state(state, values, bucket):
    assert rc.bucket_of(facts(state, **values)) == bucket


@given(
    st.sampled_from([s for s, _l in lifecycle.STATES] + [None]),
    st.booleans(),
    st.booleans(),
    st.one_of(st.none(), st.integers(1, 10**6)),
)
def test_every_state_has_a_known_bucket_and_status(state, reserved, quarantine, parent):
    unit = facts(
        state, reserved_for_delivery=reserved, in_quarantine=quarantine, parent_lot_id=parent
    )
    bucket = rc.bucket_of(unit)
    assert bucket in rc.BUCKET_LABELS
    status = rc.initial_status(bucket, unit)
    assert status in rc.STATUS_LABELS
    # activation never touches what is already dealt with
    if status != rc.PENDING:
        assert rc.activation_action(bucket, status) == rc.NOTHING


def _sql_value(expression, **columns):
    """Evaluate one SQL expression over one row (SQLite: plain CASE/IN/OR logic)."""
    with sqlite3.connect(":memory:") as db:
        names = ", ".join(f":{name} AS {name}" for name in columns)
        return db.execute(f"SELECT {expression} FROM (SELECT {names})", columns).fetchone()[0]


@pytest.mark.parametrize("state", [s for s, _l in lifecycle.STATES] + [None, "unknown"])
@pytest.mark.parametrize("reserved", [False, True])
@pytest.mark.parametrize("quarantine", [False, True])
@pytest.mark.parametrize("parent", [None, 7])
def test_sql_buckets_and_statuses_match_python(state, reserved, quarantine, parent):
    unit = facts(
        state, reserved_for_delivery=reserved, in_quarantine=quarantine, parent_lot_id=parent
    )
    bucket = rc.bucket_of(unit)
    sql = rc.bucket_sql("state", "reserved", "parent IS NOT NULL")
    assert _sql_value(sql, state=state, reserved=reserved, parent=parent) == bucket
    status_sql = rc.initial_status_sql("bucket", "state", "quarantine")
    assert _sql_value(
        status_sql, bucket=bucket, state=state, quarantine=quarantine
    ) == rc.initial_status(bucket, unit)


def test_reservable_states():
    expected = {lifecycle.IN_STOCK, lifecycle.RETURNED, lifecycle.QUARANTINED, lifecycle.ALLOCATED}
    assert expected == rc.RESERVABLE_STATES


def test_sql_keys_are_plain():
    with pytest.raises(ValueError, match="plain key"):
        rc._sql_text("x'; DROP TABLE y; --")


def test_initial_status():
    assert rc.initial_status(rc.SCRAPPED, facts(lifecycle.SCRAPPED)) == rc.DESTROYED
    assert rc.initial_status(rc.GONE, facts(None)) == rc.UNREACHABLE
    assert rc.initial_status(rc.IN_STOCK, facts(lifecycle.QUARANTINED)) == rc.QUARANTINED
    assert rc.initial_status(rc.AT_CUSTOMER, facts(lifecycle.SHIPPED)) == rc.PENDING


def test_activation_actions():
    assert rc.activation_action(rc.IN_STOCK, rc.PENDING) == rc.MOVE_TO_QUARANTINE
    assert rc.activation_action(rc.ALLOCATED, rc.PENDING) == rc.MOVE_TO_QUARANTINE
    assert rc.activation_action(rc.CONSUMED, rc.PENDING) == rc.FLAG_PARENT
    assert rc.activation_action(rc.AT_CUSTOMER, rc.PENDING) == rc.NOTIFY_CUSTOMER
    assert rc.activation_action(rc.IN_REPAIR, rc.PENDING) == rc.NOTHING
    assert rc.activation_action(rc.IN_STOCK, rc.QUARANTINED) == rc.NOTHING


# -- status changes ------------------------------------------------------------------------


def test_status_changes():
    assert rc.check_status_change("SN1", rc.PENDING, rc.RECOVERED, "") is None
    assert rc.check_status_change("SN1", rc.QUARANTINED, rc.RELEASED, "inspected") is None
    message = str(rc.check_status_change("SN1", rc.QUARANTINED, rc.RELEASED, "  "))
    assert "SN1" in message and "reason" in message
    message = str(rc.check_status_change("SN1", rc.RELEASED, rc.PENDING, "x"))
    assert "SN1" in message and "final" in message
    message = str(rc.check_status_change("SN1", rc.QUARANTINED, rc.PENDING, "x"))
    assert "allowed: destroyed, released" in message
    assert "already" in str(rc.check_status_change("SN1", rc.PENDING, rc.PENDING, "x"))


@given(st.sampled_from(list(rc.STATUS_LABELS)), st.sampled_from(list(rc.STATUS_LABELS)))
def test_status_change_agrees_with_table(old, new):
    problem = rc.check_status_change("SN9", old, new, "because")
    assert (problem is None) == (new in rc.STATUS_CHANGES[old])


# -- criteria -------------------------------------------------------------------------------


def test_empty_criteria_refused():
    problems = rc.check_criteria({})
    assert len(problems) == 1 and "no criteria" in str(problems[0])


def test_supplier_window_needs_supplier_and_order():
    problems = rc.check_criteria({"product_ids": [1], "supplier_date_from": date(2025, 2, 1)})
    assert any("needs a supplier" in str(p) for p in problems)
    problems = rc.check_criteria(
        {
            "supplier_ids": [3],
            "supplier_date_from": datetime(2025, 3, 1),
            "supplier_date_to": datetime(2025, 2, 1),
        }
    )
    assert [str(problem) for problem in problems] == [
        "Supplier window: the window starts after it ends "
        "(2025-03-01 00:00:00 > 2025-02-01 00:00:00); swap the dates."
    ]
    assert rc.check_criteria({"date_from": "2025-01-01", "date_to": "2025-01-02"}) == []
    assert rc.check_criteria({"serial_ranges": "SN1-SN9"}) == []
    assert rc.check_criteria({"serial_ranges": "   "}) != []


@given(st.lists(st.one_of(st.none(), st.sets(st.integers(0, 30))), max_size=5))
def test_intersect_is_and_of_given_sets(sets):
    result = rc.intersect(sets)
    given_sets = [s for s in sets if s is not None]
    for value in range(31):
        expected = bool(given_sets) and all(value in s for s in given_sets)
        assert (value in result) == expected


def test_range_sql_parts():
    assert rc.range_sql_parts(Range("SN", 5, 9, 4, "X")) == ("SN", 4, "X", 5, 9)
    assert rc.range_sql_parts(Range.single("NO-NUMBER")) is None


# -- figures -------------------------------------------------------------------------------


def test_summarize_and_compare():
    first = rc.summarize(
        [
            (rc.IN_STOCK, "Laptop", None),
            (rc.AT_CUSTOMER, "Laptop", "ACME"),
            (rc.AT_CUSTOMER, "Phone", "ACME"),
        ]
    )
    assert first["total"] == 3
    assert first["by_bucket"][rc.AT_CUSTOMER] == 2 and first["by_bucket"][rc.GONE] == 0
    assert first["by_product"] == {"Laptop": 2, "Phone": 1}
    assert first["by_customer"] == {"ACME": 2}
    second = rc.summarize(
        [
            (rc.AT_CUSTOMER, "Laptop", "ACME"),
            (rc.AT_CUSTOMER, "Laptop", "Bob"),
            (rc.AT_CUSTOMER, "Phone", "ACME"),
        ]
    )
    changes = rc.compare(first, second)
    assert "total" not in changes
    assert changes["by_bucket"] == {rc.AT_CUSTOMER: (2, 3), rc.IN_STOCK: (1, 0)}
    assert changes["by_customer"] == {"Bob": (0, 1)}
    assert "by_product" not in changes
    assert rc.compare(second, second) == {}


@given(
    st.lists(
        st.tuples(
            st.sampled_from(list(rc.BUCKET_LABELS)),
            st.sampled_from(["A", "B"]),
            st.sampled_from([None, "C1", "C2"]),
        )
    )
)
def test_summarize_counts_add_up(rows):
    summary = rc.summarize(rows)
    assert summary["total"] == len(rows)
    assert sum(summary["by_bucket"].values()) == len(rows)
    assert sum(summary["by_product"].values()) == len(rows)
    assert sum(summary["by_customer"].values()) == sum(1 for r in rows if r[2] is not None)


def test_dashboard():
    figures = rc.dashboard(
        [
            (rc.IN_STOCK, rc.QUARANTINED, True),
            (rc.IN_STOCK, rc.PENDING, False),
            (rc.AT_CUSTOMER, rc.PENDING, False),
            (rc.AT_CUSTOMER, rc.RECOVERED, False),
            (rc.GONE, rc.UNREACHABLE, False),
        ]
    )
    assert figures["total"] == 5
    assert figures["recovery_rate"] == 50.0  # 2 of the 4 reachable units
    assert (figures["under_control"], figures["reachable"]) == (2, 4)
    # the rate is the share of the counts shown beside it
    under_control = sum(figures["by_status"][status] for status in rc.UNDER_CONTROL)
    assert figures["under_control"] == under_control
    assert figures["at_customer"] == 1
    assert figures["in_stock_outside_quarantine"] == 1
    assert rc.dashboard([])["recovery_rate"] == 0.0


def test_dashboard_notified_unit_is_still_at_customer():
    # telling the customer does not bring the unit back: still out, not under control
    figures = rc.dashboard(
        [
            (rc.AT_CUSTOMER, rc.NOTIFIED, False),
            (rc.AT_CUSTOMER, rc.PENDING, False),
            (rc.AT_CUSTOMER, rc.RECOVERED, False),
        ]
    )
    assert figures["at_customer"] == 2
    assert figures["by_status"][rc.NOTIFIED] == 1
    assert (figures["under_control"], figures["reachable"]) == (1, 3)
    assert rc.NOTIFIED in rc.OPEN_STATUSES
    assert rc.activation_action(rc.AT_CUSTOMER, rc.NOTIFIED) == rc.NOTHING
    assert rc.check_status_change("SN1", rc.NOTIFIED, rc.RECOVERED, "") is None


def test_batches():
    assert rc.batches(range(5), 2) == [[0, 1], [2, 3], [4]]
    assert rc.batches([], 3) == []
    with pytest.raises(ValueError):
        rc.batches([1], 0)


@pytest.mark.parametrize(
    ("bucket", "state"),
    [
        (rc.IN_STOCK, lifecycle.QUARANTINED),
        (rc.ALLOCATED, lifecycle.QUARANTINED),
        (rc.IN_STOCK, lifecycle.IN_STOCK),
    ],
)
def test_place_of_a_unit_in_a_quarantine_location(bucket, state):
    # activation moved it: in quarantine, whatever its bucket said
    assert rc.place_of(bucket, state, True) == rc.IN_QUARANTINE


@pytest.mark.parametrize(
    ("bucket", "state", "place"),
    [
        # released back to stock, returned by its customer, shipped since
        (rc.IN_STOCK, lifecycle.IN_STOCK, rc.IN_STOCK),
        (rc.AT_CUSTOMER, lifecycle.RETURNED, rc.IN_STOCK),
        (rc.IN_STOCK, lifecycle.SHIPPED, rc.AT_CUSTOMER),
        (rc.IN_STOCK, lifecycle.ALLOCATED, rc.ALLOCATED),
        # consumed: built into a unit or still on an order, as the simulation found it
        (rc.CONSUMED, lifecycle.CONSUMED, rc.CONSUMED),
        (rc.IN_PRODUCTION, lifecycle.CONSUMED, rc.IN_PRODUCTION),
        (rc.IN_STOCK, lifecycle.CONSUMED, rc.IN_PRODUCTION),
        (rc.IN_STOCK, lifecycle.SCRAPPED, rc.SCRAPPED),
        (rc.AT_CUSTOMER, lifecycle.IN_REPAIR, rc.IN_REPAIR),
        (rc.GONE, None, rc.GONE),
    ],
)
def test_place_of_a_unit_outside_quarantine(bucket, state, place):
    assert rc.place_of(bucket, state, False) == place


@given(
    st.sampled_from([b for b, _l in rc.BUCKETS]),
    st.sampled_from([s for s, _l in lifecycle.STATES] + [None]),
    st.booleans(),
)
def test_every_unit_has_a_known_place(bucket, state, in_quarantine):
    assert rc.place_of(bucket, state, in_quarantine) in rc.PLACE_LABELS
