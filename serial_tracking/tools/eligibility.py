"""Return, repair, exchange and refund eligibility of one serial, explained.

The model gathers the facts (:class:`Facts`) in a few queries; :func:`evaluate` applies
every rule and returns a verdict with every reason that applies, each with a stable
code and a sentence a service agent can read to the customer. Reasons of severity
``info`` explain an eligible verdict (until when it is covered or returnable); every
eligible verdict has at least one.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from . import lifecycle
from .warranty import COVERAGE_TYPES, CUSTOMER_TYPES, TRIGGERS, VOID

ELIGIBLE = "eligible"
INELIGIBLE = "ineligible"
REVIEW = "review"
VERDICTS = [(ELIGIBLE, "Eligible"), (INELIGIBLE, "Ineligible"), (REVIEW, "Review")]

INTENTS = [
    ("return", "Return"),
    ("repair", "Repair"),
    ("exchange", "Exchange"),
    ("refund", "Refund"),
]
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
    ("no_return_window", "No return window"),
    ("covered", "Covered"),
]


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


# The sentence of each reason, in English, by template key. A reason carries its key and
# its parameters, so that the model renders it in the reader's language (its own copy
# of these sentences is marked for translation; a test keeps both the same).
# ``intent``, ``coverage_type`` and ``trigger`` parameters are codes, rendered as labels.
SENTENCES = {
    "unknown_serial": "%(serial)s is not a serial number we know: check the number on the "
    "unit's label.",
    "other_product": "%(serial)s is a serial of %(product)s, not of %(expected_product)s.",
    "scrapped": "%(serial)s was scrapped.",
    "quarantined": "%(serial)s is in quarantine: it must be released before anything else "
    "happens to it.",
    "recalled": "%(serial)s is under a recall: handle it through the recall campaign.",
    "recalled_ref": "%(serial)s is under a recall (%(recall)s): handle it through the recall "
    "campaign.",
    "never_shipped": "%(serial)s was never shipped to a customer.",
    "no_customer": "No customer was given for %(serial)s: it was shipped to %(shipped_to)s; "
    "check who asks.",
    "no_customer_unnamed": "No customer was given for %(serial)s: it was shipped to a "
    "customer; check who asks.",
    "other_customer": "%(serial)s was shipped to %(shipped_to)s, not to %(customer)s.",
    "other_customer_unnamed": "%(serial)s was shipped to another customer, not to %(customer)s.",
    "already_returned": "%(serial)s is no longer at the customer: it came back after its "
    "shipment on %(shipped_on)s.",
    "outside_return_window": "%(serial)s could be returned until %(window_end)s; it is "
    "%(days)s day(s) late.",
    "within_return_window": "%(serial)s can be returned until %(window_end)s.",
    "no_return_window": "%(serial)s was shipped on %(shipped_on)s and no return window "
    "applies to it: it can be returned at any time.",
    "within_exchange_window": "%(serial)s can be exchanged until %(window_end)s.",
    "outside_exchange_window": "%(serial)s could be exchanged without coverage until "
    "%(window_end)s.",
    "coverage_ended": "%(serial)s is not covered for %(intent)s: its %(coverage_type)s "
    "coverage ended on %(end)s.",
    "coverage_not_started": "%(serial)s is not covered for %(intent)s: its %(coverage_type)s "
    "coverage has not started: it starts at %(trigger)s.",
    "coverage_voided": "%(serial)s is not covered for %(intent)s: its coverage was voided.",
    "no_coverage": "%(serial)s is not covered for %(intent)s: it has no coverage that pays for it.",
    "covered": "%(serial)s is covered by %(coverage_type)s from %(start)s until %(end)s.",
    "repaired_too_often": "%(serial)s has been repaired %(repairs)s times, more than the "
    "%(max_repairs)s its policy allows without a review.",
}
# Parameters that are codes of a vocabulary, and the English labels of each.
LABELLED_PARAMS = {
    "intent": {code: label.lower() for code, label in INTENTS},
    "coverage_type": dict(COVERAGE_TYPES),
    "trigger": {code: label.lower() for code, label in TRIGGERS},
}


def render(template, params, sentences=None, labels=None):
    """The sentence ``template`` with ``params``; codes in ``LABELLED_PARAMS`` become
    their labels. ``sentences`` and ``labels`` default to English."""
    sentences = sentences or SENTENCES
    labels = labels or LABELLED_PARAMS
    values = dict(params)
    for key, table in labels.items():
        if key in values:
            values[key] = table.get(values[key], values[key])
    return sentences[template] % values


@dataclass(frozen=True)
class Reason:
    """One reason of a verdict: a stable ``code``, and the ``template`` and ``params``
    of its sentence (see :data:`SENTENCES`)."""

    code: str
    severity: str
    template: str
    params: dict = field(default_factory=dict, hash=False, compare=False)

    @property
    def message(self):
        """The sentence in English."""
        return render(self.template, self.params)

    def as_dict(self):
        return {
            "code": self.code,
            "severity": self.severity,
            "template": self.template,
            "params": dict(self.params),
            "message": self.message,
        }


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
    windows = [
        c.return_window_days
        for c in facts.coverages
        if c.coverage_type in CUSTOMER_TYPES and c.return_window_days
    ]
    if not windows or not facts.shipped_on:
        return None
    return facts.shipped_on + timedelta(days=max(windows))


def _coverage_reason(facts, intent, today):
    """``(covering coverages, reason if none covers)`` for repair and exchange."""
    kinds = COVERING[intent]
    # Dates decide, not the stored state: a verdict does not wait for the daily job.
    relevant = [c for c in facts.coverages if c.coverage_type in kinds]
    live = [c for c in relevant if c.state != VOID]
    covering = [
        c for c in live if c.start and c.start <= today and (c.end is None or today <= c.end)
    ]
    if covering:
        return covering, None
    params = {"serial": facts.serial, "intent": intent}
    ended = sorted((c for c in live if c.end and c.end < today), key=lambda c: c.end or date.min)
    pending = [c for c in live if not c.start or c.start > today]
    if ended:
        last = ended[-1]
        template = "coverage_ended"
        params.update(coverage_type=last.coverage_type, end=_fmt(last.end))
    elif pending:
        first = pending[0]
        template = "coverage_not_started"
        params.update(coverage_type=first.coverage_type, trigger=first.trigger)
    elif relevant:
        template = "coverage_voided"
    else:
        template = "no_coverage"
    return [], Reason("no_coverage", INELIGIBLE, template, params)


def evaluate(facts, intent, today):
    """Apply every rule to ``facts`` and return the :class:`Verdict`.

    :param intent: ``return``, ``repair``, ``exchange`` or ``refund``.
    :param today: the date the customer asks on.
    """
    if intent not in dict(INTENTS):
        raise ValueError(f"unknown intent {intent!r}")
    serial = facts.serial
    if not facts.known:
        return Verdict(
            INELIGIBLE,
            (Reason("unknown_serial", INELIGIBLE, "unknown_serial", {"serial": serial}),),
        )
    reasons = []

    def add(code, severity, template=None, **params):
        reasons.append(Reason(code, severity, template or code, dict(params, serial=serial)))

    if not facts.product_ok:
        add(
            "other_product",
            INELIGIBLE,
            product=facts.product,
            expected_product=facts.expected_product,
        )
    state = facts.state
    if state == lifecycle.SCRAPPED:
        add("scrapped", INELIGIBLE)
    if state == lifecycle.QUARANTINED:
        add("quarantined", INELIGIBLE)
    if facts.recalled:
        if facts.recall_ref:
            add("recalled", REVIEW, "recalled_ref", recall=facts.recall_ref)
        else:
            add("recalled", REVIEW)
    if not facts.shipped_on:
        add("never_shipped", INELIGIBLE)
    elif not facts.customer:
        if facts.shipped_to_name:
            add("no_customer", REVIEW, shipped_to=facts.shipped_to_name)
        else:
            add("no_customer", REVIEW, "no_customer_unnamed")
    elif facts.shipped_to != facts.customer:
        if facts.shipped_to_name:
            add(
                "other_customer",
                INELIGIBLE,
                shipped_to=facts.shipped_to_name,
                customer=facts.customer_name,
            )
        else:
            add(
                "other_customer", INELIGIBLE, "other_customer_unnamed", customer=facts.customer_name
            )
    if (
        intent in _TAKE_BACK
        and facts.shipped_on
        and (facts.returned_since_shipment or state != lifecycle.SHIPPED)
        and state not in (lifecycle.SCRAPPED, lifecycle.QUARANTINED)
    ):
        add("already_returned", INELIGIBLE, shipped_on=_fmt(facts.shipped_on))
    window_end = return_window_end(facts)
    in_window = window_end is None or today <= window_end
    if intent in _WINDOW_INTENTS and facts.shipped_on:
        if not in_window:
            add(
                "outside_return_window",
                INELIGIBLE,
                window_end=_fmt(window_end),
                days=(today - window_end).days,
            )
        elif window_end:
            add("within_return_window", INFO, window_end=_fmt(window_end))
        else:
            # eligible or not, the verdict says what it rests on
            add("no_return_window", INFO, shipped_on=_fmt(facts.shipped_on))
    if intent == "exchange" and window_end and in_window:
        add("within_return_window", INFO, "within_exchange_window", window_end=_fmt(window_end))
    elif intent in COVERING:
        covering, missing = _coverage_reason(facts, intent, today)
        if missing:
            if intent == "exchange" and window_end:
                add(
                    "outside_return_window",
                    INELIGIBLE,
                    "outside_exchange_window",
                    window_end=_fmt(window_end),
                )
            reasons.append(missing)
        for coverage in covering:
            add(
                "covered",
                INFO,
                coverage_type=coverage.coverage_type,
                start=_fmt(coverage.start),
                end=_fmt(coverage.end),
            )
    if facts.max_repairs and facts.repairs > facts.max_repairs:
        add("repaired_too_often", REVIEW, repairs=facts.repairs, max_repairs=facts.max_repairs)
    severities = {reason.severity for reason in reasons}
    if INELIGIBLE in severities:
        verdict = INELIGIBLE
    elif REVIEW in severities:
        verdict = REVIEW
    else:
        verdict = ELIGIBLE
    return Verdict(verdict, tuple(reasons))
