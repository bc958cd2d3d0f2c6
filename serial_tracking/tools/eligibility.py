"""Return, repair, exchange and refund eligibility of one serial, explained.

The model gathers the facts (:class:`Facts`) in a few queries; :func:`evaluate` applies
every rule and returns a verdict with every reason that applies, each with a stable
code and a sentence a service agent can read to the customer. Reasons of severity
``info`` explain an eligible verdict (until when it is covered or returnable).
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from . import lifecycle
from .warranty import CUSTOMER_TYPES, TRIGGERS, VOID

ELIGIBLE = "eligible"
INELIGIBLE = "ineligible"
REVIEW = "review"
VERDICTS = [(ELIGIBLE, "Eligible"), (INELIGIBLE, "Ineligible"), (REVIEW, "Review")]

INTENTS = [("return", "Return"), ("repair", "Repair"), ("exchange", "Exchange"),
           ("refund", "Refund")]
# Intents that give the unit back to us for money or another unit: they need the unit
# to be at the customer and, for return and refund, the return window.
_TAKE_BACK = frozenset({"return", "exchange", "refund"})
_WINDOW_INTENTS = frozenset({"return", "refund"})
# Coverage types that pay for what the customer asks.
COVERING = {
    "repair": frozenset({"parts", "labour", "full", "extended"}),
    "exchange": frozenset({"full", "extended"}),
}

INFO = "info"
SEVERITIES = [(INFO, "Information"), (REVIEW, "Review"), (INELIGIBLE, "Blocking")]

# Every reason code, for selections and documentation.
REASON_CODES = [
    ("unknown_serial", "Unknown serial"),
    ("other_product", "Serial of another product"),
    ("never_shipped", "Never shipped"),
    ("other_customer", "Shipped to another customer"),
    ("no_customer", "No customer given"),
    ("already_returned", "Already returned"),
    ("outside_return_window", "Outside the return window"),
    ("no_coverage", "No active coverage"),
    ("quarantined", "Quarantined"),
    ("recalled", "Recalled"),
    ("scrapped", "Scrapped"),
    ("repaired_too_often", "Repaired too often"),
    ("within_return_window", "Within the return window"),
    ("covered", "Covered"),
]
_TRIGGER_LABELS = dict(TRIGGERS)


@dataclass(frozen=True)
class Coverage:
    coverage_type: str
    state: str
    start: date | None = None
    end: date | None = None
    trigger: str = ""
    return_window_days: int = 0
    label: str = ""

    @property
    def name(self):
        return self.label or self.coverage_type.capitalize()


@dataclass(frozen=True)
class Facts:
    """What is known about one serial, as of ``today``.

    Partners are commercial partner ids (a contact of the customer counts as the
    customer); names are only for the sentences.
    """

    serial: str
    known: bool = True
    product: str = ""
    expected_product: str = ""
    product_ok: bool = True
    state: str | None = None
    shipped_on: date | None = None
    shipped_to: int | None = None
    shipped_to_name: str = ""
    customer: int | None = None
    customer_name: str = ""
    returned_since_shipment: bool = False
    recalled: bool = False
    recall_ref: str = ""
    repairs: int = 0
    max_repairs: int = 0
    coverages: tuple = field(default_factory=tuple)


@dataclass(frozen=True)
class Reason:
    code: str
    severity: str
    message: str

    def as_dict(self):
        return {"code": self.code, "severity": self.severity, "message": self.message}


@dataclass(frozen=True)
class Verdict:
    verdict: str
    reasons: tuple

    @property
    def codes(self):
        return [reason.code for reason in self.reasons]

    def blocking(self):
        return [reason for reason in self.reasons if reason.severity != INFO]


def _fmt(day):
    return day.isoformat() if day else "?"


def return_window_end(facts):
    """Last day the unit may come back, or ``None`` when no window is set."""
    windows = [c.return_window_days for c in facts.coverages
               if c.coverage_type in CUSTOMER_TYPES and c.return_window_days]
    if not windows or not facts.shipped_on:
        return None
    return facts.shipped_on + timedelta(days=max(windows))


def _coverage_reason(facts, intent, today):
    """``(covering coverages, reason if none covers)`` for repair and exchange."""
    kinds = COVERING[intent]
    # Dates decide, not the stored state: a verdict does not wait for the daily job.
    relevant = [c for c in facts.coverages if c.coverage_type in kinds]
    live = [c for c in relevant if c.state != VOID]
    covering = [c for c in live if c.start and c.start <= today
                and (c.end is None or today <= c.end)]
    if covering:
        return covering, None
    serial = facts.serial
    ended = sorted((c for c in live if c.end and c.end < today),
                   key=lambda c: c.end or date.min)
    pending = [c for c in live if not c.start or c.start > today]
    if ended:
        last = ended[-1]
        detail = f"its {last.name} coverage ended on {_fmt(last.end)}"
    elif pending:
        first = pending[0]
        detail = (f"its {first.name} coverage has not started: it starts at "
                  f"{_TRIGGER_LABELS.get(first.trigger, first.trigger).lower()}")
    elif relevant:
        detail = "its coverage was voided"
    else:
        detail = "it has no coverage that pays for it"
    return [], Reason("no_coverage", INELIGIBLE,
                      f"{serial} is not covered for {intent}: {detail}.")


def evaluate(facts, intent, today):
    """Apply every rule to ``facts`` and return the :class:`Verdict`.

    :param intent: ``return``, ``repair``, ``exchange`` or ``refund``.
    :param today: the date the customer asks on.
    """
    if intent not in dict(INTENTS):
        raise ValueError(f"unknown intent {intent!r}")
    serial = facts.serial
    if not facts.known:
        return Verdict(INELIGIBLE, (Reason(
            "unknown_serial", INELIGIBLE,
            f"{serial} is not a serial number we know: check the number on the unit's "
            "label.",
        ),))
    reasons = []
    add = reasons.append
    if not facts.product_ok:
        add(Reason("other_product", INELIGIBLE,
                   f"{serial} is a serial of {facts.product}, not of "
                   f"{facts.expected_product}."))
    state = facts.state
    if state == lifecycle.SCRAPPED:
        add(Reason("scrapped", INELIGIBLE, f"{serial} was scrapped."))
    if state == lifecycle.QUARANTINED:
        add(Reason("quarantined", INELIGIBLE,
                   f"{serial} is in quarantine: it must be released before anything "
                   "else happens to it."))
    if facts.recalled:
        ref = f" ({facts.recall_ref})" if facts.recall_ref else ""
        add(Reason("recalled", REVIEW,
                   f"{serial} is under a recall{ref}: handle it through the recall "
                   "campaign."))
    if not facts.shipped_on:
        add(Reason("never_shipped", INELIGIBLE, f"{serial} was never shipped to a customer."))
    elif not facts.customer:
        add(Reason("no_customer", REVIEW,
                   f"No customer was given for {serial}: it was shipped to "
                   f"{facts.shipped_to_name or 'a customer'}; check who asks."))
    elif facts.shipped_to != facts.customer:
        add(Reason("other_customer", INELIGIBLE,
                   f"{serial} was shipped to {facts.shipped_to_name or 'another customer'}, "
                   f"not to {facts.customer_name}."))
    if intent in _TAKE_BACK and facts.shipped_on and (
        facts.returned_since_shipment or state != lifecycle.SHIPPED
    ) and state not in (lifecycle.SCRAPPED, lifecycle.QUARANTINED):
        add(Reason("already_returned", INELIGIBLE,
                   f"{serial} is no longer at the customer: it came back after its "
                   f"shipment on {_fmt(facts.shipped_on)}."))
    window_end = return_window_end(facts)
    in_window = window_end is None or today <= window_end
    if intent in _WINDOW_INTENTS and facts.shipped_on:
        if not in_window:
            add(Reason("outside_return_window", INELIGIBLE,
                       f"{serial} could be returned until {_fmt(window_end)}; it is "
                       f"{(today - window_end).days} day(s) late."))
        elif window_end:
            add(Reason("within_return_window", INFO,
                       f"{serial} can be returned until {_fmt(window_end)}."))
    if intent == "exchange" and window_end and in_window:
        add(Reason("within_return_window", INFO,
                   f"{serial} can be exchanged until {_fmt(window_end)}."))
    elif intent in COVERING:
        covering, missing = _coverage_reason(facts, intent, today)
        if missing:
            if intent == "exchange" and window_end:
                add(Reason("outside_return_window", INELIGIBLE,
                           f"{serial} could be exchanged without coverage until "
                           f"{_fmt(window_end)}."))
            add(missing)
        for coverage in covering:
            add(Reason("covered", INFO,
                       f"{serial} is covered by {coverage.name} from {_fmt(coverage.start)} "
                       f"until {_fmt(coverage.end)}."))
    if facts.max_repairs and facts.repairs > facts.max_repairs:
        add(Reason("repaired_too_often", REVIEW,
                   f"{serial} has been repaired {facts.repairs} times, more than the "
                   f"{facts.max_repairs} its policy allows without a review."))
    severities = {reason.severity for reason in reasons}
    if INELIGIBLE in severities:
        verdict = INELIGIBLE
    elif REVIEW in severities:
        verdict = REVIEW
    else:
        verdict = ELIGIBLE
    return Verdict(verdict, tuple(reasons))
