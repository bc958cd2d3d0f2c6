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
