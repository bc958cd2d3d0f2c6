from datetime import timedelta

from stdnum import luhn

from odoo import Command, api, fields, models
from odoo.exceptions import UserError

# The wizards Odoo may answer "Validate" with, and the button a user presses in each.
_VALIDATION_WIZARDS = {
    "stock.backorder.confirmation": "process",
    "expiry.picking.confirmation": "process",
}
# Back-dated customer registrations: days ago, for the phones' 12-month coverage.
REGISTERED_EXPIRED_DAYS = 400
REGISTERED_EXPIRING_DAYS = 350
COUNT_LOCATION_BARCODE = "WH-STOCK-SHELF-A"


class SerialDemoBuilder(models.AbstractModel):
    """Builds the demo flows through Odoo's own operations.

    Receipts and deliveries are confirmed, reserved and validated as a user does it:
    serials are typed on the lines Odoo made (receipts) or set on the lines Odoo reserved
    (deliveries), and "Validate" goes through its wizards. The serials then get their
    states, ledger events and warranty coverages exactly as real ones do. The bridges
    add their own flows (``_populate_*`` methods of this model).
    """

    _name = "serial.demo.builder"
    _description = "Serial Tracking Demo Data Builder"

    @api.model
    def _populate(self):
        """The core demo: every feature of ``serial_tracking`` with data on first login."""
        laptop, phone, router = self._demo_products()
        supplier = self.env.ref("serial_tracking.partner_demo_supplier")
        clinics = self.env.ref("serial_tracking.partner_demo_customer_a")
        logistics = self.env.ref("serial_tracking.partner_demo_customer_b")
        warehouse = self._warehouse()
        laptops = [f"LT14-{number:06d}" for number in range(1, 11)]
        phones = [self._imei(number) for number in range(1, 9)]
        routers = [f"RT5-{number:05d}" for number in range(1, 9)]

        self._validate(
            self._picking(
                warehouse.in_type_id,
                supplier,
                {
                    laptop: laptops,
                    phone: phones,
                    router: routers[:6],
                },
            )
        )
        self._validate(
            self._picking(
                warehouse.out_type_id,
                clinics,
                {
                    laptop: laptops[:3],
                    phone: phones[:2],
                },
            )
        )
        self._validate(
            self._picking(
                warehouse.out_type_id,
                logistics,
                {
                    phone: phones[2:3],
                    router: routers[2:4],
                },
            )
        )
        lots = self._lots({laptop: laptops, phone: phones, router: routers[:6]})
        self._demo_register(lots[phone][0], REGISTERED_EXPIRED_DAYS)
        self._demo_register(lots[phone][1], REGISTERED_EXPIRING_DAYS)
        # Ready to pick with the scanner: Odoo reserved these serials.
        self._picking(
            warehouse.out_type_id,
            logistics,
            {
                laptop: laptops[3:5],
                router: routers[:2],
            },
        )
        # Ready to receive with the scanner: the vendor listed the serials it sends.
        self._picking(warehouse.in_type_id, supplier, {router: routers[6:8]})
        self._demo_count_to_do(warehouse, lots[laptop][7:10])
        self._demo_quarantine(lots[phone][7])
        self._demo_recalls(laptop, lots[router][2:6])

    # --- the demo's records ----------------------------------------------------------

    @api.model
    def _demo_products(self):
        return (
            self.env.ref("serial_tracking.product_demo_laptop"),
            self.env.ref("serial_tracking.product_demo_phone"),
            self.env.ref("serial_tracking.product_demo_router"),
        )

    @api.model
    def _warehouse(self):
        warehouse = self.env["stock.warehouse"].search(
            [("company_id", "=", self.env.company.id)], limit=1
        )
        # demo data loads before the install hook gives existing warehouses theirs
        warehouse._serial_ensure_quarantine_locations()
        return warehouse

    @api.model
    def _imei(self, number):
        body = f"35693803{number:06d}"
        return body + luhn.calc_check_digit(body)

    @api.model
    def _lots(self, serials_by_product):
        """``{product: [stock.lot, ...]}`` in the order of the given names."""
        names = [name for names in serials_by_product.values() for name in names]
        found = self.env["stock.lot"].search(
            [
                ("name", "in", names),
                ("product_id", "in", [p.id for p in serials_by_product]),
            ]
        )
        by_key = {(lot.product_id, lot.name): lot for lot in found}
        return {
            product: [by_key[product, name] for name in names]
            for product, names in serials_by_product.items()
        }

    # --- stock operations as a user runs them ---------------------------------------

    @api.model
    def _picking(self, picking_type, partner, serials_by_product, destination=None):
        """A picking of these serials, confirmed and reserved by Odoo.

        The moves are entered as on the form (product and quantity), then confirmed and
        reserved by Odoo; the serials go on the lines Odoo made: typed on a receipt,
        chosen on a delivery or transfer where Odoo reserved units.
        """
        values = {"picking_type_id": picking_type.id, "partner_id": partner.id or False}
        if destination:
            values["location_dest_id"] = destination.id
        values["move_ids"] = [
            Command.create(
                {
                    "product_id": product.id,
                    "product_uom_qty": len(names),
                    "product_uom": product.uom_id.id,
                }
            )
            for product, names in serials_by_product.items()
        ]
        picking = self.env["stock.picking"].create(values)
        picking.action_confirm()
        picking.action_assign()
        for move in picking.move_ids:
            names = serials_by_product[move.product_id]
            if move.location_id.usage in ("internal", "transit"):
                self._choose_serials(move, self._lots({move.product_id: names})[move.product_id])
            else:
                self._type_serials(move, names)
        return picking

    @api.model
    def _type_serials(self, move, names):
        """Type the vendor's serial numbers on the lines Odoo made for the receipt."""
        lines = move.move_line_ids.sorted("id")
        if len(lines) != len(names):
            raise UserError(
                self.env._(
                    "Demo data: %(move)s has %(lines)s lines for %(count)s serials.",
                    move=move.reference,
                    lines=len(lines),
                    count=len(names),
                )
            )
        for line, name in zip(lines, names, strict=True):
            line.lot_name = name

    @api.model
    def _choose_serials(self, move, lots):
        """Make the lines Odoo reserved name these serials, as a user changes the serial
        on a reserved line."""
        lines = move.move_line_ids.sorted("id")
        if len(lines) != len(lots) or any(line.quantity != 1 for line in lines):
            raise UserError(
                self.env._(
                    "Demo data: Odoo reserved %(lines)s for %(move)s instead of %(count)s serials.",
                    lines=", ".join(lines.lot_id.mapped("name")) or "nothing",
                    move=move.reference,
                    count=len(lots),
                )
            )
        wanted = self.env["stock.lot"].union(*lots)
        missing = iter(wanted - lines.lot_id)
        for line in lines.filtered(lambda ml: ml.lot_id not in wanted):
            line.lot_id = next(missing)

    @api.model
    def _validate(self, picking):
        """Press "Validate", then confirm the wizard Odoo opens, if any."""
        action = picking.button_validate()
        while isinstance(action, dict) and action.get("res_model") in _VALIDATION_WIZARDS:
            model = action["res_model"]
            wizard = self.env[model].with_context(**action.get("context", {})).create({})
            action = getattr(wizard, _VALIDATION_WIZARDS[model])()
        if picking.state != "done":
            raise UserError(
                self.env._("Demo data: %(picking)s could not be validated.", picking=picking.name)
            )
        return picking

    # --- the suite's own operations ---------------------------------------------------

    @api.model
    def _demo_register(self, lot, days_ago):
        """The customer registered the unit ``days_ago`` days ago (recorded today)."""
        self.env["serial.transition.wizard"].create(
            {
                "lot_ids": [Command.set(lot.ids)],
                "action": "register",
                "date": fields.Datetime.now() - timedelta(days=days_ago),
                "note": self.env._("Registered on the customer's portal."),
            }
        ).action_apply()

    @api.model
    def _demo_quarantine(self, lot):
        self.env["serial.transition.wizard"].create(
            {
                "lot_ids": [Command.set(lot.ids)],
                "action": "quarantine",
                "reason_id": self.env.ref("serial_tracking.reason_demo_customer_complaint").id,
                "note": self.env._("Same batch as a unit a customer reported overheating."),
            }
        ).action_apply()

    @api.model
    def _demo_count_to_do(self, warehouse, lots):
        """A shelf with a barcode for the scanner's count, its units moved there through
        an internal transfer, and Odoo's count request on them."""
        shelf = self.env["stock.location"].create(
            {
                "name": self.env._("Shelf A"),
                "location_id": warehouse.lot_stock_id.id,
                "barcode": COUNT_LOCATION_BARCODE,
            }
        )
        products = {}
        for lot in lots:
            products.setdefault(lot.product_id, []).append(lot.name)
        self._validate(
            self._picking(
                warehouse.int_type_id, self.env["res.partner"], products, destination=shelf
            )
        )
        quants = self.env["stock.quant"].search(
            [
                ("location_id", "=", shelf.id),
                ("lot_id", "in", [lot.id for lot in lots]),
            ]
        )
        self.env["stock.request.count"].create(
            {
                "quant_ids": [Command.set(quants.ids)],
                "user_id": self.env.ref("base.user_admin").id,
            }
        ).action_request_count()
        return shelf

    @api.model
    def _demo_recalls(self, laptop, router_lots):
        """A recall still being simulated, and an active one that quarantined the units
        in stock and notified the customers of the others."""
        Recall = self.env["serial.recall"]
        simulated = Recall.create(
            {
                "reference": "LT14-HINGE-01",
                "reason": self.env._(
                    "Hinge cracks reported on early Laptop 14 units: "
                    "checking how many units are concerned."
                ),
                "severity": "low",
                "product_ids": [Command.set(laptop.ids)],
            }
        )
        simulated.action_simulate()
        active = Recall.create(
            {
                "reference": "NW-PSU-2024-07",
                "reason": self.env._(
                    "Northwind reports overheating power supplies in these Edge Router R5 units."
                ),
                "severity": "high",
                "lot_ids": [Command.set([lot.id for lot in router_lots])],
            }
        )
        active.action_simulate()
        active.action_activate()
        return simulated, active
