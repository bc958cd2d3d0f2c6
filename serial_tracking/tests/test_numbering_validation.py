from stdnum import luhn

from odoo.exceptions import ValidationError
from odoo.service.model import call_kw
from odoo.tests import Form, tagged
from odoo.tools.translate import TranslationModuleReader

from ..models import tools_messages
from ..tools import digital_link, label_symbols, lifecycle, messages
from ..tools import recall as recall_tools
from .common import SerialTrackingCase
from .translation_common import use_french


@tagged("post_install", "-at_install")
class TestNumberingValidation(SerialTrackingCase):
    """Every path that creates a serial refuses numbers that break the product's rule,
    names each offending value and why, and writes nothing of the batch."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rule, cls.phone = cls._numbered_product(
            "Field Phone",
            {
                "name": "Phone IMEI",
                "preset": "imei",
                "pattern": "35693803{SEQ:6}{CHECK}",
            },
        )
        cls.good = ["356938030000013", "356938030000021"]  # Luhn-valid IMEIs

    def _lot_count(self, product=None):
        return self.env["stock.lot"].search_count([("product_id", "=", (product or self.phone).id)])

    # --- the paths ----------------------------------------------------------------

    def test_form_refuses_a_wrong_check_digit(self):
        form = Form(self.env["stock.lot"].with_user(self.stock_user))
        form.product_id = self.phone
        form.name = "356938030000012"
        with self.assertRaisesRegex(
            ValidationError,
            r'Field Phone \(numbering rule "Phone IMEI"\):\n.*356938030000012: check '
            r"character should be 3",
        ):
            form.save()
        self.assertEqual(self._lot_count(), 0)

    def test_rpc_create_lists_every_offending_value_and_writes_nothing(self):
        self.env["stock.lot"].create({"product_id": self.phone.id, "name": self.good[1]})
        values = [self.good[0], "35693803000001", "35693803000001X", self.good[0], self.good[1]]
        with self.assertRaises(ValidationError) as caught:
            call_kw(
                self.env["stock.lot"].with_user(self.stock_user),
                "create",
                [[{"product_id": self.phone.id, "name": name} for name in values]],
                {},
            )
        message = caught.exception.args[0]
        self.assertIn("4 serial number(s) refused", message)
        self.assertIn("35693803000001: has 14 characters, needs 15", message)
        self.assertIn("35693803000001X: 'X' at position 15 is not allowed; use digits 0-9", message)
        self.assertIn(
            f"{self.good[0]}: duplicate of {self.good[0]} in this batch (line 1)", message
        )
        self.assertIn(f"{self.good[1]}: already exists for Field Phone", message)
        self.assertIn("nothing was saved", message)
        self.assertEqual(self._lot_count(), 1, "the valid first value was not written either")

    def test_rpc_context_cannot_skip_the_rules(self):
        """The server marks values it already checked with a context key; a client that
        sends the same key over RPC is still checked."""
        lots = (
            self.env["stock.lot"]
            .with_user(self.stock_user)
            .with_context(serial_numbers_checked=True)
        )
        with self.assertRaisesRegex(ValidationError, r"35693803000001: has 14 characters"):
            call_kw(lots, "create", [[{"product_id": self.phone.id, "name": "35693803000001"}]], {})
        self.assertEqual(self._lot_count(), 0)

    def test_long_batches_are_cut_with_a_count(self):
        names = [f"35693803{number:07d}" for number in range(30)]  # most have a bad check
        bad = [name for name in names if name[-1] != self._luhn(name[:-1])]
        with self.assertRaises(ValidationError) as caught:
            self.env["stock.lot"].create(
                [{"product_id": self.phone.id, "name": name} for name in names]
            )
        message = caught.exception.args[0]
        listed = [line for line in message.splitlines() if line.startswith("  • ")]
        self.assertEqual(len(listed), 20)
        self.assertIn(f"… and {len(bad) - 20} more.", message)
        self.assertEqual(self._lot_count(), 0)

    def test_import_refuses_and_reports(self):
        result = (
            self.env["stock.lot"]
            .with_user(self.stock_user)
            .load(
                ["name", "product_id/.id"],
                [[self.good[0], self.phone.id], ["356938030000010", self.phone.id]],
            )
        )
        self.assertFalse(result["ids"])
        messages = " ".join(message["message"] for message in result["messages"])
        self.assertIn("356938030000010: check character should be 3", messages)
        self.assertEqual(self._lot_count(), 0)

    def test_typed_lot_names_on_a_receipt(self):
        picking = self._picking(
            self.warehouse.in_type_id, self.supplier_location, self.stock, self.vendor
        )
        with (
            self.assertRaisesRegex(
                ValidationError,
                r"356938030000014: check character "
                r"should be 3",
            ),
            self.cr.savepoint(),
        ):
            self._add_move(
                picking, self.phone, [{"lot_name": self.good[0]}, {"lot_name": "356938030000014"}]
            )
        self.assertFalse(self.env["stock.move.line"].search([("lot_name", "like", "35693803")]))
        move = self._add_move(picking, self.phone, [{"lot_name": self.good[0]}])
        line = move.move_line_ids
        # typed on one line while another open line already has it
        other = self._picking(
            self.warehouse.in_type_id, self.supplier_location, self.stock, self.vendor
        )
        with (
            self.assertRaisesRegex(
                ValidationError, rf"{self.good[0]}: already entered on {picking.name}"
            ),
            self.cr.savepoint(),
        ):
            self._add_move(other, self.phone, [{"lot_name": self.good[0]}])
        with self.assertRaisesRegex(ValidationError, r"35693803000002X: 'X' at position 15"):
            line.lot_name = "35693803000002X"
        self.assertEqual(line.lot_name, self.good[0])
        line.lot_name = self.good[1]  # a valid correction is accepted
        self._validate(picking)
        self.assertEqual(line.lot_id.name, self.good[1])
        self.assertEqual(line.lot_id.lifecycle_state, "in_stock")

    def test_lots_created_when_a_receipt_is_validated(self):
        """Names typed before the product had a rule are checked when Odoo creates the
        lots at validation: the receipt stays open."""
        self.phone.serial_format_rule_id = False
        picking = self._picking(
            self.warehouse.in_type_id, self.supplier_location, self.stock, self.vendor
        )
        self._add_move(picking, self.phone, [{"lot_name": "PHONE-1"}])
        self.phone.serial_format_rule_id = self.rule
        picking.move_ids.picked = True
        with (
            self.assertRaisesRegex(
                ValidationError,
                r"PHONE-1: 'P' at position 1 is not "
                r"allowed",
            ),
            self.cr.savepoint(),
        ):
            picking.button_validate()
        self.assertEqual(self._lot_count(), 0)

    def test_uniqueness_across_the_products_of_the_company(self):
        self.env["stock.lot"].create({"product_id": self.product.id, "name": self.good[0]})
        # per product (Odoo's own rule): another product may use the number
        lot = self.env["stock.lot"].create({"product_id": self.phone.id, "name": self.good[0]})
        lot.unlink()
        self.rule.uniqueness = "company"
        with self.assertRaisesRegex(
            ValidationError, rf"{self.good[0]}: already exists for Laptop 14"
        ):
            self.env["stock.lot"].create({"product_id": self.phone.id, "name": self.good[0]})
        self.assertEqual(self._lot_count(), 0)

    def test_category_rule_applies_and_missing_names_come_from_the_rule(self):
        category = self.env["product.category"].create(
            {
                "name": "Phones",
                "serial_format_rule_id": self.rule.id,
            }
        )
        phone2 = self.env["product.product"].create(
            {
                "name": "Phone Two",
                "type": "consu",
                "is_storable": True,
                "tracking": "serial",
                "categ_id": category.id,
            }
        )
        with self.assertRaisesRegex(ValidationError, r'Phone Two \(numbering rule "Phone IMEI"'):
            self.env["stock.lot"].create({"product_id": phone2.id, "name": "ABC"})
        expected = self.rule.preview.splitlines()[0]
        lot = self.env["stock.lot"].create({"product_id": phone2.id})
        self.assertEqual(lot.name, expected, "the rule's next number")
        self.assertNotEqual(self.rule.preview.splitlines()[0], expected, "taken for good")

    def test_products_without_a_rule_behave_as_in_odoo(self):
        lots = self.env["stock.lot"].create(
            [{"product_id": self.product.id, "name": name} for name in ("any thing", " x", "é")]
        )
        self.assertEqual(len(lots), 3)
        _picking, received = self._receive(["free text 1"])
        self.assertEqual(received.name, "free text 1")

    def test_rename_is_checked_like_a_new_serial(self):
        lots = self.env["stock.lot"].create(
            [{"product_id": self.phone.id, "name": name} for name in self.good]
        )
        first, second = lots.sorted("name")
        form = Form(first.with_user(self.stock_user))
        form.name = "356938030000019"
        with (
            self.assertRaisesRegex(
                ValidationError,
                r'Field Phone \(numbering rule "Phone IMEI"\):\n.*356938030000019: check '
                r"character should be 3(?s:.*)nothing was saved",
            ),
            self.cr.savepoint(),
        ):
            form.save()
        first.invalidate_recordset()
        self.assertEqual(first.name, self.good[0])
        with (
            self.assertRaisesRegex(
                ValidationError, rf"{self.good[1]}: already exists for Field Phone"
            ),
            self.cr.savepoint(),
        ):
            call_kw(
                first.with_user(self.stock_user), "write", [first.ids, {"name": self.good[1]}], {}
            )
        with (
            self.assertRaisesRegex(
                ValidationError,
                r"1 serial number\(s\) refused:\n.*\n"
                r".*356938030000039: duplicate of 356938030000039 in "
                r"this batch",
            ),
            self.cr.savepoint(),
        ):
            lots.write({"name": "356938030000039"})
        lots.invalidate_recordset()
        self.assertEqual(sorted(lots.mapped("name")), self.good, "nothing was renamed")
        first.write({"name": first.name})  # unchanged: nothing to check
        first.write({"name": "356938030000039"})  # a valid new number is accepted
        self.assertEqual(first.name, "356938030000039")
        # products without a rule rename as in Odoo
        free = self.env["stock.lot"].create({"product_id": self.product.id, "name": "a"})
        free.name = "any thing"
        self.assertEqual(free.name, "any thing")

    def test_generation_wizard_refuses_pasted_errors(self):
        picking = self._picking(
            self.warehouse.in_type_id, self.supplier_location, self.stock, self.vendor
        )
        move = self._add_move(picking, self.phone, [{}])
        wizard = (
            self.env["serial.generate.wizard"]
            .with_context(default_move_id=move.id, default_product_id=self.phone.id)
            .create(
                {
                    "mode": "paste",
                    "pasted_serials": f"{self.good[0]}\n356938030000019\n{self.good[0]}",
                }
            )
        )
        wizard.action_check()
        self.assertFalse(wizard.check_ok)
        self.assertIn("356938030000019: check character should be 3", wizard.check_result)
        self.assertIn("duplicate of", wizard.check_result)
        with self.assertRaisesRegex(ValidationError, r"2 serial number\(s\) refused"):
            wizard.action_apply()
        self.assertEqual(self._lot_count(), 0)
        self.assertFalse(move.move_line_ids.lot_id)

    # --- in the user's language ---------------------------------------------------

    def test_sentences_of_the_core_are_translatable(self):
        # the model's translatable copies are the sentences the core uses
        self.assertEqual(
            {code: self.env._(lazy) for code, lazy in tools_messages.SENTENCES.items()},
            messages.SENTENCES,
        )
        # among them those of the recall checks, the lifecycle refusals, the Digital Link
        # and label errors
        for module in (recall_tools, lifecycle, digital_link, label_symbols):
            self.assertLessEqual(
                set(module.SENTENCES), set(tools_messages.SENTENCES), module.__name__
            )
        self.assertEqual(
            {text: self.env._(lazy) for text, lazy in tools_messages._CHECK_CHARSETS.items()},
            {text: text for text in messages.LABELS["check_charset"].values()},
        )
        # the labels the models give coded parameters are the core's, in English
        labels = tools_messages._labels(self.env)
        for name in (
            "event_type",
            "lifecycle_state",
            "old_status",
            "new_status",
            "allowed_statuses",
        ):
            self.assertEqual(labels[name], messages.LABELS[name], name)
        # and Odoo's translation export finds them
        exported = {
            term[4] for term in TranslationModuleReader(self.env.cr, modules=["serial_tracking"])
        }
        missing = set(messages.SENTENCES.values()) - exported
        self.assertFalse(missing, "sentences of the core not exported for translation")

    def test_refusals_of_the_core_read_in_the_users_language(self):
        use_french(
            self,
            {
                "check_digits.wrong_check": (
                    "%(value)s : le caractère de contrôle devrait être %(expected)s"
                ),
                "numbering.pattern": (
                    "modèle de numéro de série %(pattern)r, caractère %(character)s : %(problem)s"
                ),
                "numbering.capitals": "les jetons s'écrivent en majuscules : {%(token)s}",
            },
        )
        lots = self.env["stock.lot"].with_user(self.stock_user)
        # a problem of a typed serial, created as the web client does
        with self.assertRaises(ValidationError) as caught:
            call_kw(
                lots,
                "create",
                [[{"product_id": self.phone.id, "name": "356938030000012"}]],
                {"context": {"lang": "fr_FR"}},
            )
        self.assertIn(
            "356938030000012 : le caractère de contrôle devrait être 3", caught.exception.args[0]
        )
        with self.assertRaisesRegex(
            ValidationError, "356938030000012: check character should be 3"
        ):
            call_kw(
                lots,
                "create",
                [[{"product_id": self.phone.id, "name": "356938030000012"}]],
                {"context": {"lang": "en_US"}},
            )
        # an error of the core inside another: both parts are translated
        rules = self.env["serial.format.rule"].with_context(lang="fr_FR")
        with self.assertRaises(ValidationError) as caught:
            rules.create({"name": "Minuscules", "pattern": "SN{seq:4}"})
        self.assertIn(
            "modèle de numéro de série 'SN{seq:4}', caractère 3 : les jetons "
            "s'écrivent en majuscules : {SEQ:4}",
            caught.exception.args[0],
        )
        self.assertEqual(self._lot_count(), 0)

    @staticmethod
    def _luhn(body):
        return luhn.calc_check_digit(body)
