from odoo import fields, models

# The last events of a unit its card lists.
EVENTS_ON_CARD = 5


class SerialScanner(models.AbstractModel):
    """Look up: what the scanner knows of one unit, its card. The card is also the
    answer of the quarantine and release scans."""

    # one model split by mode over files (see serial_scanner.py)
    _inherit = "serial.scanner"  # pylint: disable=consider-merging-classes-inherited

    def _scan_lookup(self, code, params):
        _scan, product, serial, lots = self._read(code, params)
        if serial is None:
            return self._product_scan(
                product,
                self.env._("%(product)s: now scan a serial number.", product=product.display_name),
            )
        lot = self._require_lot(serial, lots, product or self._current_product(params))
        card = self._card(lot)
        status = "warning" if card["recalls"] or lot.lifecycle_state == "quarantined" else "ok"
        message = self.env._("%(serial)s: %(state)s", serial=lot.name, state=card["state_label"])
        if card["recalls"]:
            message = self.env._(
                "%(serial)s is under recall %(recalls)s: put it aside.",
                serial=lot.name,
                recalls=", ".join(card["recalls"]),
            )
        return self._result(
            status,
            message,
            card=card,
            entry=self._entry(lot, "lookup", card["state_label"], product=card["product"]),
        )

    # One query for the whole card: the scanner answers within a few milliseconds on
    # databases with millions of serials. The lot itself was found through the ORM, so
    # the user may read it; what is read here belongs to it.
    _CARD_QUERY = """
        SELECT lot.lifecycle_state, lot.batch_code, lot.warranty_state,
               lot.warranty_end_date, lot.product_id, partner.complete_name,
               (SELECT string_agg(DISTINCT loc.complete_name, ', ')
                  FROM stock_quant quant
                  JOIN stock_location loc ON loc.id = quant.location_id
                 WHERE quant.lot_id = lot.id AND quant.quantity > 0
                   AND loc.usage IN ('internal', 'transit')),
               (SELECT json_agg(json_build_array(e.date, e.event_type, e.document_ref))
                  FROM (SELECT date, event_type, document_ref FROM serial_event
                         WHERE lot_id = lot.id
                      ORDER BY date DESC, id DESC LIMIT %(events)s) e),
               parent.id, parent.name
          FROM stock_lot lot
     LEFT JOIN res_partner partner ON partner.id = lot.current_partner_id
     LEFT JOIN LATERAL (
                SELECT child.id, child.name
                  FROM serial_genealogy link
                  JOIN stock_lot child ON child.id = link.child_lot_id
                 WHERE link.parent_lot_id = lot.id AND link.link_type != 'removed'
                   AND link.date_to IS NULL
                   AND (child.company_id IS NULL OR child.company_id = ANY(%(companies)s))
              ORDER BY link.date_from DESC, link.id DESC LIMIT 1) parent ON TRUE
         WHERE lot.id = %(lot)s"""

    def _card(self, lot):
        """Everything the look-up card shows about one unit."""
        self.env.flush_all()
        # SQL skips record rules: the unit it is built into shows only if the user's
        # companies may see it
        self.env.cr.execute(
            self._CARD_QUERY,
            {"lot": lot.id, "events": EVENTS_ON_CARD, "companies": self.env.companies.ids},
        )
        (
            state,
            batch,
            warranty_state,
            warranty_end,
            product_id,
            partner,
            locations,
            events,
            parent_id,
            parent_name,
        ) = self.env.cr.fetchone()
        recalls = self._active_recalls(lot)
        selection = self.env["serial.event"]._fields["event_type"]
        event_labels = dict(selection._description_selection(self.env))
        warranty_labels = dict(lot._fields["warranty_state"]._description_selection(self.env))
        state_labels = dict(lot._fields["lifecycle_state"]._description_selection(self.env))
        return {
            "lot_id": lot.id,
            "serial": lot.name,
            "product": self._product_labels([product_id])[product_id],
            "product_id": product_id,
            "state": state or False,
            "state_label": state_labels.get(state) or self.env._("no state"),
            "location": locations or False,
            "partner": partner or False,
            "batch": batch or False,
            "warranty_state": warranty_labels.get(warranty_state) or False,
            "warranty_end_date": fields.Date.to_string(warranty_end) or False,
            "recalls": recalls.sudo().mapped("name"),
            "parent": parent_name or False,
            "parent_id": parent_id or False,
            "events": [
                {
                    "date": fields.Datetime.context_timestamp(
                        self, fields.Datetime.to_datetime(date[:19].replace("T", " "))
                    ).strftime("%Y-%m-%d %H:%M"),
                    "type": event_labels.get(event_type, event_type),
                    "document": document or "",
                }
                for date, event_type, document in events or []
            ],
        }
