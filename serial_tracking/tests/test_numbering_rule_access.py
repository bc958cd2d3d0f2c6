from odoo.exceptions import AccessError
from odoo.tests import Form, new_test_user, tagged

from .common import SerialTrackingCase


@tagged("post_install", "-at_install")
class TestNumberingRuleAccess(SerialTrackingCase):
    """Numbering Rules is a Serial Tracking Manager's menu: whoever sees it can save
    there; an Inventory user without the manager role neither sees it nor writes."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.serial_manager = new_test_user(
            cls.env,
            login="st_numbering_manager",
            groups="stock.group_stock_user,serial_tracking.group_serial_manager",
        )
        cls.menu = cls.env.ref("serial_tracking.menu_serial_format_rule")

    def _menus(self, user):
        return self.env["ir.ui.menu"].with_user(user)._visible_menu_ids()

    def test_serial_manager_sees_the_menu_and_saves_a_rule(self):
        self.assertIn(self.menu.id, self._menus(self.serial_manager))
        action = self.menu.action.sudo()
        Rule = self.env[action.res_model].with_user(self.serial_manager)
        with Form(Rule) as form:
            form.name = "Tablets"
            form.pattern = "TB{SEQ:5}"
        rule = form.record
        self.assertEqual(rule.create_uid, self.serial_manager)
        with Form(rule) as form:
            form.next_number = 40
        self.assertEqual(rule.next_number, 40)
        rule.action_archive()
        self.assertFalse(rule.active)
        rule.unlink()

    def test_inventory_user_neither_sees_nor_writes(self):
        self.assertNotIn(self.menu.id, self._menus(self.stock_user))
        with self.assertRaises(AccessError):
            self.env["serial.format.rule"].with_user(self.stock_user).create(
                {"name": "Nope", "pattern": "NO{SEQ:4}"}
            )

    def test_every_role_that_sees_the_menu_can_create_there(self):
        """The menu's groups and the model's create right agree, role by role."""
        for groups in (
            "stock.group_stock_user",
            "serial_tracking.group_serial_user",
            "stock.group_stock_user,serial_tracking.group_serial_manager",
            "stock.group_stock_manager",
        ):
            user = new_test_user(self.env, login=f"st_nr_{groups}", groups=groups)
            with self.subTest(groups=groups):
                sees = self.menu.id in self._menus(user)
                can = self.env["serial.format.rule"].with_user(user).has_access("create")
                self.assertEqual(sees, can)
