"""The serial lifecycle: states, event types and the one table of allowed transitions.

Everything that changes a serial's state asks this module first. Stock moves are
classified into an event type by the usage of their source and destination
locations; the event type and the serial's current state then give the new state,
or a refusal that explains itself.
"""

from dataclasses import dataclass

from . import messages

# --- states --------------------------------------------------------------------------

PLANNED = "planned"
IN_STOCK = "in_stock"
ALLOCATED = "allocated"
SHIPPED = "shipped"
RETURNED = "returned"
IN_REPAIR = "in_repair"
QUARANTINED = "quarantined"
CONSUMED = "consumed"
RETURNED_TO_VENDOR = "returned_to_vendor"
SCRAPPED = "scrapped"

# Lists, not tuples: Odoo only reflects (and translates) list selections.
STATES = [
    (PLANNED, "Planned"),
    (IN_STOCK, "In Stock"),
    (ALLOCATED, "Allocated"),
    (SHIPPED, "Shipped"),
    (RETURNED, "Returned"),
    (IN_REPAIR, "In Repair"),
    (QUARANTINED, "Quarantined"),
    (CONSUMED, "Consumed"),
    (RETURNED_TO_VENDOR, "Returned to Vendor"),
    (SCRAPPED, "Scrapped"),
]
STATE_LABELS = dict(STATES)

# States in which the unit physically sits in one of our internal locations.
STOCK_STATES = frozenset({IN_STOCK, ALLOCATED, RETURNED, IN_REPAIR, QUARANTINED})
# States in which the unit may be reserved, shipped or consumed.
AVAILABLE_STATES = frozenset({IN_STOCK, RETURNED})
# ``None`` stands for a serial that has no lifecycle yet (just created).
NEW = None

# --- event types ----------------------------------------------------------------------

EVENT_TYPES = [
    ("imported", "Imported"),
    ("registered", "Registered"),
    ("received", "Received"),
    ("found", "Found in Inventory"),
    ("produced", "Produced"),
    ("allocated", "Allocated"),
    ("deallocated", "Deallocated"),
    ("moved", "Moved"),
    ("shipped", "Shipped"),
    ("dropshipped", "Dropshipped"),
    ("returned", "Returned by Customer"),
    ("consumed", "Consumed"),
    ("scrapped", "Scrapped"),
    ("returned_to_vendor", "Returned to Vendor"),
    ("quarantined", "Quarantined"),
    ("released", "Released"),
    ("installed", "Installed at Customer"),
    ("in_repair", "Entered Repair"),
    ("repaired", "Left Repair"),
    ("recalled", "Recalled"),
    ("service", "Service"),
    ("override", "Override"),
    ("note", "Note"),
]
EVENT_LABELS = dict(EVENT_TYPES)

# What a state-free event leaves untouched: ``KEEP`` means "same state as before".
KEEP = object()

# The transition table: event type -> {allowed from-state: to-state}.
# A from-state missing from an event's row is refused.
_EVERY_STATE = {state: KEEP for state, _label in STATES} | {NEW: KEEP}

TRANSITIONS = {
    "imported": dict.fromkeys(_EVERY_STATE, KEEP),
    "registered": {SHIPPED: KEEP, IN_STOCK: KEEP, RETURNED: KEEP},
    "received": {NEW: IN_STOCK, PLANNED: IN_STOCK, RETURNED_TO_VENDOR: IN_STOCK},
    "found": {NEW: IN_STOCK, PLANNED: IN_STOCK, SCRAPPED: IN_STOCK},
    # Unbuilding puts consumed components back into stock through production.
    "produced": {NEW: IN_STOCK, PLANNED: IN_STOCK, CONSUMED: IN_STOCK},
    "allocated": {IN_STOCK: ALLOCATED, RETURNED: ALLOCATED},
    "deallocated": {ALLOCATED: IN_STOCK},
    "moved": dict(_EVERY_STATE),
    "shipped": {IN_STOCK: SHIPPED, ALLOCATED: SHIPPED, RETURNED: SHIPPED},
    "dropshipped": {NEW: SHIPPED, PLANNED: SHIPPED},
    "returned": {SHIPPED: RETURNED},
    "consumed": {IN_STOCK: CONSUMED, ALLOCATED: CONSUMED, RETURNED: CONSUMED},
    # A consumed part a repair takes out of its unit and throws away is scrapped too.
    "scrapped": {
        IN_STOCK: SCRAPPED,
        ALLOCATED: SCRAPPED,
        RETURNED: SCRAPPED,
        QUARANTINED: SCRAPPED,
        IN_REPAIR: SCRAPPED,
        CONSUMED: SCRAPPED,
    },
    "returned_to_vendor": {
        IN_STOCK: RETURNED_TO_VENDOR,
        ALLOCATED: RETURNED_TO_VENDOR,
        RETURNED: RETURNED_TO_VENDOR,
        QUARANTINED: RETURNED_TO_VENDOR,
    },
    "quarantined": {
        IN_STOCK: QUARANTINED,
        ALLOCATED: QUARANTINED,
        RETURNED: QUARANTINED,
        IN_REPAIR: QUARANTINED,
    },
    "released": {QUARANTINED: IN_STOCK},
    "installed": {SHIPPED: KEEP},
    "in_repair": {IN_STOCK: IN_REPAIR, RETURNED: IN_REPAIR, SHIPPED: IN_REPAIR},
    "repaired": {IN_REPAIR: IN_STOCK},
    "recalled": dict(_EVERY_STATE),
    "service": dict(_EVERY_STATE),
    "override": dict(_EVERY_STATE),
    "note": dict(_EVERY_STATE),
}

# The sentences of a refusal, by code (see ``messages``): ``event_type`` and
# ``lifecycle_state`` are codes, said as their labels in lower case; the advice is a
# sentence of its own per event type (``lifecycle.advice_<event type>``).
SENTENCES = {
    "lifecycle.refused": "%(serial)s: cannot be %(event_type)s because it is "
    "%(lifecycle_state)s; %(advice)s.",
    "lifecycle.refused_on": "%(serial)s: cannot be %(event_type)s on %(document)s because it "
    "is %(lifecycle_state)s; %(advice)s.",
    "lifecycle.new": "new",
    "lifecycle.more": "... and %(count)s more.",
    "lifecycle.advice": "check the unit's history",
    "lifecycle.advice_received": "receive a new serial number, or return the unit through "
    "its own document",
    "lifecycle.advice_found": "the unit is already accounted for; count its current "
    "location instead",
    "lifecycle.advice_produced": "use a new serial number for the finished unit",
    "lifecycle.advice_allocated": "pick another unit that is in stock (a quarantined unit must "
    "be released first)",
    "lifecycle.advice_shipped": "pick another unit that is in stock; quarantined, scrapped, "
    "consumed or shipped units cannot leave again",
    "lifecycle.advice_returned": "only a unit delivered to a customer can come back from one",
    "lifecycle.advice_consumed": "consume a unit that is in stock",
    "lifecycle.advice_scrapped": "only a unit in our stock can be scrapped",
    "lifecycle.advice_returned_to_vendor": "only a unit in our stock can go back to the vendor",
    "lifecycle.advice_quarantined": "only a unit in our stock can be quarantined",
    "lifecycle.advice_released": "only a quarantined unit can be released",
    "lifecycle.advice_installed": "only a unit delivered to a customer can be installed",
    "lifecycle.advice_registered": "only a delivered or stocked unit can be registered",
    "lifecycle.advice_in_repair": "only a unit in stock, returned or at the customer can enter "
    "repair",
    "lifecycle.advice_repaired": "only a unit in repair can leave repair",
}
messages.register(
    SENTENCES,
    {
        "event_type": {event: label.lower() for event, label in EVENT_LABELS.items()},
        "lifecycle_state": {state: label.lower() for state, label in STATE_LABELS.items()},
    },
)
# What to tell the user when a transition is refused: event types with advice of their own.
_ADVICE = frozenset(
    code.removeprefix("lifecycle.advice_")
    for code in SENTENCES
    if code.startswith("lifecycle.advice_")
)


@dataclass(frozen=True)
class Refusal:
    """A transition the table does not allow, with everything a message needs."""

    serial: str
    event_type: str
    state: str | None
    document: str = ""

    @property
    def coded_message(self):
        """The refusal as a :class:`messages.Message`, for Odoo to say in the user's
        language."""
        advice = (
            f"lifecycle.advice_{self.event_type}"
            if self.event_type in _ADVICE
            else "lifecycle.advice"
        )
        params = {
            "serial": self.serial,
            "event_type": self.event_type,
            "lifecycle_state": self.state or messages.Message("lifecycle.new"),
            "advice": messages.Message(advice),
        }
        if self.document:
            return messages.Message("lifecycle.refused_on", dict(params, document=self.document))
        return messages.Message("lifecycle.refused", params)

    def message(self):
        """The refusal in English."""
        return str(self.coded_message)


def next_state(event_type, state):
    """Return the state after ``event_type`` happens to a unit in ``state``.

    :raises KeyError: for an unknown event type.
    :returns: the new state, or ``None`` when the table refuses the transition
        (use :func:`is_allowed` to tell a refusal from a transition to "new").
    """
    row = TRANSITIONS[event_type]
    if state not in row:
        return None
    target = row[state]
    return state if target is KEEP else target


def is_allowed(event_type, state):
    return state in TRANSITIONS[event_type]


def check(event_type, state, serial, document=""):
    """Return ``(new_state, None)`` or ``(None, Refusal)`` for one unit."""
    if not is_allowed(event_type, state):
        return None, Refusal(serial, event_type, state, document)
    return next_state(event_type, state), None


# --- stock moves --------------------------------------------------------------------

# Usages that hold our own stock. Transit counts as ours: it is between two of our sites.
_OURS = frozenset({"internal", "transit"})


def classify_move(src_usage, dest_usage, src_quarantine=False, dest_quarantine=False):
    """Name the event that a done move of one serial between two locations is.

    Every move gives exactly one event; a move the table has no business meaning for
    (for instance production to production) is a plain ``moved``.
    """
    if src_usage in _OURS and dest_usage in _OURS:
        if dest_quarantine and not src_quarantine:
            return "quarantined"
        if src_quarantine and not dest_quarantine:
            return "released"
        return "moved"
    if dest_usage in _OURS:
        return {
            "supplier": "received",
            "inventory": "found",
            "production": "produced",
            "customer": "returned",
        }.get(src_usage, "moved")
    if src_usage in _OURS:
        return {
            "customer": "shipped",
            "production": "consumed",
            "inventory": "scrapped",
            "supplier": "returned_to_vendor",
        }.get(dest_usage, "moved")
    if src_usage == "supplier" and dest_usage == "customer":
        return "dropshipped"
    return "moved"


def plan_transitions(items):
    """Decide a whole batch at once.

    :param items: iterable of ``(key, serial, event_type, state, document)``; a serial
        that appears several times is chained in the given order.
    :returns: ``(decisions, refusals)`` where ``decisions`` is a list of
        ``(key, from_state, to_state)`` in input order and ``refusals`` lists every
        :class:`Refusal` of the batch.
    """
    current = {}
    decisions = []
    refusals = []
    for key, serial, event_type, state, document in items:
        state = current.get(serial, state)
        new_state, refusal = check(event_type, state, serial, document)
        if refusal:
            refusals.append(refusal)
            continue
        current[serial] = new_state
        decisions.append((key, state, new_state))
    return decisions, refusals


def format_refusals(refusals, limit=20, say=str):
    """One message listing every refused unit, cut at ``limit`` lines; ``say`` renders
    a :class:`messages.Message` (in English by default)."""
    lines = [say(refusal.coded_message) for refusal in refusals[:limit]]
    if len(refusals) > limit:
        lines.append(say(messages.Message("lifecycle.more", {"count": len(refusals) - limit})))
    return "\n".join(lines)


# --- back-fill ----------------------------------------------------------------------

_STATE_AFTER_LEAVING = {
    "shipped": SHIPPED,
    "dropshipped": SHIPPED,
    "consumed": CONSUMED,
    "scrapped": SCRAPPED,
    "returned_to_vendor": RETURNED_TO_VENDOR,
}


def derive_state(last_event, in_our_stock, in_quarantine):
    """Guess the state of a serial that existed before the ledger did.

    :param last_event: :func:`classify_move` of its last done move, or ``None``.
    :param in_our_stock: whether a positive quant of it sits in an internal location.
    :param in_quarantine: whether that location is a quarantine location.
    """
    if in_our_stock:
        if in_quarantine:
            return QUARANTINED
        return RETURNED if last_event == "returned" else IN_STOCK
    if last_event is None:
        return PLANNED
    return _STATE_AFTER_LEAVING.get(last_event, IN_STOCK)
