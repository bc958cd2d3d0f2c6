"""Recall campaigns without Odoo: criteria checks, buckets, statuses and figures.

A recall names the serials it affects (criteria), sorts each into a *bucket* (where the
unit is: in stock, allocated to a delivery, consumed into a parent, at a customer ...),
gives each a *status* (what the campaign has done about it) and sums everything up for
its dashboard. The Odoo models gather facts with SQL, ask this module, and write the
answer back set-wise.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from . import lifecycle, messages

# --- buckets: where an affected unit is ----------------------------------------------

IN_STOCK = "in_stock"
ALLOCATED = "allocated"
IN_PRODUCTION = "in_production"
CONSUMED = "consumed"
AT_CUSTOMER = "at_customer"
IN_REPAIR = "in_repair"
SCRAPPED = "scrapped"
GONE = "gone"

BUCKETS = [
    (IN_STOCK, "In Stock"),
    (ALLOCATED, "Allocated to a Delivery"),
    (IN_PRODUCTION, "In Production"),
    (CONSUMED, "Consumed into a Unit"),
    (AT_CUSTOMER, "At a Customer"),
    (IN_REPAIR, "In Repair"),
    (SCRAPPED, "Scrapped"),
    (GONE, "Gone"),
]
BUCKET_LABELS = dict(BUCKETS)

# --- places: where an affected unit is now ---------------------------------------------
# A bucket says where a unit was when the campaign was simulated; once it is active, the
# campaign moves units (into quarantine) and customers send them back, so its dashboard
# counts them by where they are now: the buckets, plus quarantine.

IN_QUARANTINE = "in_quarantine"
# the buckets, with quarantine after the two places a campaign moves units out of
PLACES = [*BUCKETS[:2], (IN_QUARANTINE, "In Quarantine"), *BUCKETS[2:]]
PLACE_LABELS = dict(PLACES)

# --- statuses: what the campaign did about it ----------------------------------------

PENDING = "pending"
# the customer holding the unit was e-mailed by activation; the unit is not back yet
NOTIFIED = "notified"
QUARANTINED = "quarantined"
RECOVERED = "recovered"
RELEASED = "released"
DESTROYED = "destroyed"
UNREACHABLE = "unreachable"

STATUSES = [
    (PENDING, "Pending"),
    (NOTIFIED, "Notified"),
    (QUARANTINED, "Quarantined"),
    (RECOVERED, "Recovered"),
    (RELEASED, "Released"),
    (DESTROYED, "Destroyed"),
    (UNREACHABLE, "Unreachable"),
]
STATUS_LABELS = dict(STATUSES)
# Statuses under which a unit still needs the campaign's attention and may not ship.
OPEN_STATUSES = frozenset({PENDING, NOTIFIED, QUARANTINED})
# Statuses of a unit still out at a customer, whether told about the recall or not.
AT_CUSTOMER_STATUSES = frozenset({PENDING, NOTIFIED})
# Statuses of a unit the company holds again, or that no longer exists (a notified unit
# is still out: telling its customer does not bring it back).
UNDER_CONTROL = frozenset({QUARANTINED, RECOVERED, RELEASED, DESTROYED})

# Which status changes a person may make on a unit; anything else is refused.
STATUS_CHANGES = {
    PENDING: frozenset({QUARANTINED, RECOVERED, RELEASED, DESTROYED, UNREACHABLE}),
    NOTIFIED: frozenset({QUARANTINED, RECOVERED, RELEASED, DESTROYED, UNREACHABLE}),
    QUARANTINED: frozenset({RELEASED, DESTROYED}),
    RECOVERED: frozenset({QUARANTINED, RELEASED, DESTROYED}),
    UNREACHABLE: frozenset({PENDING, RECOVERED, DESTROYED}),
    RELEASED: frozenset(),
    DESTROYED: frozenset(),
}
# Status changes that must carry a reason.
NEEDS_REASON = frozenset({RELEASED, DESTROYED, UNREACHABLE})

# --- what activation does per bucket --------------------------------------------------

MOVE_TO_QUARANTINE = "quarantine"
FLAG_PARENT = "flag_parent"
NOTIFY_CUSTOMER = "notify_customer"
NOTHING = "nothing"

SEVERITIES = [
    ("low", "Low"),
    ("medium", "Medium"),
    ("high", "High"),
    ("critical", "Critical"),
]


@dataclass(frozen=True, slots=True)
class UnitFacts:
    """What the database knows about one affected serial right now."""

    lot_id: int
    state: str | None
    location_usage: str | None = None
    in_quarantine: bool = False
    reserved_for_delivery: bool = False
    parent_lot_id: int | None = None


# Lifecycle state -> (bucket, fact that changes it, bucket when that fact holds). One
# table for the Python answer (:func:`bucket_of`) and the SQL one (:func:`bucket_sql`).
_BUCKET_RULES = {
    lifecycle.IN_STOCK: (IN_STOCK, "reserved", ALLOCATED),
    lifecycle.RETURNED: (IN_STOCK, "reserved", ALLOCATED),
    lifecycle.QUARANTINED: (IN_STOCK, "reserved", ALLOCATED),
    lifecycle.ALLOCATED: (ALLOCATED, None, None),
    lifecycle.PLANNED: (IN_PRODUCTION, None, None),
    # consumed but not (yet) linked to a finished unit: still on a production order
    lifecycle.CONSUMED: (IN_PRODUCTION, "parent", CONSUMED),
    lifecycle.SHIPPED: (AT_CUSTOMER, None, None),
    lifecycle.IN_REPAIR: (IN_REPAIR, None, None),
    lifecycle.SCRAPPED: (SCRAPPED, None, None),
}
# Anything else (returned to vendor, no lifecycle yet) is gone.
_OTHER_BUCKET = GONE
# Buckets of units sitting in one of our locations (their location is recorded).
IN_OUR_STOCK = frozenset({IN_STOCK, ALLOCATED, IN_REPAIR})
# Lifecycle states in which a unit may be reserved on a delivery.
RESERVABLE_STATES = frozenset(
    state for state, (_bucket, fact, _other) in _BUCKET_RULES.items() if fact == "reserved"
) | {lifecycle.ALLOCATED}


def bucket_of(facts):
    """The bucket of one unit, from its lifecycle state and a few stock facts."""
    bucket, fact, other = _BUCKET_RULES.get(facts.state, (_OTHER_BUCKET, None, None))
    if (fact == "reserved" and facts.reserved_for_delivery) or (
        fact == "parent" and facts.parent_lot_id
    ):
        return other
    return bucket


def place_of(bucket, state, in_quarantine):
    """Where a unit found in ``bucket`` is now, from its current lifecycle state and
    whether it sits in a quarantine location.

    A consumed unit keeps the side of its bucket (built into a unit, or still on a
    production order): which unit holds it was read when the campaign was simulated.
    """
    if in_quarantine or state == lifecycle.QUARANTINED:
        return IN_QUARANTINE
    if state == lifecycle.CONSUMED:
        return CONSUMED if bucket == CONSUMED else IN_PRODUCTION
    return bucket_of(UnitFacts(lot_id=0, state=state))


def initial_status(bucket, facts):
    """The status a unit starts with when the campaign is simulated."""
    if bucket == SCRAPPED:
        return DESTROYED
    if bucket == GONE:
        return UNREACHABLE
    if facts.in_quarantine or facts.state == lifecycle.QUARANTINED:
        return QUARANTINED
    return PENDING


def _sql_text(value):
    # only our own constants are inlined; they never hold a quote
    if not value.replace("_", "").isalnum():
        raise ValueError(f"not a plain key: {value!r}")
    return f"'{value}'"


def bucket_sql(state, reserved, parent):
    """SQL expression giving :func:`bucket_of`, so that a simulation can bucket 100,000
    units inside the database.

    :param state: SQL expression of the lifecycle state;
    :param reserved: SQL boolean "reserved on an open delivery";
    :param parent: SQL boolean "built into another unit".
    """
    conditions = {"reserved": reserved, "parent": parent}
    whens = []
    for state_key, (bucket, fact, other) in _BUCKET_RULES.items():
        then = (
            _sql_text(bucket)
            if fact is None
            else (
                f"CASE WHEN {conditions[fact]} THEN {_sql_text(other)} ELSE {_sql_text(bucket)} END"
            )
        )
        whens.append(f"WHEN {state} = {_sql_text(state_key)} THEN {then}")
    return f"(CASE {' '.join(whens)} ELSE {_sql_text(_OTHER_BUCKET)} END)"


def initial_status_sql(bucket, state, in_quarantine):
    """SQL expression giving :func:`initial_status` (same arguments, as SQL)."""
    return (
        f"(CASE WHEN {bucket} = {_sql_text(SCRAPPED)} THEN {_sql_text(DESTROYED)} "
        f"WHEN {bucket} = {_sql_text(GONE)} THEN {_sql_text(UNREACHABLE)} "
        f"WHEN {in_quarantine} OR {state} = {_sql_text(lifecycle.QUARANTINED)} "
        f"THEN {_sql_text(QUARANTINED)} ELSE {_sql_text(PENDING)} END)"
    )


def activation_action(bucket, status):
    """What activating the campaign does to a unit of ``bucket`` still in ``status``."""
    if status != PENDING:
        return NOTHING
    return {
        IN_STOCK: MOVE_TO_QUARANTINE,
        ALLOCATED: MOVE_TO_QUARANTINE,
        CONSUMED: FLAG_PARENT,
        AT_CUSTOMER: NOTIFY_CUSTOMER,
    }.get(bucket, NOTHING)


# The sentences of the criteria and status checks, by code (see ``messages``); a status
# parameter (``old_status``, ``new_status``, the list ``allowed_statuses``) is a status
# code, said as its label in lower case.
SENTENCES = {
    "recall.already": "%(serial)s is already %(new_status)s; choose another status.",
    "recall.cannot_change": "%(serial)s cannot go from %(old_status)s to %(new_status)s; "
    "allowed: %(allowed_statuses)s.",
    "recall.status_final": "%(serial)s cannot go from %(old_status)s to %(new_status)s; its "
    "status is final.",
    "recall.needs_reason": "%(serial)s: marking it %(new_status)s needs a reason; give one.",
    "recall.no_criteria": "The recall has no criteria: choose products, lots, serial ranges, a "
    "supplier, a date window or component lots.",
    "recall.supplier_window_needs_supplier": "A supplier date window needs a supplier: choose "
    "the supplier whose deliveries are affected.",
    "recall.window_backwards": "%(window)s: the window starts after it ends (%(date_from)s > "
    "%(date_to)s); swap the dates.",
    "recall.supplier_window": "Supplier window",
    "recall.produced_window": "Produced/received window",
}
_STATUS_LABELS_LOWER = {status: label.lower() for status, label in STATUS_LABELS.items()}
messages.register(
    SENTENCES,
    {
        "old_status": _STATUS_LABELS_LOWER,
        "new_status": _STATUS_LABELS_LOWER,
        "allowed_statuses": _STATUS_LABELS_LOWER,
    },
)
#: The date windows of the criteria -> the code of their name.
WINDOWS = {"supplier": "recall.supplier_window", "produced": "recall.produced_window"}


def check_status_change(serial, old, new, reason):
    """``None`` when ``old`` -> ``new`` is allowed, else a :class:`messages.Message`
    naming serial and fix (its ``str()`` is the English sentence)."""
    if old == new:
        return messages.Message("recall.already", {"serial": serial, "new_status": new})
    if new not in STATUS_CHANGES.get(old, ()):
        allowed = sorted(STATUS_CHANGES[old], key=lambda status: STATUS_LABELS[status].lower())
        if not allowed:
            return messages.Message(
                "recall.status_final", {"serial": serial, "old_status": old, "new_status": new}
            )
        return messages.Message(
            "recall.cannot_change",
            {"serial": serial, "old_status": old, "new_status": new, "allowed_statuses": allowed},
        )
    if new in NEEDS_REASON and not (reason or "").strip():
        return messages.Message("recall.needs_reason", {"serial": serial, "new_status": new})
    return None


# --- criteria -------------------------------------------------------------------------


def check_window(window, date_from, date_to):
    """Problems of one date window (either end may be open, not both backwards), as
    :class:`messages.Message`; ``window`` is a key of :data:`WINDOWS`."""
    if date_from and date_to and _as_datetime(date_from) > _as_datetime(date_to):
        return [
            messages.Message(
                "recall.window_backwards",
                {
                    "window": messages.Message(WINDOWS[window]),
                    "date_from": date_from,
                    "date_to": date_to,
                },
            )
        ]
    return []


def check_criteria(criteria):
    """Every problem of a set of criteria, as :class:`messages.Message` (``str()`` is the
    English sentence); an empty list means usable.

    :param criteria: dict with ``product_ids``, ``lot_ids``, ``serial_ranges`` (text),
        ``supplier_ids``, ``supplier_date_from``/``_to``, ``date_from``/``date_to``,
        ``component_lot_ids``.
    """
    problems = []
    given = [
        criteria.get("product_ids"),
        criteria.get("lot_ids"),
        (criteria.get("serial_ranges") or "").strip(),
        criteria.get("supplier_ids"),
        criteria.get("date_from"),
        criteria.get("date_to"),
        criteria.get("component_lot_ids"),
    ]
    if not any(given):
        problems.append(messages.Message("recall.no_criteria"))
    if (
        criteria.get("supplier_date_from") or criteria.get("supplier_date_to")
    ) and not criteria.get("supplier_ids"):
        problems.append(messages.Message("recall.supplier_window_needs_supplier"))
    problems += check_window(
        "supplier", criteria.get("supplier_date_from"), criteria.get("supplier_date_to")
    )
    problems += check_window("produced", criteria.get("date_from"), criteria.get("date_to"))
    return problems


def intersect(sets):
    """Criteria combine with AND: the ids in every given set (``None`` = not given)."""
    given = [s for s in sets if s is not None]
    if not given:
        return set()
    given.sort(key=len)
    result = set(given[0])
    for other in given[1:]:
        result &= other
    return result


def range_sql_parts(serial_range):
    """``(prefix, width, suffix, start, end)`` for a counted range, ``None`` for a
    verbatim value: what a SQL match on ``stock_lot.name`` needs."""
    if serial_range.is_verbatim:
        return None
    return (
        serial_range.prefix,
        serial_range.width,
        serial_range.suffix,
        serial_range.start,
        serial_range.end,
    )


# --- figures ----------------------------------------------------------------------------


def summarize(rows):
    """Counts of a simulation.

    :param rows: iterable of ``(bucket, product_key, customer_key)``; keys are names or
        ids, ``None`` for no customer.
    :returns: dict with ``total``, ``by_bucket`` (every bucket, zeros included),
        ``by_product`` and ``by_customer`` (only customers that hold units).
    """
    by_bucket = dict.fromkeys(BUCKET_LABELS, 0)
    by_product = Counter()
    by_customer = Counter()
    total = 0
    for bucket, product, customer in rows:
        total += 1
        by_bucket[bucket] += 1
        by_product[product] += 1
        if customer is not None:
            by_customer[customer] += 1
    return {
        "total": total,
        "by_bucket": by_bucket,
        "by_product": dict(by_product),
        "by_customer": dict(by_customer),
    }


def compare(previous, current):
    """What changed between two summaries: ``{section: {key: (before, after)}}``.

    Only differing keys appear; ``total`` is a section of its own.
    """
    changes = {}
    if previous.get("total", 0) != current.get("total", 0):
        changes["total"] = {"total": (previous.get("total", 0), current.get("total", 0))}
    for section in ("by_bucket", "by_product", "by_customer"):
        before, after = previous.get(section, {}), current.get(section, {})
        diff = {
            key: (before.get(key, 0), after.get(key, 0))
            for key in sorted(set(before) | set(after), key=str)
            if before.get(key, 0) != after.get(key, 0)
        }
        if diff:
            changes[section] = diff
    return changes


def dashboard(units):
    """Campaign figures from ``(bucket, status, in_quarantine_location)`` per unit.

    - ``recovery_rate``: share (0-100) of the units back under control (quarantined,
      recovered, released or destroyed: the ``under_control`` count) among those that
      can be (``reachable``: unreachable excluded);
    - ``at_customer``: units still out at a customer, notified or not;
    - ``in_stock_outside_quarantine``: open units in our stock not in quarantine (zero
      after a complete activation).
    """
    total = controlled = unreachable = at_customer = outside = 0
    by_status = dict.fromkeys(STATUS_LABELS, 0)
    for bucket, status, in_quarantine in units:
        total += 1
        by_status[status] += 1
        if status in UNDER_CONTROL:
            controlled += 1
        elif status == UNREACHABLE:
            unreachable += 1
        if bucket == AT_CUSTOMER and status in AT_CUSTOMER_STATUSES:
            at_customer += 1
        if bucket in (IN_STOCK, ALLOCATED) and status in OPEN_STATUSES and not in_quarantine:
            outside += 1
    reachable = total - unreachable
    return {
        "total": total,
        "by_status": by_status,
        "under_control": controlled,
        "reachable": reachable,
        "recovery_rate": round(100.0 * controlled / reachable, 1) if reachable else 0.0,
        "at_customer": at_customer,
        "in_stock_outside_quarantine": outside,
    }


def batches(items, size):
    """``items`` in consecutive lists of at most ``size``."""
    if size < 1:
        raise ValueError("a batch holds at least one item")
    items = list(items)
    return [items[start : start + size] for start in range(0, len(items), size)]


def _as_datetime(value):
    if isinstance(value, datetime):
        return value
    if hasattr(value, "year") and not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day)
    return datetime.fromisoformat(str(value))
