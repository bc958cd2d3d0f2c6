from hypothesis import given
from hypothesis import strategies as st

from serial_tracking.tools import genealogy_tree as gt
from serial_tracking.tools.genealogy_tree import DOWN, UP, Edge

# cell1, cell2 -> module1; cell3 -> module2; module1, module2 -> pack -> car;
# glue goes into both modules (a lot shared by two units).
EDGES = [
    Edge("cell1", "module1"),
    Edge("cell2", "module1"),
    Edge("cell3", "module2"),
    Edge("glue", "module1", 0.5),
    Edge("glue", "module2", 0.5),
    Edge("module1", "pack"),
    Edge("module2", "pack"),
    Edge("pack", "car"),
]


def _shape(node):
    """``(lot, [children...])`` with repeated nodes marked by a star."""
    label = node.lot + ("*" if node.repeated else "")
    return (label, [_shape(child) for child in node.children])


def test_tree_up_lists_what_a_unit_is_made_of_at_every_depth():
    tree, stats = gt.build_tree("car", EDGES, UP, sort_key=str)
    assert _shape(tree) == (
        "car",
        [
            (
                "pack",
                [
                    ("module1", [("cell1", []), ("cell2", []), ("glue", [])]),
                    ("module2", [("cell3", []), ("glue*", [])]),
                ],
            ),
        ],
    )
    assert (stats.nodes, stats.lots, stats.depth, stats.repeated) == (8, 8, 3, 1)


def test_tree_down_lists_every_unit_a_lot_went_into():
    tree, stats = gt.build_tree("glue", EDGES, DOWN, sort_key=str)
    assert _shape(tree) == (
        "glue",
        [
            ("module1", [("pack", [("car", [])])]),
            ("module2", [("pack*", [])]),
        ],
    )
    assert stats.depth == 3
    edge_of_module2 = tree.children[1].edge
    assert (edge_of_module2.quantity, edge_of_module2.unit) == (0.5, "module2")


def test_the_node_limit_cuts_breadth_first_and_counts_what_it_left_out():
    tree, stats = gt.build_tree("car", EDGES, UP, max_nodes=3, sort_key=str)
    assert _shape(tree) == ("car", [("pack", [("module1", []), ("module2", [])])])
    assert stats.nodes == 3
    # module1 has three children and module2 two, none of them placed
    assert stats.hidden == 5
    assert [child.hidden for child in tree.children[0].children] == [3, 2]


def test_a_lot_without_links_is_a_lone_root():
    tree, stats = gt.build_tree("spare", EDGES, DOWN)
    assert (tree.lot, tree.children, stats.nodes) == ("spare", [], 0)


def test_a_cycle_in_bad_data_does_not_loop():
    tree, stats = gt.build_tree("a", [Edge("a", "b"), Edge("b", "a")], DOWN)
    assert _shape(tree) == ("a", [("b", [("a*", [])])])


def test_walk_is_display_order():
    tree, _stats = gt.build_tree("car", EDGES, UP, sort_key=str)
    assert [(node.lot, node.depth) for node in gt.walk(tree)] == [
        ("car", 0),
        ("pack", 1),
        ("module1", 2),
        ("cell1", 3),
        ("cell2", 3),
        ("glue", 3),
        ("module2", 2),
        ("cell3", 3),
        ("glue", 3),
    ]


def test_unknown_direction_is_refused():
    try:
        gt.build_tree("car", EDGES, "sideways")
    except ValueError as error:
        assert "sideways" in str(error)
    else:
        raise AssertionError("expected ValueError")


@st.composite
def dags(draw):
    """Random acyclic genealogies: links only go from a lower to a higher number."""
    size = draw(st.integers(2, 25))
    pairs = draw(
        st.lists(
            st.tuples(st.integers(0, size - 1), st.integers(0, size - 1)).filter(
                lambda pair: pair[0] < pair[1]
            ),
            max_size=60,
            unique=True,
        )
    )
    return size, [Edge(a, b) for a, b in pairs]


@given(dags(), st.sampled_from([DOWN, UP]))
def test_the_tree_holds_exactly_the_reachable_lots(dag, direction):
    size, edges = dag
    for root in range(size):
        tree, stats = gt.build_tree(root, edges, direction)
        assert gt.lots_of(tree) - {root} == gt.reachable(root, edges, direction)
        assert stats.lots == len(gt.lots_of(tree))
        # each lot is expanded once: a tree never has more nodes than links
        assert stats.nodes <= len(edges)
        assert sum(1 for node in gt.walk(tree) if not node.repeated) == stats.lots


@given(dags(), st.integers(0, 10))
def test_a_limited_tree_is_a_prefix_of_the_full_one(dag, limit):
    _size, edges = dag
    full, full_stats = gt.build_tree(0, edges, DOWN)
    cut, cut_stats = gt.build_tree(0, edges, DOWN, max_nodes=limit)
    assert cut_stats.nodes == min(limit, full_stats.nodes)
    assert cut_stats.nodes + cut_stats.hidden >= min(full_stats.nodes, limit)
    assert gt.lots_of(cut) <= gt.lots_of(full)
