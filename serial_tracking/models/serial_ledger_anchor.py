import logging
import os
from datetime import UTC, datetime

from odoo import api, models
from odoo.tools import config

from ..tools import ledger_anchor

_logger = logging.getLogger(__name__)

#: Server configuration option: where anchors go (a directory the database users
#: cannot write, ideally append-only or copied off the host).
DIR_OPTION = "serial_tracking_anchor_dir"


class SerialLedgerAnchor(models.AbstractModel):
    """Signed heads of every hash chain, exported daily outside the database, and the
    check of the ledger against the newest of them (see ``tools/ledger_anchor.py``)."""

    _name = "serial.ledger.anchor"
    _description = "Serial Ledger Anchor"

    @api.model
    def _serial_anchor_dir(self):
        base = config.get(DIR_OPTION) or os.path.join(
            config["data_dir"], "serial_tracking", "anchors"
        )
        return os.path.join(base, self.env.cr.dbname)

    @api.model
    def _serial_heads(self):
        """``[(lot_id, last event id, its hash)]`` of every chain of the database."""
        self.env["serial.event"].flush_model()
        self.env.cr.execute(
            """SELECT DISTINCT ON (lot_id) lot_id, id, hash
                 FROM serial_event
             ORDER BY lot_id, id DESC"""
        )
        return self.env.cr.fetchall()

    @api.model
    def _cron_export(self):
        """Daily: write the signed heads of every chain to a new anchor file."""
        return self._serial_export()

    @api.model
    def _serial_export(self):
        """Write a new anchor file of the whole database; return its path."""
        keys = self.env["serial.ledger.key"]
        document = ledger_anchor.build(
            keys._serial_anchor_key(),
            self.env.cr.dbname,
            datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f"),
            self._serial_heads(),
            keys._serial_legacy_last_id(),
        )
        path = ledger_anchor.write(self._serial_anchor_dir(), document)
        _logger.info(
            "Serial ledger anchor of %s chain(s) written to %s", len(document["heads"]), path
        )
        return path

    @api.model
    def _serial_verify(self):
        """Compare the ledger with the newest anchor.

        :returns: dict with ``path`` (``None`` when no anchor exists), ``created``,
            ``valid`` (its signature holds, and it is this database's), ``legacy_ok``
            (the unkeyed formula's last id is still the anchored one), ``checked``
            (anchored chains) and ``found``: ``[(lot_id, event_id, reason)]``.
        """
        path, document = ledger_anchor.latest(self._serial_anchor_dir())
        result = {
            "path": path,
            "created": None,
            "valid": False,
            "legacy_ok": True,
            "checked": 0,
            "found": [],
        }
        if path is None:
            return result
        keys = self.env["serial.ledger.key"]
        result["valid"] = (
            ledger_anchor.check_signature(keys._serial_anchor_key(), document)
            and document.get("database") == self.env.cr.dbname
        )
        if not result["valid"]:
            return result
        result["created"] = document["created"]
        result["legacy_ok"] = document["legacy_last_id"] == keys._serial_legacy_last_id()
        heads = [tuple(head) for head in document["heads"]]
        self.env["serial.event"].flush_model()
        self.env.cr.execute(
            "SELECT id, lot_id, hash FROM serial_event WHERE id = ANY(%s)",
            [[event_id for _lot, event_id, _hash in heads]],
        )
        current = {event_id: (lot_id, value) for event_id, lot_id, value in self.env.cr.fetchall()}
        result["checked"] = len(heads)
        result["found"] = ledger_anchor.compare(heads, current)
        return result
