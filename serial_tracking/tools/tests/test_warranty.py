from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from serial_tracking.tools import warranty as w

DATES = st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31))


@pytest.mark.parametrize(
    ("start", "duration", "unit", "expected"),
    [
        (date(2025, 1, 15), 10, w.DAY, date(2025, 1, 25)),
        (date(2025, 1, 31), 1, w.MONTH, date(2025, 2, 28)),
        (date(2024, 1, 31), 1, w.MONTH, date(2024, 2, 29)),
        (date(2025, 3, 31), 1, w.MONTH, date(2025, 4, 30)),
        (date(2025, 11, 30), 3, w.MONTH, date(2026, 2, 28)),
        (date(2025, 12, 15), 1, w.MONTH, date(2026, 1, 15)),
        (date(2024, 2, 29), 1, w.YEAR, date(2025, 2, 28)),
        (date(2024, 2, 29), 4, w.YEAR, date(2028, 2, 29)),
        (date(2025, 6, 1), 0, w.MONTH, date(2025, 6, 1)),
        (date(2025, 1, 1), 24, w.MONTH, date(2027, 1, 1)),
    ],
)
def test_add_duration(start, duration, unit, expected):
    assert w.add_duration(start, duration, unit) == expected


@pytest.mark.parametrize(
    ("start", "duration", "unit", "paused", "expected"),
    [
        (date(2025, 1, 1), 30, w.DAY, 0, date(2025, 1, 30)),
        (date(2025, 1, 15), 12, w.MONTH, 0, date(2026, 1, 14)),
        (date(2024, 2, 29), 1, w.YEAR, 0, date(2025, 2, 27)),
        (date(2025, 1, 31), 1, w.MONTH, 0, date(2025, 2, 27)),
        (date(2025, 1, 15), 12, w.MONTH, 10, date(2026, 1, 24)),
    ],
)
def test_coverage_end(start, duration, unit, paused, expected):
    assert w.coverage_end(start, duration, unit, paused) == expected


def test_bad_durations_are_refused():
    with pytest.raises(ValueError):
        w.add_duration(date(2025, 1, 1), -1, w.DAY)
    with pytest.raises(ValueError):
        w.add_duration(date(2025, 1, 1), 1, "week")
    with pytest.raises(ValueError):
        w.coverage_end(date(2025, 1, 1), 0, w.MONTH)
    with pytest.raises(ValueError):
        w.coverage_end(date(2025, 1, 1), 1, w.MONTH, paused_days=-2)


def test_capped_start_takes_the_earliest_known_date():
    assert w.capped_start(None, None) is None
    assert w.capped_start(date(2025, 5, 1), None) == date(2025, 5, 1)
    assert w.capped_start(None, date(2025, 4, 1)) == date(2025, 4, 1)
    assert w.capped_start(date(2025, 5, 1), date(2025, 4, 1)) == date(2025, 4, 1)
    assert w.capped_start(date(2025, 3, 1), date(2025, 4, 1)) == date(2025, 3, 1)


def test_days_paused():
    assert w.days_paused(date(2025, 3, 1), date(2025, 3, 11)) == 10
    assert w.days_paused(date(2025, 3, 1), date(2025, 3, 1)) == 0
    assert w.days_paused(date(2025, 3, 2), date(2025, 3, 1)) == 0


def test_state_on():
    start, end = date(2025, 1, 1), date(2025, 12, 31)
    assert w.state_on(None, None, date(2025, 6, 1)) == w.PENDING
    assert w.state_on(start, end, date(2024, 12, 31)) == w.PENDING
    assert w.state_on(start, end, start) == w.ACTIVE
    assert w.state_on(start, end, end) == w.ACTIVE
    assert w.state_on(start, end, end + timedelta(days=1)) == w.EXPIRED


@pytest.mark.parametrize(
    ("rule", "open_", "ended", "expected"),
    [
        (w.CONTINUE, True, False, False),
        (w.CONTINUE, False, False, True),
        (w.RESTART, False, True, True),
        (w.END, False, True, False),
        (w.END, False, False, True),
        (w.RESTART, True, False, False),
    ],
)
def test_new_coverage_on_shipment(rule, open_, ended, expected):
    assert w.new_coverage_on_shipment(rule, open_, ended) is expected


def test_voided_by_return():
    assert not w.voided_by_return(w.CONTINUE)
    assert w.voided_by_return(w.RESTART)
    assert w.voided_by_return(w.END)


def test_lot_summary():
    today = date(2025, 6, 1)
    far, near, past = date(2026, 6, 1), date(2025, 6, 20), date(2025, 1, 1)
    assert w.lot_summary([], today) == ("none", None)
    assert w.lot_summary([("supplier", w.ACTIVE, far)], today) == ("none", None)
    assert w.lot_summary([("full", w.ACTIVE, far), ("parts", w.EXPIRED, past)], today) == (
        w.ACTIVE,
        far,
    )
    assert w.lot_summary([("full", w.ACTIVE, near)], today) == ("expiring", near)
    # the latest active end decides: a long labour coverage keeps the unit "active"
    assert (
        w.lot_summary([("parts", w.ACTIVE, near), ("labour", w.ACTIVE, far)], today)[0] == w.ACTIVE
    )
    assert w.lot_summary([("full", w.PENDING, None), ("parts", w.EXPIRED, past)], today) == (
        w.PENDING,
        past,
    )
    assert w.lot_summary([("full", w.EXPIRED, past), ("full", w.VOID, far)], today) == (
        w.EXPIRED,
        past,
    )
    assert w.lot_summary([("full", w.VOID, far)], today) == (w.VOID, None)


# --- properties -----------------------------------------------------------------------


@given(DATES, st.integers(0, 600))
def test_months_never_overflow_the_month(start, months):
    result = w.add_duration(start, months, w.MONTH)
    index = start.year * 12 + start.month - 1 + months
    assert result.year * 12 + result.month - 1 == index
    assert result.day <= start.day
    assert result.day == start.day or (result + timedelta(days=1)).day == 1


@given(DATES, st.integers(0, 100))
def test_years_are_twelve_months(start, years):
    assert w.add_duration(start, years, w.YEAR) == w.add_duration(start, years * 12, w.MONTH)


@given(DATES, st.integers(1, 120), st.sampled_from([w.DAY, w.MONTH, w.YEAR]), st.integers(0, 400))
def test_end_is_monotonic_in_pause_and_after_start(start, duration, unit, paused):
    end = w.coverage_end(start, duration, unit, paused)
    assert end >= start
    assert end - w.coverage_end(start, duration, unit, 0) == timedelta(days=paused)
    assert w.state_on(start, end, start) == w.ACTIVE
    assert w.state_on(start, end, end + timedelta(days=1)) == w.EXPIRED


@given(DATES, st.integers(1, 120), st.sampled_from([w.MONTH, w.YEAR]))
def test_longer_durations_end_later(start, duration, unit):
    assert w.add_duration(start, duration + 1, unit) > w.add_duration(start, duration, unit)


@given(st.one_of(st.none(), DATES), st.one_of(st.none(), DATES))
def test_capped_start_is_never_after_either_date(trigger, cap):
    start = w.capped_start(trigger, cap)
    for day in (trigger, cap):
        if day is not None:
            assert start <= day
    assert (start is None) == (trigger is None and cap is None)
