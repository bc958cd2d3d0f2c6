from odoo import fields, models

from ..tools import lifecycle


class SerialScanner(models.AbstractModel):
    """Quarantine and release: each scan moves one unit in or out of quarantine,
    with the reason chosen on the screen, as the transition wizard does."""

    # one model split by mode over files (see serial_scanner.py)
    _inherit = "serial.scanner"  # pylint: disable=consider-merging-classes-inherited

    def _reasons(self, mode):
        reasons = self.env["serial.reason"].search([("applies_to", "in", ("any", mode))])
        return [{"id": reason.id, "name": reason.display_name} for reason in reasons]

    def _scan_quarantine(self, code, params):
        return self._scan_transition("quarantine", code, params)

    def _scan_release(self, code, params):
        return self._scan_transition("release", code, params)

    def _scan_transition(self, action, code, params):
        reason = self._chosen_reason(params)
        lot, answer = self._read_unit(code, params)
        if answer:
            return answer
        if action == "quarantine" and lot.lifecycle_state == lifecycle.QUARANTINED:
            self._refuse(
                self.env._(
                    "%(serial)s is already quarantined (%(where)s).",
                    serial=lot.name,
                    where=self._where(lot),
                )
            )
        if action == "release":
            if lot.lifecycle_state != lifecycle.QUARANTINED:
                self._refuse(
                    self.env._(
                        "%(serial)s is not quarantined (%(state)s): there is nothing to release.",
                        serial=lot.name,
                        state=self._state_label(lot),
                    )
                )
            self._refuse_recalled(lot, "release")
        self._transition(lot, action, reason, params.get("note"))
        label = self.env._("Quarantined") if action == "quarantine" else self.env._("Released")
        return self._result(
            "ok",
            self.env._(
                "%(serial)s %(done)s: now in %(where)s.",
                serial=lot.name,
                done=label.lower(),
                where=self._where(lot),
            ),
            card=self._card(lot),
            entry=self._entry(lot, action, label, undo={"lot_id": lot.id, "action": action}),
        )

    def _chosen_reason(self, params):
        reason = self.env["serial.reason"].browse(params.get("reason_id") or []).exists()
        if not reason:
            self._refuse(
                self.env._("Choose a reason first: it is recorded in the history of each unit.")
            )
        return reason

    def _transition(self, lot, action, reason, note=None):
        wizard = self.env["serial.transition.wizard"].create(
            {
                "lot_ids": [fields.Command.set(lot.ids)],
                "action": action,
                "reason_id": reason.id,
                "note": note or False,
            }
        )
        wizard.action_apply()
        lot.invalidate_recordset()

    def _undo_transition(self, undo):
        lot = self.env["stock.lot"].browse(undo.get("lot_id")).exists()
        opposite = "release" if undo.get("action") == "quarantine" else "quarantine"
        reason = self.env["serial.reason"].search(
            [("applies_to", "in", (opposite, "any"))], limit=1
        )
        if not lot or not reason:
            self._refuse(
                self.env._(
                    "This scan cannot be taken back: no reason applies to "
                    "%(action)s. Ask a manager to add one.",
                    action=opposite,
                )
            )
        self._transition(lot, opposite, reason, self.env._("Undo of a scan"))
        return self._result(
            "ok",
            self.env._(
                "%(serial)s: scan taken back, now in %(where)s.",
                serial=lot.name,
                where=self._where(lot),
            ),
            card=self._card(lot),
        )

    def _undo_quarantine(self, undo, params):
        return self._undo_transition(undo)

    def _undo_release(self, undo, params):
        return self._undo_transition(undo)
