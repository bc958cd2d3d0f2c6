import json
from unittest.mock import patch

from odoo.tests import HttpCase, new_test_user, tagged

from ..tools.fast_path import SUITE_MODULES


@tagged("post_install", "-at_install", "-standard", "serial_smoke")
class TestSerialSmoke(HttpCase):
    """Click what users click, on the demo data: every menu of the suite, every view of its
    action, the first record's form and every header and smart button it shows.

    The menus come from the user's own menu tree (``load_menus``), so a new menu is crawled
    without touching this test, and a menu a user cannot see is not. The test command runs it
    on its demo database (tag ``serial_smoke``), where the records exist.
    """

    def _plan(self, user):
        menus = self.env["ir.ui.menu"].with_user(user).load_menus(False)
        ours = self.env["ir.model.data"].search(
            [
                ("model", "=", "ir.ui.menu"),
                ("module", "in", sorted(SUITE_MODULES)),
            ]
        )
        our_ids = set(ours.mapped("res_id"))
        parent = {
            child: menu_id
            for menu_id, menu in menus.items()
            if menu_id != "root"
            for child in menu["children"]
        }
        plan = []
        for menu_id, menu in menus.items():
            if menu_id not in our_ids or not menu.get("action_id") or menu["children"]:
                continue
            path, current = [], menu_id
            while current in menus and current != "root":
                path.insert(0, menus[current]["xmlid"])
                current = parent.get(current, "root")
            plan.append({"name": menu["name"], "xmlid": menu["xmlid"], "path": path})
        plan.sort(key=lambda entry: entry["path"])
        return plan

    def _crawl(self, login, groups, only=None):
        user = new_test_user(self.env, login=login, groups=groups)
        plan = [entry for entry in self._plan(user) if not only or entry["xmlid"] in only]
        self.assertTrue(plan, "the suite shows this user no menu at all")
        code = "window.serialTrackingSmoke(%s)" % json.dumps({"menus": plan})
        # as start_tour does: no onboarding tour pointers over the screens we click
        with patch.object(self.registry["res.users"], "tour_enabled", False):
            ready = "typeof window.serialTrackingSmoke === 'function' && odoo.isReady === true"
            self.browser_js(
                "/odoo",
                code,
                ready,
                login=login,
                timeout=1800,
                success_signal="serial smoke succeeded",
            )
        return plan

    def test_stock_user_clicks_everything(self):
        plan = self._crawl(
            "smoke_stock_user", "stock.group_stock_user,serial_tracking.group_serial_user"
        )
        names = {entry["xmlid"] for entry in plan}
        self.assertIn("serial_tracking.menu_serial_lot", names)

    def test_manager_clicks_everything(self):
        plan = self._crawl(
            "smoke_manager", "stock.group_stock_manager,serial_tracking.group_serial_manager"
        )
        self.assertIn("serial_tracking.menu_serial_recall", {entry["xmlid"] for entry in plan})

    def test_an_error_dialog_fails_the_crawl(self):
        """The crawler is only worth its passes if it fails: a menu of the suite whose action
        raises must stop it, naming what was clicked."""
        action = self.env["ir.actions.server"].create(
            {
                "name": "Broken on Purpose",
                "model_id": self.env.ref("stock.model_stock_lot").id,
                "state": "code",
                "code": "raise UserError('smoke check: broken on purpose')",
            }
        )
        menu = self.env["ir.ui.menu"].create(
            {
                "name": "Broken on Purpose",
                "parent_id": self.env.ref("serial_tracking.menu_serial_operations").id,
                "action": f"ir.actions.server,{action.id}",
            }
        )
        self.env["ir.model.data"].create(
            {
                "module": "serial_tracking",
                "name": "menu_smoke_broken_on_purpose",
                "model": "ir.ui.menu",
                "res_id": menu.id,
            }
        )
        with self.assertRaisesRegex(AssertionError, "broken on purpose"):
            self._crawl(
                "smoke_broken",
                "stock.group_stock_manager",
                only={"serial_tracking.menu_smoke_broken_on_purpose"},
            )
