from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from odoo.addons.serial_tracking.tools import lifecycle

# Repair states in which the verdict may still change.
_OPEN_STATES = ("draft", "confirmed", "under_repair")
# The claim of a repair the customer pays: no warranty is asked for.
PAID = "paid"
# Context value that lets the verdict and the manager's wizard write the warranty decision.
# A client can send any context key over RPC, but not this object.
WARRANTY_DECIDED = object()
# Written only by the verdict (any user) and the override wizard (managers).
_VERDICT_FIELDS = frozenset({"serial_check_id"})
_OVERRIDE_FIELDS = frozenset(
    {
        "serial_warranty_override",
        "serial_override_reason_id",
        "serial_override_note",
    }
)


class RepairOrder(models.Model):
    """Warranty-aware repair orders for serials.

    ``under_warranty`` follows a stored eligibility verdict for the unit, its customer
    and the claim (repair or exchange) instead of a hand-ticked box; a Serial Tracking
    Manager can still decide otherwise with a reason, recorded in the unit's ledger.
    Confirming the order puts the unit ``in_repair``, finishing it (or cancelling it)
    takes it out; parts added or removed update the unit's genealogy.
    """

    _inherit = "repair.order"

    serial_intent = fields.Selection(
        [("repair", "Repair"), ("exchange", "Exchange"), (PAID, "None: Paid Repair")],
        string="Warranty Claim",
        required=True,
        default="repair",
        help="What the customer asks the warranty for: the coverage needed differs. "
        "'None: Paid Repair': the customer pays, out of warranty; no verdict is asked.",
    )
    serial_tracked = fields.Boolean(compute="_compute_serial_tracked")
    serial_check_id = fields.Many2one(
        "serial.eligibility.check",
        string="Warranty Check",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )
    serial_verdict = fields.Selection(related="serial_check_id.verdict", string="Warranty Verdict")
    serial_reasons_html = fields.Html(
        related="serial_check_id.reasons_html", string="Warranty Reasons"
    )
    serial_warranty_override = fields.Selection(
        [("covered", "Covered"), ("not_covered", "Not Covered")],
        string="Warranty Decided By Manager",
        readonly=True,
        copy=False,
    )
    serial_override_reason_id = fields.Many2one(
        "serial.reason", string="Override Reason", readonly=True, copy=False
    )
    serial_override_note = fields.Text(string="Override Note", readonly=True, copy=False)
    under_warranty = fields.Boolean(
        compute="_compute_under_warranty",
        store=True,
        readonly=False,
        copy=False,
        help="For a serial: follows the warranty verdict of the unit (or a manager's "
        "decision). If ticked, the sales price is set to 0 for all products of the repair.",
    )

    @api.depends("lot_id", "product_id.tracking", "lot_id.lifecycle_state")
    def _compute_serial_tracked(self):
        for repair in self:
            repair.serial_tracked = bool(
                repair.lot_id
                and repair.product_id.tracking == "serial"
                and repair.lot_id.lifecycle_state
            )

    @api.depends(
        "serial_check_id.verdict", "serial_warranty_override", "serial_intent", "serial_tracked"
    )
    def _compute_under_warranty(self):
        for repair in self:
            if repair.serial_warranty_override:
                repair.under_warranty = repair.serial_warranty_override == "covered"
            elif repair.serial_tracked and repair.serial_intent == PAID:
                repair.under_warranty = False
            elif repair.serial_check_id:
                repair.under_warranty = repair.serial_check_id.verdict == "eligible"
            else:
                repair.under_warranty = repair.under_warranty  # hand-ticked (no serial)

    # --- verdict ---------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._serial_check_decision_write(vals)
        repairs = super().create(vals_list)
        repairs._serial_check_warranty()
        return repairs

    def _serial_decided(self):
        """These repairs, allowed to write the warranty decision (server code only)."""
        return self.with_context(serial_warranty_decided=WARRANTY_DECIDED)

    def _serial_check_decision_write(self, vals):
        """The verdict and the manager's decision are written by the suite's own code
        only (a view's read-only attribute guards nothing over RPC), and the decision by
        a Serial Tracking Manager (or the system) only."""
        written = {
            key
            for key in _VERDICT_FIELDS | _OVERRIDE_FIELDS
            if vals.get(key) or (key in vals and self.filtered(key))
        }
        if not written:
            return
        names = ", ".join(self.mapped("name")) or self.env._("new repair")
        if self.env.context.get("serial_warranty_decided") is not WARRANTY_DECIDED:
            raise UserError(
                self.env._(
                    "%(repairs)s: %(fields)s follow the warranty verdict. Use 'Check Warranty', "
                    "or 'Override Warranty' (Serial Tracking Manager) with a reason.",
                    repairs=names,
                    fields=", ".join(sorted(written)),
                )
            )
        if (
            written & _OVERRIDE_FIELDS
            and not self.env.su
            and not self.env.user.has_group("serial_tracking.group_serial_manager")
        ):
            raise AccessError(
                self.env._(
                    "%(repairs)s: only a Serial Tracking Manager may decide the warranty of a "
                    "repair against its verdict.",
                    repairs=names,
                )
            )

    def write(self, vals):
        self._serial_check_decision_write(vals)
        if (
            "under_warranty" in vals
            and self.env.context.get("serial_warranty_decided") is not WARRANTY_DECIDED
        ):
            decided = self.filtered(
                lambda repair: (
                    repair.serial_check_id
                    or (repair.serial_tracked and repair.serial_intent == PAID)
                )
            )
            if decided and any(
                repair.under_warranty != vals["under_warranty"] for repair in decided
            ):
                raise UserError(
                    self.env._(
                        "%(repairs)s: the warranty of a serial follows its coverage and its "
                        "'Warranty Claim' (none for a paid repair). Change the claim, or use "
                        "'Override Warranty' (Serial Tracking Manager) to decide otherwise, "
                        "with a reason.",
                        repairs=", ".join(decided.mapped("name")),
                    )
                )
        result = super().write(vals)
        if {"lot_id", "partner_id", "serial_intent"} & set(vals):
            self.filtered(lambda repair: repair.state in _OPEN_STATES)._serial_check_warranty()
        return result

    def _serial_check_warranty(self):
        """Ask for a fresh verdict for each serial repair (one stored check each)."""
        repairs = self.filtered("serial_tracked")
        # a paid repair claims nothing: an earlier verdict no longer applies
        repairs.filtered(
            lambda repair: repair.serial_intent == PAID and repair.serial_check_id
        )._serial_decided().serial_check_id = False
        if not repairs:
            return
        Check = self.env["serial.eligibility.check"]
        for intent in ("repair", "exchange"):
            batch = repairs.filtered(lambda repair, i=intent: repair.serial_intent == i)
            if not batch:
                continue
            checks = Check._evaluate_batch(
                [(repair.lot_id, repair.partner_id, repair.product_id) for repair in batch],
                intent,
            )
            for repair, check in zip(batch, checks, strict=True):
                check.sudo().document_ref = repair.name
                repair._serial_decided().serial_check_id = check
        repairs._update_sale_order_line_price()

    def action_serial_check_warranty(self):
        self._serial_check_warranty()
        return True

    def action_serial_override_warranty(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "serial_tracking_repair.action_serial_repair_warranty_wizard"
        )
        action["context"] = {
            "default_repair_id": self.id,
            "default_decision": "not_covered" if self.under_warranty else "covered",
        }
        return action

    # --- lifecycle of the repaired unit ----------------------------------------------

    def _action_repair_confirm(self):
        to_confirm = self.filtered(lambda repair: repair.state == "draft")
        to_confirm.filtered(lambda r: not r.serial_warranty_override)._serial_check_warranty()
        result = super()._action_repair_confirm()
        to_confirm._serial_emit("in_repair")
        return result

    def action_repair_done(self):
        result = super().action_repair_done()
        self._serial_record_part_swaps()
        self._serial_emit("repaired")
        return result

    def action_repair_cancel(self):
        in_repair = self.filtered(lambda repair: repair.state in ("confirmed", "under_repair"))
        result = super().action_repair_cancel()
        in_repair._serial_emit("repaired", note=self.env._("Repair cancelled."))
        return result

    def _serial_emit(self, event_type, note=False):
        """``in_repair`` or ``repaired`` events for the units of these repairs."""
        repairs = self.filtered("serial_tracked")
        if event_type == "repaired":
            # only units this repair put in repair leave it (not a unit already out)
            repairs = repairs.filtered(
                lambda repair: repair.lot_id.lifecycle_state == lifecycle.IN_REPAIR
            )
        self.env["stock.lot"]._serial_apply_events(
            [
                {
                    "lot": repair.lot_id,
                    "event_type": event_type,
                    "partner_id": repair.partner_id.id,
                    "document_ref": repair.name,
                    "location_id": repair.product_location_src_id.id,
                    "location_dest_id": repair.product_location_dest_id.id,
                    "note": note,
                }
                for repair in repairs
            ]
        )

    def _serial_record_part_swaps(self):
        """Parts added join the unit's genealogy (``installed``); parts removed leave it
        (the open link is closed and a ``removed`` row recorded)."""
        Genealogy = self.env["serial.genealogy"].sudo()
        now = fields.Datetime.now()
        new_links = []
        for repair in self.filtered("serial_tracked"):
            unit = repair.lot_id
            for move in repair.move_ids.filtered(lambda m: m.state == "done"):
                parts = (
                    move.move_line_ids.filtered(lambda ml: ml.quantity > 0 and ml.lot_id).lot_id
                    - unit
                )
                if not parts:
                    continue
                if move.repair_line_type == "add":
                    new_links += [
                        {
                            "parent_lot_id": part.id,
                            "child_lot_id": unit.id,
                            "link_type": "installed",
                            "date_from": now,
                            "document_ref": repair.name,
                        }
                        for part in parts
                    ]
                elif move.repair_line_type in ("remove", "recycle"):
                    open_links = Genealogy.search(
                        [
                            ("parent_lot_id", "in", parts.ids),
                            ("child_lot_id", "=", unit.id),
                            ("link_type", "!=", "removed"),
                            ("date_to", "=", False),
                        ]
                    )
                    open_links._close(now, repair.name)
                    # a part we never saw go in still leaves a trace of its removal
                    new_links += [
                        {
                            "parent_lot_id": part.id,
                            "child_lot_id": unit.id,
                            "link_type": "removed",
                            "date_from": now,
                            "date_to": now,
                            "document_ref": repair.name,
                        }
                        for part in parts - open_links.parent_lot_id
                    ]
        Genealogy.create(new_links)
