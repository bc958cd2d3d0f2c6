from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from serial_tracking.tools import eligibility as el
from serial_tracking.tools import lifecycle as lc
from serial_tracking.tools import warranty as w

TODAY = date(2025, 6, 1)
SHIPPED_ON = date(2025, 5, 20)
FULL = el.Coverage("full", w.ACTIVE, date(2025, 5, 20), date(2026, 5, 19), "shipment", 30)
# A serial at its customer, in its return window, fully covered.
GOOD = el.Facts(
    serial="SN-1",
    product="Laptop",
    state=lc.SHIPPED,
    shipped_on=SHIPPED_ON,
    shipped_to=7,
    shipped_to_name="Customer Inc",
    customer=7,
    customer_name="Customer Inc",
    coverages=(FULL,),
)
INTENTS = [intent for intent, _label in el.INTENTS]


def codes(facts, intent="return", today=TODAY):
    verdict = el.evaluate(facts, intent, today)
    return verdict.verdict, sorted(r.code for r in verdict.reasons if r.severity != el.INFO)


@pytest.mark.parametrize("intent", INTENTS)
def test_good_serial_is_eligible_with_an_explanation(intent):
    verdict = el.evaluate(GOOD, intent, TODAY)
    assert verdict.verdict == el.ELIGIBLE
    assert verdict.reasons, "an eligible verdict still says why"
    assert all(r.severity == el.INFO for r in verdict.reasons)
    assert all("SN-1" in r.message for r in verdict.reasons)


@pytest.mark.parametrize(
    ("change", "intent", "expected"),
    [
        ({"known": False}, "return", (el.INELIGIBLE, ["unknown_serial"])),
        (
            {"product_ok": False, "expected_product": "Phone"},
            "return",
            (el.INELIGIBLE, ["other_product"]),
        ),
        (
            {
                "shipped_on": None,
                "shipped_to": None,
                "state": lc.IN_STOCK,
                "coverages": (el.Coverage("full", w.PENDING, trigger="shipment"),),
            },
            "repair",
            (el.INELIGIBLE, ["never_shipped", "no_coverage"]),
        ),
        (
            {"shipped_on": None, "shipped_to": None, "state": lc.IN_STOCK, "coverages": ()},
            "return",
            (el.INELIGIBLE, ["never_shipped"]),
        ),
        (
            {"customer": 8, "customer_name": "Other Co"},
            "return",
            (el.INELIGIBLE, ["other_customer"]),
        ),
        ({"customer": None}, "return", (el.REVIEW, ["no_customer"])),
        (
            {"state": lc.RETURNED, "returned_since_shipment": True},
            "return",
            (el.INELIGIBLE, ["already_returned"]),
        ),
        ({"state": lc.RETURNED, "returned_since_shipment": True}, "repair", (el.ELIGIBLE, [])),
        ({}, "return", (el.ELIGIBLE, [])),
        ({"state": lc.QUARANTINED}, "repair", (el.INELIGIBLE, ["quarantined"])),
        ({"state": lc.SCRAPPED}, "repair", (el.INELIGIBLE, ["scrapped"])),
        ({"recalled": True, "recall_ref": "RC-1"}, "repair", (el.REVIEW, ["recalled"])),
        ({"repairs": 4, "max_repairs": 3}, "repair", (el.REVIEW, ["repaired_too_often"])),
        ({"repairs": 3, "max_repairs": 3}, "repair", (el.ELIGIBLE, [])),
        ({"repairs": 9, "max_repairs": 0}, "repair", (el.ELIGIBLE, [])),
    ],
)
def test_each_reason_alone(change, intent, expected):
    assert codes(replace(GOOD, **change), intent) == expected


def test_outside_the_return_window():
    late = TODAY + timedelta(days=40)
    verdict, found = codes(GOOD, "return", late)
    assert (verdict, found) == (el.INELIGIBLE, ["outside_return_window"])
    message = el.evaluate(GOOD, "refund", late).blocking()[0].message
    assert "2025-06-19" in message and "22 day(s) late" in message
    # a repair does not care about the return window
    assert codes(GOOD, "repair", late) == (el.ELIGIBLE, [])
    # an exchange falls back on a full coverage once the window is closed
    assert codes(GOOD, "exchange", late) == (el.ELIGIBLE, [])


def test_no_return_window_means_no_limit():
    facts = replace(GOOD, coverages=(replace(FULL, return_window_days=0),))
    assert codes(facts, "return", TODAY + timedelta(days=900)) == (el.ELIGIBLE, [])
    # and the verdict says so, rather than an empty "why"
    verdict = el.evaluate(facts, "refund", TODAY + timedelta(days=900))
    assert [(r.code, r.severity) for r in verdict.reasons] == [("no_return_window", el.INFO)]
    assert verdict.reasons[0].message == (
        "SN-1 was shipped on 2025-05-20 and no return window applies to it: it can be "
        "returned at any time."
    )
    # no coverage at all: the same
    verdict = el.evaluate(replace(GOOD, coverages=()), "return", TODAY)
    assert (verdict.verdict, verdict.codes) == (el.ELIGIBLE, ["no_return_window"])


def test_no_coverage_names_what_ended_when():
    ended = replace(FULL, state=w.EXPIRED, start=date(2023, 1, 1), end=date(2024, 12, 31))
    parts = el.Coverage("parts", w.EXPIRED, date(2023, 1, 1), date(2024, 6, 30), "shipment")
    facts = replace(GOOD, coverages=(parts, ended))
    verdict = el.evaluate(facts, "repair", TODAY)
    assert verdict.verdict == el.INELIGIBLE
    assert verdict.codes == ["no_coverage"]
    assert "Full coverage ended on 2024-12-31" in verdict.reasons[0].message


def test_pending_coverage_says_what_starts_it():
    pending = el.Coverage("full", w.PENDING, trigger="installation")
    verdict = el.evaluate(replace(GOOD, coverages=(pending,)), "repair", TODAY)
    assert verdict.codes == ["no_coverage"]
    assert "starts at installation" in verdict.reasons[0].message


def test_exchange_needs_full_or_extended_coverage_after_the_window():
    parts = el.Coverage("parts", w.ACTIVE, SHIPPED_ON, date(2026, 5, 19), "shipment", 10)
    facts = replace(GOOD, coverages=(parts,))
    assert codes(facts, "exchange", TODAY + timedelta(days=30)) == (
        el.INELIGIBLE,
        ["no_coverage", "outside_return_window"],
    )
    assert codes(facts, "repair", TODAY + timedelta(days=30)) == (el.ELIGIBLE, [])


def test_supplier_coverage_does_not_cover_the_customer():
    supplier = el.Coverage("supplier", w.ACTIVE, SHIPPED_ON, date(2027, 1, 1), "receipt")
    assert codes(replace(GOOD, coverages=(supplier,)), "repair") == (el.INELIGIBLE, ["no_coverage"])


def test_reasons_combine():
    facts = replace(
        GOOD,
        customer=8,
        customer_name="Other Co",
        state=lc.QUARANTINED,
        recalled=True,
        repairs=5,
        max_repairs=2,
        coverages=(),
    )
    assert codes(facts, "repair") == (
        el.INELIGIBLE,
        ["no_coverage", "other_customer", "quarantined", "recalled", "repaired_too_often"],
    )
    late = TODAY + timedelta(days=400)
    facts = replace(GOOD, state=lc.RETURNED, returned_since_shipment=True)
    assert codes(facts, "refund", late) == (
        el.INELIGIBLE,
        ["already_returned", "outside_return_window"],
    )


def test_unknown_intent_is_refused():
    with pytest.raises(ValueError):
        el.evaluate(GOOD, "steal", TODAY)


# --- properties -----------------------------------------------------------------------

FACTS = st.builds(
    el.Facts,
    serial=st.just("SN-P"),
    known=st.booleans(),
    product_ok=st.booleans(),
    state=st.sampled_from([state for state, _label in lc.STATES]),
    shipped_on=st.one_of(st.none(), st.dates(date(2020, 1, 1), date(2026, 1, 1))),
    shipped_to=st.sampled_from([None, 1, 2]),
    customer=st.sampled_from([None, 1, 2]),
    returned_since_shipment=st.booleans(),
    recalled=st.booleans(),
    repairs=st.integers(0, 6),
    max_repairs=st.integers(0, 4),
    coverages=st.lists(
        st.builds(
            el.Coverage,
            coverage_type=st.sampled_from([kind for kind, _label in w.COVERAGE_TYPES]),
            state=st.sampled_from([state for state, _label in w.STATES]),
            start=st.one_of(st.none(), st.dates(date(2020, 1, 1), date(2026, 1, 1))),
            end=st.one_of(st.none(), st.dates(date(2020, 1, 1), date(2028, 1, 1))),
            return_window_days=st.integers(0, 60),
        ),
        max_size=3,
    ).map(tuple),
)


@given(FACTS, st.sampled_from(INTENTS), st.dates(date(2020, 1, 1), date(2028, 1, 1)))
def test_verdict_follows_the_worst_reason(facts, intent, today):
    verdict = el.evaluate(facts, intent, today)
    severities = {r.severity for r in verdict.reasons}
    if el.INELIGIBLE in severities:
        assert verdict.verdict == el.INELIGIBLE
    elif el.REVIEW in severities:
        assert verdict.verdict == el.REVIEW
    else:
        assert verdict.verdict == el.ELIGIBLE
    assert all(r.message.startswith(("SN-P", "No customer")) for r in verdict.reasons)
    known_codes = {code for code, _label in el.REASON_CODES}
    assert set(verdict.codes) <= known_codes


@given(FACTS, st.sampled_from(INTENTS), st.dates(date(2020, 1, 1), date(2028, 1, 1)))
def test_an_eligible_verdict_always_says_why(facts, intent, today):
    verdict = el.evaluate(facts, intent, today)
    if verdict.verdict == el.ELIGIBLE:
        assert verdict.reasons, (facts, intent, today)
        assert all(r.severity == el.INFO for r in verdict.reasons)


@given(FACTS, st.sampled_from(INTENTS), st.dates(date(2020, 1, 1), date(2028, 1, 1)))
def test_a_problem_never_makes_a_serial_more_eligible(facts, intent, today):
    rank = {el.ELIGIBLE: 0, el.REVIEW: 1, el.INELIGIBLE: 2}
    base = rank[el.evaluate(facts, intent, today).verdict]
    for worse in (
        replace(facts, state=lc.SCRAPPED),
        replace(facts, recalled=True),
        replace(facts, known=False),
        replace(facts, product_ok=False),
    ):
        assert rank[el.evaluate(worse, intent, today).verdict] >= base


def test_reasons_carry_a_template_and_params_for_translation():
    import json

    late = TODAY + timedelta(days=60)
    facts = replace(
        GOOD,
        customer=8,
        customer_name="Other Co",
        recalled=True,
        recall_ref="RC-1",
        repairs=5,
        max_repairs=2,
    )
    verdict = el.evaluate(facts, "repair", late)
    for reason in verdict.reasons:
        stored = json.loads(json.dumps(reason.as_dict()))
        assert stored["template"] in el.SENTENCES
        assert el.render(stored["template"], stored["params"]) == reason.message
        assert stored["params"]["serial"] == "SN-1"
    # another language: its sentences and labels, the same parameters
    ended = el.evaluate(GOOD, "repair", date(2027, 1, 1)).reasons[0]
    assert ended.template == "coverage_ended"
    german = el.render(
        ended.template,
        ended.params,
        {"coverage_ended": "%(serial)s: %(coverage_type)s endete am %(end)s (%(intent)s)."},
        {"coverage_type": {"full": "Vollschutz"}, "intent": {"repair": "Reparatur"}},
    )
    assert german == "SN-1: Vollschutz endete am 2026-05-19 (Reparatur)."
