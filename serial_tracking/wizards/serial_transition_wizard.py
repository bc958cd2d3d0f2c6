from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..models import tools_messages
from ..tools import lifecycle

# Wizard action -> the ledger event it produces.
_EVENT_OF_ACTION = {
    "quarantine": "quarantined",
    "release": "released",
    "scrap": "scrapped",
    "install": "installed",
    "register": "registered",
}
# Actions that move stock and so need the manager group and a reason.
_PHYSICAL_ACTIONS = frozenset({"quarantine", "release", "scrap"})
# Actions whose date the user gives: it starts or ends warranties, so it must lie between
# the unit's shipment and now unless a manager says why.
_DATED_ACTIONS = frozenset({"install", "register"})
_MANAGER = "serial_tracking.group_serial_manager"


class SerialTransitionWizard(models.TransientModel):
    _name = "serial.transition.wizard"
    _inherit = ["serial.lot.selection.mixin", "serial.lots.mixin"]
    _description = "Change the Lifecycle State of Serials"

    action = fields.Selection(
        [
            ("quarantine", "Quarantine"),
            ("release", "Release from Quarantine"),
            ("scrap", "Scrap"),
            ("install", "Installed at Customer"),
            ("register", "Registered by Customer"),
        ],
        required=True,
        default="quarantine",
    )
    reason_id = fields.Many2one(
        "serial.reason",
        domain="[('applies_to', 'in', ('any', action))]",
    )
    note = fields.Text()
    date = fields.Datetime(
        default=fields.Datetime.now,
        required=True,
        help="When the installation or registration happened.",
    )
    needs_manager = fields.Boolean(compute="_compute_needs_manager")

    @api.depends("action")
    def _compute_needs_manager(self):
        for wizard in self:
            wizard.needs_manager = wizard.action in _PHYSICAL_ACTIONS

    # --- apply ------------------------------------------------------------------

    def action_apply(self):
        self.ensure_one()
        self._check_rights_and_reason()
        self._check_transitions()
        self._check_date()
        handler = getattr(self, f"_apply_{self.action}")
        handler()
        return {"type": "ir.actions.act_window_close"}

    def _check_rights_and_reason(self):
        if self.action not in _PHYSICAL_ACTIONS:
            return
        if not self.env.user.has_group(_MANAGER):
            raise AccessError(
                self.env._(
                    "Only a Serial Tracking Manager may %(action)s serials. Ask a manager to "
                    "do it, or to give you the Manager group.",
                    action=dict(self._fields["action"]._description_selection(self.env))[
                        self.action
                    ].lower(),
                )
            )
        if not self.reason_id:
            raise UserError(self.env._("Choose a reason: it is recorded in each serial's history."))

    def _check_transitions(self):
        """Refuse the whole batch, naming each unit, before any stock moves."""
        event_type = _EVENT_OF_ACTION[self.action]
        refusals = []
        for lot in self.lot_ids:
            if lot.product_id.tracking != "serial":
                raise UserError(
                    self.env._(
                        "%(lot)s is a lot, not a serial: only serials have a lifecycle.",
                        lot=lot.display_name,
                    )
                )
            _state, refusal = lifecycle.check(
                event_type, lot.lifecycle_state or None, lot.display_name
            )
            if refusal:
                refusals.append(refusal)
        if refusals:
            raise UserError(
                lifecycle.format_refusals(
                    refusals, say=lambda message: tools_messages.translate(self.env, message)
                )
            )
        if self.action in _PHYSICAL_ACTIONS:
            unplaced = self.lot_ids.filtered(
                lambda lot: lot.location_id.usage not in ("internal", "transit")
            )
            if unplaced:
                raise UserError(
                    self.env._(
                        "%(serials)s: not in a single stock location; count the unit first.",
                        serials=", ".join(unplaced.mapped("display_name")),
                    )
                )

    def _check_date(self):
        """An installation or registration dated before the unit's shipment or in the
        future moves its warranty: only a manager may record it, with a reason."""
        if self.action not in _DATED_ACTIONS or self.env.su:  # su: data loading, not a user
            return
        shipped = dict(
            self.env["serial.event"]
            .sudo()
            ._read_group(
                [("lot_id", "in", self.lot_ids.ids), ("event_type", "=", "shipped")],
                ["lot_id"],
                ["date:max"],
            )
        )
        now = fields.Datetime.now()
        early = self.lot_ids.filtered(lambda lot: lot in shipped and self.date < shipped[lot])
        if self.date <= now and not early:
            return
        if self.date > now:
            problem = self.env._("%(date)s is in the future", date=self.date)
        else:
            problem = self.env._(
                "%(date)s is before the shipment of %(serials)s (%(shipped)s)",
                date=self.date,
                serials=", ".join(early.mapped("display_name")),
                shipped=", ".join(str(shipped[lot]) for lot in early),
            )
        if not self.env.user.has_group(_MANAGER):
            raise AccessError(
                self.env._(
                    "%(problem)s. An installation or registration is dated between the unit's "
                    "shipment and now: any other date changes its warranty, and only a Serial "
                    "Tracking Manager may record it, with a reason.",
                    problem=problem,
                )
            )
        if not self.reason_id:
            raise UserError(
                self.env._(
                    "%(problem)s. Choose a reason for this date: it is recorded in each "
                    "serial's history.",
                    problem=problem,
                )
            )

    def _event_context(self):
        return {"serial_reason_id": self.reason_id.id, "serial_note": self.note or False}

    def _apply_quarantine(self):
        self._move_units(lambda lot: lot.location_id.warehouse_id.quarantine_location_id)

    def _apply_release(self):
        self._move_units(lambda lot: lot.location_id.warehouse_id.lot_stock_id)

    def _apply_scrap(self):
        scraps = self.env["stock.scrap"].create(
            [
                {
                    "product_id": lot.product_id.id,
                    "lot_id": lot.id,
                    "scrap_qty": 1.0,
                    "location_id": lot.location_id.id,
                    "company_id": lot.company_id.id or self.env.company.id,
                    "origin": self.reason_id.name,
                }
                for lot in self.lot_ids
            ]
        )
        scraps.with_context(**self._event_context()).do_scrap()

    def _apply_install(self):
        self._record_events("installed")

    def _apply_register(self):
        self._record_events("registered")

    def _record_events(self, event_type):
        self.env["stock.lot"]._serial_apply_events(
            [
                {
                    "lot": lot,
                    "event_type": event_type,
                    "date": self.date,
                    "partner_id": lot.current_partner_id.id,
                    "reason_id": self.reason_id.id,
                    "note": self.note or False,
                    "document_ref": self.env._("Manual"),
                }
                for lot in self.lot_ids
            ]
        )

    def _move_units(self, destination_of):
        """Move the serials through real internal transfers, one per route."""
        self.lot_ids._serial_move_to_location(
            destination_of, origin=self.reason_id.name, event_context=self._event_context()
        )
