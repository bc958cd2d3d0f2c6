import json

from odoo import Command
from odoo.modules.registry import Registry
from odoo.tests import BaseCase, TransactionCase, get_db_name, new_test_user


def post_json_rpc(case, route, params):
    """The response of an HttpCase's POST of ``params`` to ``route``, as the web client's
    JSON-RPC call sends it."""
    return case.url_open(
        route,
        data=json.dumps({"jsonrpc": "2.0", "method": "call", "id": 1, "params": params}),
        headers={"Content-Type": "application/json"},
    )


def add_move(env, picking, product, line_values):
    """A confirmed move of ``picking`` whose lines name exactly these serials (no
    auto-reservation)."""
    move = env["stock.move"].create(
        {
            "picking_id": picking.id,
            "product_id": product.id,
            "product_uom_qty": len(line_values),
            "product_uom": product.uom_id.id,
            "location_id": picking.location_id.id,
            "location_dest_id": picking.location_dest_id.id,
            "move_line_ids": [
                Command.create(
                    dict(
                        values,
                        picking_id=picking.id,
                        product_id=product.id,
                        quantity=1.0,
                        location_id=picking.location_id.id,
                        location_dest_id=picking.location_dest_id.id,
                    )
                )
                for values in line_values
            ],
        }
    )
    move._action_confirm()
    return move


class SeparateCursorsCase(BaseCase):
    """Tests on real, separate database connections, one cursor a user, as Odoo workers
    have them: what they commit stays until they remove it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry = Registry(get_db_name())


class WebClientDoors:
    """Buttons and actions run as the web client runs them, for HttpCase tests."""

    def _call_button(self, model, method, record_ids, context=None):
        """What the web client sends for a button of type object: ``args`` holds the
        ids of the records it was clicked on (``[]`` for a list header button with
        nothing selected, see ``action_service.js``), ``context`` the client's context
        (English only by default)."""
        return self.make_jsonrpc_request(
            f"/web/dataset/call_button/{model}/{method}",
            {
                "model": model,
                "method": method,
                "args": [record_ids],
                "kwargs": {"context": context or {"lang": "en_US"}},
            },
        )

    def _verify_all(self):
        """The "Verify All Histories" action of the events list (the chains verified in SQL),
        run as the client does."""
        action = self.env.ref("serial_tracking.action_serial_event_verify_all")
        return self.make_jsonrpc_request(
            "/web/action/run",
            {
                "action_id": action.id,
                "context": {"active_model": "serial.event", "active_ids": []},
            },
        )


class SerialTrackingCase(TransactionCase):
    """Real warehouse, real pickings: helpers to push serials through stock flows."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.env.company.id)], limit=1
        )
        cls.stock = cls.warehouse.lot_stock_id
        cls.quarantine = cls.warehouse.quarantine_location_id
        cls.supplier_location = cls.env.ref("stock.stock_location_suppliers")
        cls.customer_location = cls.env.ref("stock.stock_location_customers")
        cls.production_location = cls.env["stock.location"].search(
            [("usage", "=", "production"), ("company_id", "in", [cls.env.company.id, False])],
            limit=1,
        )
        cls.vendor = cls.env["res.partner"].create({"name": "Vendor Ltd"})
        cls.customer = cls.env["res.partner"].create({"name": "Customer Inc"})
        cls.product = cls._tracked_product("Laptop 14")
        cls.reason_quarantine = cls.env.ref("serial_tracking.reason_suspected_defect")
        cls.reason_release = cls.env.ref("serial_tracking.reason_inspected_ok")
        cls.reason_scrap = cls.env.ref("serial_tracking.reason_damaged")
        cls.stock_user = new_test_user(
            cls.env, login="st_stock_user", groups="stock.group_stock_user"
        )
        cls.stock_manager = new_test_user(
            cls.env, login="st_stock_manager", groups="stock.group_stock_manager"
        )

    @classmethod
    def _tracked_product(cls, name, tracking="serial", **values):
        """A new storable product named ``name``, tracked by serial (or ``tracking``)."""
        return cls.env["product.product"].create(
            {"name": name, "type": "consu", "is_storable": True, "tracking": tracking, **values}
        )

    @classmethod
    def _numbered_product(cls, name, rule_values):
        """A new format rule, and a storable serial-tracked product named ``name`` it numbers."""
        rule = cls.env["serial.format.rule"].create(rule_values)
        return rule, cls._tracked_product(name, serial_format_rule_id=rule.id)

    # --- flows ------------------------------------------------------------------

    def _picking(self, picking_type, source, destination, partner=None):
        return self.env["stock.picking"].create(
            {
                "picking_type_id": picking_type.id,
                "partner_id": partner.id if partner else False,
                "location_id": source.id,
                "location_dest_id": destination.id,
            }
        )

    def _receive(self, names, product=None, partner=None):
        """Receive new serials from the vendor through a validated receipt."""
        product = product or self.product
        picking = self._picking(
            self.warehouse.in_type_id, self.supplier_location, self.stock, partner or self.vendor
        )
        self._add_move(picking, product, [{"lot_name": name} for name in names])
        self._validate(picking)
        lots = self.env["stock.lot"].search(
            [("product_id", "=", product.id), ("name", "in", names)]
        )
        return picking, lots

    def _confirmed_receipt(self, product, quantity):
        """A receipt as Odoo confirms it: one line per unit, without serials yet."""
        picking = self._picking(
            self.warehouse.in_type_id, self.supplier_location, self.stock, self.vendor
        )
        picking.move_ids = [
            Command.create(
                {
                    "product_id": product.id,
                    "product_uom_qty": quantity,
                    "product_uom": product.uom_id.id,
                    "location_id": self.supplier_location.id,
                    "location_dest_id": self.stock.id,
                }
            )
        ]
        picking.action_confirm()
        return picking

    def _add_move(self, picking, product, line_values):
        """A confirmed move whose lines name exactly these serials (no auto-reservation)."""
        return add_move(self.env, picking, product, line_values)

    def _delivery(self, lots, partner=None):
        """A delivery reserving exactly these serials (not validated)."""
        picking = self._picking(
            self.warehouse.out_type_id, self.stock, self.customer_location, partner or self.customer
        )
        self._add_move(picking, lots.product_id, [{"lot_id": lot.id} for lot in lots])
        return picking

    def _deliver(self, lots, partner=None):
        picking = self._delivery(lots, partner)
        self._validate(picking)
        return picking

    def _order(self, quantity, product=None):
        """A delivery of ``quantity`` units that names no serial (not confirmed): Odoo
        chooses the serials when it reserves."""
        product = product or self.product
        picking = self._picking(
            self.warehouse.out_type_id, self.stock, self.customer_location, self.customer
        )
        self.env["stock.move"].create(
            {
                "picking_id": picking.id,
                "product_id": product.id,
                "product_uom_qty": quantity,
                "product_uom": product.uom_id.id,
                "location_id": self.stock.id,
                "location_dest_id": self.customer_location.id,
            }
        )
        return picking

    def _loose_move(self, lots, source, destination):
        """A confirmed and picked move of exactly these serials outside any picking, as
        production and consumption make them; the caller runs ``_action_done``."""
        product = lots.product_id
        move = self.env["stock.move"].create(
            {
                "product_id": product.id,
                "product_uom_qty": len(lots),
                "product_uom": product.uom_id.id,
                "location_id": source.id,
                "location_dest_id": destination.id,
                "move_line_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "lot_id": lot.id,
                            "quantity": 1,
                            "location_id": source.id,
                            "location_dest_id": destination.id,
                        }
                    )
                    for lot in lots
                ],
            }
        )
        move._action_confirm()
        move.picked = True
        return move

    def _use_lots(self, move, lots, quantities=None):
        """Make ``move`` (a component or part move) use exactly these lots, in order,
        whatever Odoo reserved; ``quantities`` per lot, 1 each by default."""
        move.move_line_ids.unlink()
        self.env["stock.move.line"].create(
            [
                {
                    "move_id": move.id,
                    "product_id": lot.product_id.id,
                    "lot_id": lot.id,
                    "quantity": quantities[index] if quantities else 1.0,
                    "location_id": move.location_id.id,
                    "location_dest_id": move.location_dest_id.id,
                }
                for index, lot in enumerate(lots)
            ]
        )
        move.picked = True
        return move

    def _validate(self, picking):
        picking.move_ids.picked = True
        result = picking.button_validate()
        self.assertIs(result, True, "validation should not need a wizard")
        self.assertEqual(picking.state, "done")
        return picking

    def _open_return_wizard(self, picking, values=None):
        """Odoo's return wizard opened on a done ``picking``, saved with ``values``."""
        return (
            self.env["stock.return.picking"]
            .with_context(
                active_ids=picking.ids, active_id=picking.id, active_model="stock.picking"
            )
            .create(values or {})
        )

    def _return(self, picking, lots):
        """Return serials of a done picking through Odoo's return wizard."""
        wizard = self._open_return_wizard(picking)
        wizard.product_return_moves.quantity = len(lots)
        action = wizard.action_create_returns()
        return_picking = self.env["stock.picking"].browse(action["res_id"])
        return_picking.move_ids.move_line_ids.unlink()
        for move in return_picking.move_ids:
            self.env["stock.move.line"].create(
                [
                    {
                        "move_id": move.id,
                        "picking_id": return_picking.id,
                        "product_id": move.product_id.id,
                        "lot_id": lot.id,
                        "quantity": 1.0,
                        "location_id": return_picking.location_id.id,
                        "location_dest_id": return_picking.location_dest_id.id,
                    }
                    for lot in lots
                ]
            )
        return self._validate(return_picking)

    def _transition(self, lots, action, user=None, reason=None, **values):
        wizard = (
            self.env["serial.transition.wizard"]
            .with_user(user or self.env.user)
            .create(
                dict(
                    values,
                    lot_ids=[Command.set(lots.ids)],
                    action=action,
                    reason_id=reason.id if reason else False,
                )
            )
        )
        return wizard.action_apply()

    def _events(self, lots):
        return self.env["serial.event"].search([("lot_id", "in", lots.ids)], order="id")

    def assertLastEvent(self, lot, event_type, to_state):  # noqa: N802 - unittest style
        event = self._events(lot)[-1:]
        self.assertEqual(event.event_type, event_type, f"last event of {lot.name}")
        self.assertEqual(event.to_state, to_state)
        self.assertEqual(lot.lifecycle_state, to_state)
        return event
