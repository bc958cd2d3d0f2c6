import itertools
from collections import defaultdict

from odoo import api, fields, models

from ..tools import ranges

# Ranges and gaps shown on a move; the full list is one click away.
MAX_RANGES_SHOWN = 6
MAX_GAPS_SHOWN = 4


class StockMove(models.Model):
    _inherit = "stock.move"

    serial_ranges = fields.Char(
        string="Serials",
        compute="_compute_serial_ranges",
        help="The serial numbers of the move as ranges, with the numbers missing inside them.",
    )
    serial_line_count = fields.Integer(compute="_compute_serial_ranges")

    @api.depends("move_line_ids.lot_id", "move_line_ids.lot_name")
    def _compute_serial_ranges(self):
        """One query for all moves, so that 100,000 lines never reach the browser."""
        names_by_move = self._serial_names_by_move()
        rules = self.product_id._serial_format_rules()
        for move in self:
            names = names_by_move.get(move._origin.id, [])
            rule = rules.get(move.product_id.id)
            move.serial_line_count = len(names)
            move.serial_ranges = (
                self._serial_ranges_text(names, rule.check_algorithm if rule else "none")
                if names
                else False
            )

    def _serial_delivery_moves(self):
        """Moves that reserve for or ship to a customer: only their serials change
        allocation or can be stopped by a recall."""
        return self.filtered(
            lambda move: (
                move.picking_type_id.code == "outgoing" or move.location_dest_id.usage == "customer"
            )
        )

    def _serial_names_by_move(self):
        move_ids = [move_id for move_id in self._origin.ids if move_id]
        if not move_ids:
            return {}
        self.env["stock.move.line"].flush_model(["move_id", "lot_id", "lot_name"])
        self.env["stock.lot"].flush_model(["name"])
        self.env.cr.execute(
            """SELECT ml.move_id, COALESCE(lot.name, ml.lot_name)
                 FROM stock_move_line ml
            LEFT JOIN stock_lot lot ON lot.id = ml.lot_id
                WHERE ml.move_id = ANY(%s)
                  AND (ml.lot_id IS NOT NULL OR ml.lot_name IS NOT NULL)""",
            [move_ids],
        )
        names = defaultdict(list)
        for move_id, name in self.env.cr.fetchall():
            names[move_id].append(name)
        return names

    @api.model
    def _serial_ranges_text(self, names, check_algorithm="none"):
        """``"SN000001–SN004998, SN005001–SN005000 (5,000 serials; gaps: SN004999–SN005000)"``."""
        compressed = ranges.compress(names, check_algorithm)
        text = ranges.format_ranges(compressed[:MAX_RANGES_SHOWN], check_algorithm)
        if len(compressed) > MAX_RANGES_SHOWN:
            text += self.env._(" … +%(count)s ranges", count=len(compressed) - MAX_RANGES_SHOWN)
        missing = self._serial_gaps(compressed)
        details = self.env._("%(count)s serials", count=f"{len(set(names)):,}")
        if missing:
            gaps_text = ranges.format_ranges(missing[:MAX_GAPS_SHOWN], check_algorithm)
            if len(missing) > MAX_GAPS_SHOWN:
                gaps_text += self.env._(" … +%(count)s", count=len(missing) - MAX_GAPS_SHOWN)
            details += self.env._("; gaps: %(gaps)s", gaps=gaps_text)
        return f"{text} ({details})"

    @api.model
    def _serial_gaps(self, compressed):
        """The numbers missing between consecutive ranges of the same prefix and width."""
        missing = []
        for before, after in itertools.pairwise(compressed):
            if before.is_verbatim or after.is_verbatim or before.key != after.key:
                continue
            missing.append(
                ranges.Range(
                    before.prefix, before.end + 1, after.start - 1, before.width, before.suffix
                )
            )
        return missing

    def _serial_warehouse(self):
        """The warehouse whose code {WH} stands for in the serials of this move."""
        self.ensure_one()
        return (
            self.warehouse_id
            or self.picking_type_id.warehouse_id
            or self.location_dest_id.warehouse_id
            or self.env["stock.warehouse"].search(
                [("company_id", "=", self.company_id.id)], limit=1
            )
        )

    # --- Odoo's "Generate Serials" follows the numbering rule -----------------------

    @api.model
    def action_generate_lot_line_vals(self, context_data, mode, first_lot, count, lot_text):
        """The move's "Generate Serials" dialog: with a rule, the rule's next numbers
        (or counting on from the first number typed, check character included)."""
        move = self
        product = self.env["product.product"].browse(context_data.get("default_product_id"))
        if mode == "generate" and product.tracking == "serial" and count:
            # Odoo's own path (no rule) has no limit either
            self.env["serial.numbering"]._check_serial_count(int(count))
            location = self.env["stock.location"].browse(
                context_data.get("default_location_dest_id")
            )
            names = self.env["serial.numbering"]._next_names(
                product,
                int(count),
                first=(first_lot or "").strip() or None,
                warehouse=location.warehouse_id or None,
            )
            if names:
                move = self.with_context(serial_rule_names=names)
        return super(StockMove, move).action_generate_lot_line_vals(
            context_data, mode, first_lot, count, lot_text
        )

    def _generate_serial_numbers(self, next_serial, next_serial_count=False, location_id=False):
        self.ensure_one()
        move = self
        count = next_serial_count or self.next_serial_count
        if self.product_id.tracking == "serial" and count:
            self.env["serial.numbering"]._check_serial_count(int(count))
            names = self.env["serial.numbering"]._next_names(
                self.product_id,
                count,
                first=(next_serial or "").strip() or None,
                warehouse=self._serial_warehouse(),
            )
            if names:
                move = self.with_context(serial_rule_names=names)
        return super(StockMove, move)._generate_serial_numbers(
            next_serial, next_serial_count, location_id
        )

    # --- actions ------------------------------------------------------------------

    def action_open_serial_generate_wizard(self):
        self.ensure_one()
        return self.env["serial.generate.wizard"]._action_open(move=self)

    def action_open_serial_lines(self):
        """The move's lines in a paginated list, however many there are."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Serials of %(move)s", move=self.reference or self.display_name),
            "res_model": "stock.move.line",
            "view_mode": "list,form",
            "views": [
                (self.env.ref("serial_tracking.stock_move_line_view_list_serials").id, "list"),
                (False, "form"),
            ],
            "domain": [("move_id", "=", self.id)],
            "context": {"create": False},
        }
