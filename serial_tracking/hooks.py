import logging
import time

from odoo.tools import SQL

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
    env["ir.model.data"].search(
        [
            ("module", "=", "serial_tracking"),
            ("model", "in", ("product.product", "product.template", "res.partner")),
        ]
    ).unlink()
    # The demo's warranty policies are held by the coverages they started, which have no
    # external id: Odoo could not delete the policies row by row, and their tables are
    # dropped with the module anyway.
    env["ir.model.data"].search(
        [
            ("module", "=", "serial_tracking"),
            ("model", "in", ("serial.warranty.policy", "serial.warranty.policy.line")),
        ]
    ).unlink()
    # settings the suite wrote at run time (keys, the ledger's formula boundary, limits)
    env["ir.config_parameter"].sudo().search([("key", "=like", "serial\\_tracking.%")]).unlink()
    # Odoo's lot label was hidden on serials while ours printed them: offer it again
    lot_label = env.ref("stock.action_report_lot_label", raise_if_not_found=False)
    if lot_label:
        lot_label.domain = False
    # Those products keep pointing at our rules and policies until the columns are
    # dropped, which comes after Odoo deletes the rules: let go of them first.
    for table in ("product_template", "product_category"):
        for column in ("serial_format_rule_id", "serial_warranty_policy_id"):
            env.cr.execute(
                "SELECT 1 FROM information_schema.columns "
                "WHERE table_name = %s AND column_name = %s",
                [table, column],
            )
            if env.cr.fetchone():
                env.cr.execute(
                    SQL(
                        "UPDATE %s SET %s = NULL WHERE %s IS NOT NULL",
                        SQL.identifier(table),
                        SQL.identifier(column),
                        SQL.identifier(column),
                    )
                )
