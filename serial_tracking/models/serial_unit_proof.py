import logging
import os
import secrets

from odoo import api, models
from odoo.tools import config

from ..tools import unit_proof

_logger = logging.getLogger(__name__)

#: Server configuration option holding the secret (same for every database it serves).
CONFIG_OPTION = "serial_tracking_proof_secret"
#: Fallback when the data directory cannot be written: a system parameter.
PARAM = "serial_tracking.proof_secret"
_SECRETS = {}  # database name -> secret, read once per process


class SerialUnitProof(models.AbstractModel):
    """The token printed in a label's Digital Link, proving the visitor holds the unit.

    The key is kept out of the records users can read, where it can be: the
    ``serial_tracking_proof_secret`` option of the server's configuration file, else a file
    created once in the data directory (``<data_dir>/serial_tracking/<database>.key``). Only
    when that directory cannot be written does it fall back to a system parameter, which
    administrators can read. Losing the key makes printed tokens unverifiable (the page then
    shows only that the unit is genuine); it never exposes data.
    """

    _name = "serial.unit.proof"
    _description = "Proof of Holding a Serial Unit"

    @api.model
    def _serial_secret(self):
        dbname = self.env.cr.dbname
        if dbname not in _SECRETS:
            _SECRETS[dbname] = self._serial_load_secret()
        return _SECRETS[dbname]

    @api.model
    def _serial_load_secret(self):
        return self._serial_keep_secret(
            CONFIG_OPTION, f"{self.env.cr.dbname}.key", PARAM, "serial proof key"
        )

    @api.model
    def _serial_keep_secret(self, config_option, file_name, param, what):
        """A secret from the server option ``config_option``, else from the file
        ``<data_dir>/serial_tracking/<file_name>`` (created once), else -- only when that
        folder cannot be written -- from the system parameter ``param``."""
        configured = config.get(config_option)
        if configured:
            return unit_proof.check_secret(configured.encode(), "the server configuration")
        path = os.path.join(config["data_dir"], "serial_tracking", file_name)
        try:
            return unit_proof.load_or_create_secret(path)
        except OSError as exc:
            _logger.warning(
                "Cannot keep the %s in %s (%s): using the system parameter %s, "
                "readable by administrators.",
                what,
                path,
                exc,
                param,
            )
        params = self.env["ir.config_parameter"].sudo()
        secret = params.get_param(param)
        if not secret:
            secret = secrets.token_hex(unit_proof.SECRET_BYTES)
            params.set_param(param, secret)
        return secret.encode()

    @api.model
    def _serial_token(self, gtin, serial):
        """The proof token of the unit ``serial`` of the 14-digit ``gtin``."""
        return unit_proof.unit_token(self._serial_secret(), gtin, serial)

    @api.model
    def _serial_check(self, gtin, serial, token):
        return unit_proof.check_token(self._serial_secret(), gtin, serial, token)
