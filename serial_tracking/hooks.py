import logging
import time

_logger = logging.getLogger(__name__)


def post_init_hook(env):
    """Give existing warehouses a quarantine location and existing serials a state."""
    env["stock.warehouse"].with_context(active_test=False).search(
        []
    )._serial_ensure_quarantine_locations()
    started = time.perf_counter()
    count = env["stock.lot"]._serial_backfill()
    _logger.info("Back-filled %s serials in %.1fs", count, time.perf_counter() - started)


def uninstall_hook(env):
    """Leave the demo products and partners behind as ordinary records.

    Demo receipts and deliveries refer to them, and stock history is never deleted, so
    Odoo could not remove them anyway; forgetting their external ids keeps the
    uninstallation clean instead of failing on each of them.
    """
    env["ir.model.data"].search([
        ("module", "=", "serial_tracking"),
        ("model", "in", ("product.product", "product.template", "res.partner")),
    ]).unlink()
