"""Genealogy trees: turn the flat links of a recursive query into a nested tree.

A genealogy link says that a component (``component``, the upstream lot) went into a
unit (``unit``, the downstream lot). From one serial, the tree *down* lists every unit
it went into, at any depth; the tree *up* lists everything it is made of.

Links form a directed acyclic graph, not a tree: a lot of glue goes into many units,
and a unit can meet the same lot on two paths. A lot reached a second time is shown
again but not expanded again (``repeated``), so a tree never grows beyond the number of
links, and a limit on the nodes keeps screens usable on lots that reach 100,000 units.
"""

from collections import defaultdict, deque
from dataclasses import dataclass, field

DOWN = "down"  # the units a lot went into
UP = "up"  # the components a unit is made of


@dataclass(frozen=True)
class Edge:
    """One link: ``component`` went into ``unit``."""

    component: int
    unit: int
    quantity: float = 1.0
    link_type: str = "built_in"
    date_from: object = None
    date_to: object = None
    document: str = ""
    key: object = None  # the link's id, when it comes from the database


@dataclass
class Node:
    """One place of a lot in the tree.

    :ivar edge: the link to the node above (``None`` for the root).
    :ivar repeated: the lot was already expanded elsewhere in this tree.
    :ivar hidden: number of children left out because of the node limit.
    """

    lot: int
    depth: int = 0
    edge: Edge | None = None
    children: list = field(default_factory=list)
    repeated: bool = False
    hidden: int = 0


@dataclass
class TreeStats:
    nodes: int = 0
    lots: int = 0
    depth: int = 0
    hidden: int = 0
    repeated: int = 0


def neighbours(edges, direction):
    """``{lot: [(neighbour, edge), ...]}`` following ``direction`` (``DOWN`` or ``UP``)."""
    if direction not in (DOWN, UP):
        raise ValueError(f"unknown direction {direction!r}")
    adjacency = defaultdict(list)
    for edge in edges:
        if direction == DOWN:
            adjacency[edge.component].append((edge.unit, edge))
        else:
            adjacency[edge.unit].append((edge.component, edge))
    return adjacency


def build_tree(root, edges, direction, max_nodes=None, sort_key=None):
    """Nest ``edges`` into a tree below ``root``, breadth first.

    :param edges: iterable of :class:`Edge` (more than needed is fine: only the links
        reachable from ``root`` in ``direction`` are used).
    :param max_nodes: most nodes to place below the root; the rest is counted in the
        ``hidden`` of the nodes whose children were cut. ``None``: no limit.
    :param sort_key: ``f(lot)`` ordering siblings (default: the order of ``edges``).
    :returns: ``(root node, TreeStats)``.
    """
    adjacency = neighbours(edges, direction)
    tree = Node(root)
    stats = TreeStats(lots=1)
    expanded = {root}
    queue = deque([tree])
    while queue:
        node = queue.popleft()
        children = adjacency.get(node.lot, [])
        if sort_key is not None:
            children = sorted(children, key=lambda pair: sort_key(pair[0]))
        for lot, edge in children:
            if max_nodes is not None and stats.nodes >= max_nodes:
                node.hidden += 1
                stats.hidden += 1
                continue
            child = Node(lot, node.depth + 1, edge)
            node.children.append(child)
            stats.nodes += 1
            stats.depth = max(stats.depth, child.depth)
            if lot in expanded:
                child.repeated = True
                stats.repeated += 1
                continue
            expanded.add(lot)
            stats.lots += 1
            queue.append(child)
    return tree, stats


def walk(node):
    """Every node of the tree in display order (depth first, parents before children)."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(current.children))


def lots_of(node):
    """The distinct lots of a tree, root included."""
    return {current.lot for current in walk(node)}


def reachable(root, edges, direction):
    """Every lot reachable from ``root`` (excluded) in ``direction``: the set answer
    :meth:`stock.lot._serial_descendants` / ``_serial_ancestors`` give in SQL."""
    adjacency = neighbours(edges, direction)
    seen = set()
    stack = [root]
    while stack:
        for lot, _edge in adjacency.get(stack.pop(), []):
            if lot not in seen:
                seen.add(lot)
                stack.append(lot)
    seen.discard(root)
    return seen
