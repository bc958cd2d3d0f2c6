from odoo import api, models

from ..tools import ledger

#: Server configuration option holding the ledger secret (same for every database).
CONFIG_OPTION = "serial_tracking_ledger_secret"
#: Fallback when the data directory cannot be written: a system parameter.
PARAM = "serial_tracking.ledger_secret"
#: The last event id hashed with the unkeyed v1 formula (0 on a database that never had one).
LEGACY_PARAM = "serial_tracking.ledger_v1_last_id"
_KEYS = {}  # database name -> (chain key, anchor key), read once per process


class SerialLedgerKey(models.AbstractModel):
    """The key of the ledger's hash chain and of its anchors.

    Kept like the key of the label proofs (``serial.unit.proof``), but a secret of its
    own: the ``serial_tracking_ledger_secret`` option of the server's configuration file,
    else a file created once in the data directory
    (``<data_dir>/serial_tracking/<database>.ledger.key``), else -- only when that
    directory cannot be written -- a system parameter administrators can read. Losing
    the file makes every keyed hash unverifiable: back it up with the filestore.
    """

    _name = "serial.ledger.key"
    _description = "Serial Ledger Key"

    @api.model
    def _serial_keys(self):
        """``(chain_key, anchor_key)`` of this database."""
        dbname = self.env.cr.dbname
        if dbname not in _KEYS:
            _KEYS[dbname] = ledger.derive_keys(self._serial_load_secret())
        return _KEYS[dbname]

    @api.model
    def _serial_chain_key(self):
        return self._serial_keys()[0]

    @api.model
    def _serial_anchor_key(self):
        return self._serial_keys()[1]

    @api.model
    def _serial_load_secret(self):
        return self.env["serial.unit.proof"]._serial_keep_secret(
            CONFIG_OPTION, f"{self.env.cr.dbname}.ledger.key", PARAM, "serial ledger key"
        )

    @api.model
    def _serial_legacy_last_id(self):
        """The last event id of the unkeyed formula: fixed the first time a keyed hash
        is written or checked, as the last event id then (the keyed code writes no
        unkeyed hash). An unkeyed hash on a later event is a forgery."""
        params = self.env["ir.config_parameter"].sudo()
        value = params.get_param(LEGACY_PARAM, None)  # "0" is a value, not a missing one
        if value is None:
            self.env["serial.event"].flush_model()
            self.env.cr.execute(
                "SELECT COALESCE(max(id), 0) FROM serial_event WHERE hash NOT LIKE %s",
                [ledger.V2_PREFIX + "%"],
            )
            value = str(self.env.cr.fetchone()[0])
            params.set_param(LEGACY_PARAM, value)
        return int(value)
