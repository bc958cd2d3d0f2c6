"""Warranty date arithmetic and the rules that move one coverage forward.

A coverage runs from ``start`` to ``end``, both days included. Its clock starts when its
trigger happens (shipment, installation...), or at the latest at its cap ("from
installation, but no later than 90 days after shipment"). Days spent in repair are added
to the end when the policy pauses the clock in repair. What a customer return does to it
depends on the resale rule: the coverage continues, restarts with the next customer, or
ends.
"""

import calendar
from datetime import date, timedelta

# --- vocabulary (lists, so Odoo can use them as selections) ---------------------------

DAY = "day"
MONTH = "month"
YEAR = "year"
DURATION_UNITS = [(DAY, "Days"), (MONTH, "Months"), (YEAR, "Years")]

COVERAGE_TYPES = [
    ("parts", "Parts"),
    ("labour", "Labour"),
    ("full", "Full"),
    ("extended", "Extended"),
    ("supplier", "Supplier"),
]
SUPPLIER = "supplier"
# What the customer is promised; supplier coverage is ours towards the vendor.
CUSTOMER_TYPES = frozenset({"parts", "labour", "full", "extended"})

TRIGGERS = [
    ("manufacture", "Manufacture"),
    ("receipt", "Receipt"),
    ("shipment", "Shipment"),
    ("installation", "Installation"),
    ("registration", "Registration"),
]
# Ledger event -> the trigger it is.
TRIGGER_OF_EVENT = {
    "produced": "manufacture",
    "received": "receipt",
    "shipped": "shipment",
    "dropshipped": "shipment",
    "installed": "installation",
    "registered": "registration",
}

CONTINUE = "continue"
RESTART = "restart"
END = "end"
RESALE_RULES = [
    (CONTINUE, "Coverage continues"),
    (RESTART, "Coverage restarts with the next customer"),
    (END, "Coverage ends"),
]

PENDING = "pending"
ACTIVE = "active"
EXPIRED = "expired"
VOID = "void"
STATES = [(PENDING, "Pending"), (ACTIVE, "Active"), (EXPIRED, "Expired"), (VOID, "Void")]

# The serial's summary over its customer coverages.
LOT_STATES = [
    ("none", "No Coverage"),
    (PENDING, "Pending"),
    (ACTIVE, "Active"),
    ("expiring", "Expiring Soon"),
    (EXPIRED, "Expired"),
    (VOID, "Void"),
]
EXPIRING_DAYS = 30


# --- date arithmetic ----------------------------------------------------------------


def add_duration(start, duration, unit):
    """``start`` moved ``duration`` days, months or years forward.

    Months and years keep the day of the month when it exists and otherwise land on
    the last day of the month: 31 January + 1 month is 28 (or 29) February, 29 February
    + 1 year is 28 February.
    """
    if duration < 0:
        raise ValueError("a duration cannot be negative")
    if unit == DAY:
        return start + timedelta(days=duration)
    if unit == MONTH:
        months = duration
    elif unit == YEAR:
        months = duration * 12
    else:
        raise ValueError(f"unknown duration unit {unit!r}")
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


def coverage_end(start, duration, unit, paused_days=0):
    """Last covered day: ``duration`` after ``start`` (exclusive), plus paused days.

    A 30-day coverage starting on 1 January ends on 30 January; a 12-month one starting
    on 15 January 2025 ends on 14 January 2026.
    """
    if duration <= 0:
        raise ValueError("a coverage lasts at least one day, month or year")
    if paused_days < 0:
        raise ValueError("paused days cannot be negative")
    return add_duration(start, duration, unit) - timedelta(days=1) + timedelta(days=paused_days)


def capped_start(trigger_date, cap_date):
    """When the clock starts: at the trigger, but no later than the cap.

    Either may be unknown (``None``); with neither the coverage is still pending.
    """
    dates = [day for day in (trigger_date, cap_date) if day is not None]
    return min(dates) if dates else None


def days_paused(entered, left):
    """Whole days between entering and leaving repair (0 for a same-day repair)."""
    return max(0, (left - entered).days)


def state_on(start, end, today):
    """``pending``, ``active`` or ``expired`` on ``today`` (void is decided elsewhere)."""
    if start is None or start > today:
        return PENDING
    if end is not None and end < today:
        return EXPIRED
    return ACTIVE


def covers(start, end, day):
    return start is not None and end is not None and start <= day <= end


# --- resale and return --------------------------------------------------------------


def voided_by_return(resale_rule):
    """Whether a customer return ends a coverage that follows ``resale_rule``."""
    return resale_rule in (RESTART, END)


def new_coverage_on_shipment(resale_rule, has_open_coverage, ended_by_return):
    """Whether shipping the unit (again) starts a new coverage from this policy line.

    :param has_open_coverage: the line already has a pending, active or expired
        coverage for this serial (it continues; nothing new).
    :param ended_by_return: a coverage of this line was ended by a customer return.
    """
    if has_open_coverage:
        return False
    return not (ended_by_return and resale_rule == END)


# --- the serial's summary -----------------------------------------------------------


def lot_summary(coverages, today, expiring_days=EXPIRING_DAYS):
    """``(warranty_state, warranty_end_date)`` of a serial from its customer coverages.

    :param coverages: iterable of ``(coverage_type, state, end_date)``; supplier
        coverages are ignored.
    """
    customer = [(state, end) for kind, state, end in coverages if kind in CUSTOMER_TYPES]
    states = {state for state, _end in customer}
    ends = [end for state, end in customer if state in (ACTIVE, EXPIRED) and end]
    end_date = max(ends) if ends else None
    if ACTIVE in states:
        active_end = max((end for state, end in customer if state == ACTIVE and end), default=None)
        soon = today + timedelta(days=expiring_days)
        return ("expiring" if active_end and active_end <= soon else ACTIVE), end_date
    for state in (PENDING, EXPIRED, VOID):
        if state in states:
            return state, end_date
    return "none", end_date
