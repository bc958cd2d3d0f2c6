"""Which bulk operations may bypass Odoo's methods, decided from who overrides them.

The suite's set-based paths (``models/bulk/``) stand in for Odoo methods on big batches:
they write rows that ``stock.lot.create`` or ``stock.quant.create`` would have written, or
run Odoo's checks on the few records that can fail them. That is only the same as Odoo's
path while nobody else hooks those methods: a module that counts, values or locks records
in an override would never see the ones written behind it. Each operation names the
methods it bypasses; it runs only when every override of them comes from a module whose
code we have read (Odoo's ``stock`` and what it is built on, ``mrp``, ``product_expiry``,
and this suite).
"""

from typing import NamedTuple

# From this many records on, an operation takes its set-based path (when allowed); below,
# Odoo's own path is fast enough.
BULK_MIN = 500

# The addons of this suite: their overrides are part of the set-based paths' design.
SUITE_MODULES = frozenset(
    {
        "serial_tracking",
        "serial_tracking_mrp",
        "serial_tracking_repair",
        "serial_tracking_helpdesk",
        "serial_tracking_account",
    }
)

# The methods each set-based operation stands in for, as (model, method).
OPERATIONS = {
    # serial.numbering._create_serials: rows copied from one lot made by the ORM
    "create_serials": (("stock.lot", "create"),),
    # serial.numbering._add_move_lines: one column written on Odoo's placeholder lines,
    # the other lines copied from one line made by the ORM
    "create_lines": (("stock.move.line", "create"), ("stock.move.line", "write")),
    # receipt validation: the quants of one line of each kind copied for the others
    "receive_quants": (
        ("stock.move.line", "_action_done"),
        ("stock.move.line", "_synchronize_quant"),
        ("stock.quant", "create"),
        ("stock.quant", "_update_available_quantity"),
    ),
    # a recall's transfer into quarantine: each serial's one quant changes location
    "relocate_quants": (
        ("stock.move.line", "_action_done"),
        ("stock.move.line", "_synchronize_quant"),
        ("stock.quant", "create"),
        ("stock.quant", "write"),
        ("stock.quant", "_update_available_quantity"),
        ("stock.quant", "_update_reserved_quantity"),
    ),
    # Odoo's checks run on the records the database says can fail them
    "quant_check": (("stock.quant", "check_quantity"),),
    "company_check": (("stock.move.line", "_check_company"),),
    "unique_serial_check": (("stock.lot", "_check_unique_lot"),),
    "sanity_check": (("stock.picking", "_get_lot_move_lines_for_sanity_check"),),
    # serial.event._append: big batches of ledger events in one statement
    "ledger_append": (("serial.event", "create"),),
    # the back-fill on installation: states and "imported" events of existing serials
    "backfill": (("stock.lot", "write"), ("serial.event", "create")),
}

# Odoo modules whose overrides of those methods were read and are known to do nothing
# the set-based paths leave out (mrp's, for instance, act on production lines only).
REVIEWED_MODULES = frozenset({"stock", "mrp", "product_expiry"})

# Marks a method found on the registry's own class: set at run time (an automated
# action's patch), by nobody we know.
PATCHED = "(patched at registry load)"


class Verdict(NamedTuple):
    """Whether ``operation`` may take its set-based path, and if not, who stops it."""

    operation: str
    enabled: bool
    module: str = ""
    method: str = ""

    def reason(self):
        """One line for the log: which module turned the fast path off, and why."""
        if self.enabled:
            return f"{self.operation}: set-based path on"
        return (
            f"{self.operation}: set-based path off, Odoo's own path runs: module "
            f"{self.module} overrides {self.method}, which the set-based path would "
            f"bypass"
        )


def decide(operation, overriders, trusted):
    """The verdict for ``operation``.

    :param overriders: ``{(model, method): [module, ...]}``: the modules whose classes
        define each method, from the model's method resolution order (``PATCHED`` for
        the registry's own class)
    :param trusted: modules allowed to override them (reviewed ones, the foundation
        ``stock`` is built on, this suite)
    """
    for model, method in OPERATIONS[operation]:
        for module in overriders.get((model, method), ()):
            if module not in trusted:
                return Verdict(operation, False, module, f"{model}.{method}")
    return Verdict(operation, True)


def trusted_modules(foundation):
    """The modules whose overrides a set-based path may bypass.

    :param foundation: ``stock`` and every module it depends on, transitively
    """
    return frozenset(foundation) | REVIEWED_MODULES | SUITE_MODULES


def dependency_closure(module, depends_of):
    """``module`` and everything it depends on, transitively.

    :param depends_of: ``callable(name) -> iterable of names``
    """
    seen = set()
    todo = [module]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        todo.extend(depends_of(name))
    return seen
