from hypothesis import given
from hypothesis import strategies as st

from serial_tracking.tools import unit_assignment as ua
from serial_tracking.tools.unit_assignment import Consumed, Row

UNITS = ["SRV-1", "SRV-2"]
BOARDS = [Consumed(f"MB-{n}", "board", True) for n in range(1, 5)]
GLUE = [Consumed("G1", "glue", False, 0.6), Consumed("G2", "glue", False, 0.4)]
NEEDS = {"board": 2.0, "glue": 0.5}


def _kinds(problems):
    return sorted((problem.kind, problem.lot or problem.unit) for problem in problems)


def test_even_split_gives_blocks_of_serials_in_consumption_order():
    rows = ua.even_split(UNITS, BOARDS)
    assert rows == [
        Row("SRV-1", "MB-1"),
        Row("SRV-1", "MB-2"),
        Row("SRV-2", "MB-3"),
        Row("SRV-2", "MB-4"),
    ]


def test_even_split_gives_the_first_units_one_more_when_it_does_not_divide():
    rows = ua.even_split(["A", "B", "C"], BOARDS)
    assert [(row.unit, row.lot) for row in rows] == [
        ("A", "MB-1"),
        ("A", "MB-2"),
        ("B", "MB-3"),
        ("C", "MB-4"),
    ]


def test_even_split_shares_lot_quantities_across_lots():
    rows = ua.even_split(UNITS, GLUE)
    assert rows == [Row("SRV-1", "G1", 0.5), Row("SRV-2", "G1", 0.1), Row("SRV-2", "G2", 0.4)]


def test_even_split_merges_a_lot_consumed_on_two_lines():
    rows = ua.even_split(
        ["A"], [Consumed("G1", "glue", False, 0.3), Consumed("G1", "glue", False, 0.2)]
    )
    assert rows == [Row("A", "G1", 0.5)]


def test_the_even_split_is_complete():
    rows = ua.even_split(UNITS, BOARDS + GLUE)
    assert ua.check(UNITS, BOARDS + GLUE, rows, NEEDS) == []


def test_check_names_unassigned_and_doubly_assigned_serials():
    rows = [Row("SRV-1", "MB-1"), Row("SRV-1", "MB-2"), Row("SRV-2", "MB-2"), Row("SRV-2", "MB-3")]
    problems = ua.check(UNITS, BOARDS, rows, NEEDS)
    assert _kinds(problems) == [("duplicate", "MB-2"), ("unassigned", "MB-4")]
    duplicate = next(problem for problem in problems if problem.kind == "duplicate")
    assert duplicate.units == ("SRV-1", "SRV-2")


def test_check_names_a_unit_lacking_a_component():
    rows = [Row("SRV-1", "MB-1"), Row("SRV-1", "MB-2"), Row("SRV-1", "MB-3"), Row("SRV-2", "MB-4")]
    problems = ua.check(UNITS, BOARDS, rows, NEEDS)
    assert _kinds(problems) == [("missing", "SRV-2")]
    assert (problems[0].assigned, problems[0].needed, problems[0].product) == (1.0, 2.0, "board")


def test_a_short_consumption_needs_only_one_of_each_per_unit():
    consumed = BOARDS[:3]  # flexible BoM: 3 boards for 2 units needing 2 each
    rows = [Row("SRV-1", "MB-1"), Row("SRV-1", "MB-2"), Row("SRV-2", "MB-3")]
    assert ua.check(UNITS, consumed, rows, NEEDS) == []
    rows = [Row("SRV-1", "MB-1"), Row("SRV-1", "MB-2"), Row("SRV-1", "MB-3")]
    assert _kinds(ua.check(UNITS, consumed, rows, NEEDS)) == [("missing", "SRV-2")]


def test_check_names_lot_quantities_that_do_not_add_up():
    rows = [Row("SRV-1", "G1", 0.5), Row("SRV-2", "G2", 0.4)]
    problems = ua.check(UNITS, GLUE, rows, NEEDS)
    assert _kinds(problems) == [("quantity", "G1")]
    assert (problems[0].consumed, problems[0].assigned) == (0.6, 0.5)


def test_a_lot_component_is_needed_in_some_quantity():
    rows = [Row("SRV-1", "G1", 0.6), Row("SRV-1", "G2", 0.4)]
    assert _kinds(ua.check(UNITS, GLUE, rows, NEEDS)) == [("missing", "SRV-2")]


def test_check_names_components_not_consumed_and_foreign_units():
    rows = ua.even_split(UNITS, BOARDS) + [Row("SRV-2", "MB-9"), Row("SRV-7", "MB-1")]
    problems = ua.check(UNITS, BOARDS, rows, NEEDS)
    assert _kinds(problems) == [("not_consumed", "MB-9"), ("unknown_unit", "SRV-7")]


@given(
    st.integers(1, 6),
    st.lists(st.integers(1, 3), min_size=0, max_size=4),
    st.lists(st.integers(1, 500), min_size=0, max_size=4),
)
def test_every_even_split_passes_the_check(unit_count, serial_counts, lot_centis):
    units = [f"U{n}" for n in range(unit_count)]
    consumed = []
    for product, count in enumerate(serial_counts):
        consumed += [
            Consumed(f"S{product}-{n}", f"serial{product}", True) for n in range(count * unit_count)
        ]
    consumed += [
        Consumed(f"L{n}", "lot", False, centis / 100) for n, centis in enumerate(lot_centis)
    ]
    needs = {f"serial{product}": float(count) for product, count in enumerate(serial_counts)}
    rows = ua.even_split(units, consumed)
    problems = ua.check(units, consumed, rows, needs)
    # a lot total smaller than one rounding step per unit cannot reach every unit
    lot_total = sum(lot_centis)
    problems = [
        p
        for p in problems
        if not (p.kind == "missing" and p.product == "lot" and lot_total < unit_count)
    ]
    assert problems == []
