from datetime import date

import psycopg2

from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common import SerialTrackingCase

# Published examples: an IMEI of the GSMA allocation guidelines and a VIN of 49 CFR 565.
VALID_IMEI = "490154203237518"
VALID_VIN = "1M8GDM9AXKP042788"


@tagged("post_install", "-at_install")
class TestNumberingRules(SerialTrackingCase):
    """The numbering rule: presets, pattern checks, counter, where a rule applies."""

    def _rule(self, **values):
        return self.env["serial.format.rule"].create(dict({"name": "Test rule"}, **values))

    def test_presets_fill_the_checks(self):
        imei = self._rule(preset="imei")
        self.assertEqual(
            (imei.charset, imei.min_length, imei.max_length, imei.check_algorithm),
            ("digits", 15, 15, "luhn"),
        )
        vin = self._rule(preset="vin")
        self.assertEqual(
            (vin.charset, vin.min_length, vin.check_algorithm), ("alnum_upper", 17, "vin")
        )
        gs1 = self._rule(preset="gs1_serial")
        self.assertEqual((gs1.charset, gs1.max_length), ("gs1_ai21", 20))
        # switching back to custom keeps what the preset filled, for editing
        vin.preset = "custom"
        self.assertEqual(vin.check_algorithm, "vin")

    def test_preset_onchange_in_the_form(self):
        with Form(self.env["serial.format.rule"]) as form:
            form.name = "Phones"
            form.preset = "imei"
            self.assertEqual(form.check_algorithm, "luhn")
            form.pattern = "35693803{SEQ:6}{CHECK}"
            self.assertEqual(form.preview.splitlines()[0], "356938030000013")

    def test_wrong_pattern_is_refused_with_its_position(self):
        with self.assertRaisesRegex(ValidationError, r'"Test rule".*character 4.*unknown token'):
            self._rule(pattern="SN-{FOO}{SEQ:4}")
        with self.assertRaisesRegex(ValidationError, r"needs a sequence"):
            self._rule(pattern="SN-{YYYY}")
        with self.assertRaisesRegex(ValidationError, r"ends with \{CHECK\}.*'none'"):
            self._rule(pattern="SN{SEQ:6}{CHECK}")
        with self.assertRaisesRegex(ValidationError, r"has no \{CHECK\}"):
            self._rule(pattern="SN{SEQ:6}", check_algorithm="luhn", charset="any")
        rule = self._rule(pattern="SN{SEQ:6}")
        with self.assertRaisesRegex(ValidationError, r"\{SEQ\} needs a width"):
            rule.pattern = "SN{SEQ}"

    def test_pattern_must_agree_with_the_checks(self):
        with self.assertRaisesRegex(
            ValidationError, r"would make SN000001, which its own checks refuse.*digits 0-9"
        ):
            self._rule(pattern="SN{SEQ:6}", charset="digits")
        with self.assertRaisesRegex(ValidationError, r"lengths must satisfy"):
            self._rule(min_length=10, max_length=5)
        with self.assertRaisesRegex(ValidationError, r"invalid regex"):
            self._rule(regex="[A-")

    def test_preview_shows_the_next_numbers_without_taking_them(self):
        rule = self._rule(pattern="SN{SEQ:4}-{WH}", next_number=42)
        self.assertEqual(rule.preview.splitlines()[:3], ["SN0042-WH", "SN0043-WH", "SN0044-WH"])
        self.assertIn("warehouse code WH", rule.preview)
        self.assertEqual(rule.next_number, 42, "previewing must not consume numbers")
        draft = self.env["serial.format.rule"].new({"name": "Draft", "pattern": "SN{SEQ:4"})
        self.assertIn("never closed", draft.preview, "the preview says what is wrong")

    def test_counter_hands_out_increasing_numbers_once(self):
        rule = self._rule(pattern="SN{SEQ:6}", next_number=100)
        first = rule._reserve_numbers(5)
        second = rule._reserve_numbers(3)
        self.assertEqual(first, [100, 101, 102, 103, 104])
        self.assertEqual(second, [105, 106, 107])
        self.assertEqual(rule.next_number, 108)

    def test_generation_renders_every_token(self):
        self.product.default_code = "LT14"
        rule = self._rule(
            pattern="{REF}{WH}{YY}{MM}{DD}{SEQ:4}{CHECK}",
            check_algorithm="iso7064_mod37_36",
            charset="alnum_upper",
        )
        names = rule._generate_names(2, self.product, self.warehouse, date=date(2024, 3, 9))
        prefix = f"LT14{self.warehouse.code}240309"
        self.assertEqual([name[:-1] for name in names], [prefix + "0001", prefix + "0002"])
        self.assertEqual(len({name[-1] for name in names}), 2, "one check character each")

    def test_generation_says_what_is_missing(self):
        rule = self._rule(pattern="{REF}{SEQ:4}")
        with self.assertRaisesRegex(UserError, r"uses \{REF\}, but Laptop 14 has no internal"):
            rule._generate_names(1, self.product, self.warehouse)
        rule.pattern = False
        with self.assertRaisesRegex(UserError, r"has no pattern"):
            rule._generate_names(1, self.product, self.warehouse)
        rule.pattern = "X{SEQ:1}"
        rule._reserve_numbers(9)
        with self.assertRaisesRegex(UserError, r"cannot make 1 more numbers.*Widen"):
            rule._generate_names(1, self.product, self.warehouse)

    def test_effective_rule_template_then_category_chain(self):
        parent = self.env["product.category"].create({"name": "Devices"})
        child = self.env["product.category"].create({"name": "Phones", "parent_id": parent.id})
        template = self.product.product_tmpl_id
        template.categ_id = child
        category_rule = self._rule(name="Category rule")
        own_rule = self._rule(name="Own rule")
        self.assertFalse(template.serial_effective_rule_id)
        parent.serial_format_rule_id = category_rule
        self.assertEqual(
            template.serial_effective_rule_id,
            category_rule,
            "a parent category's rule reaches its subcategories",
        )
        self.assertEqual(self.product._serial_format_rules()[self.product.id], category_rule)
        template.serial_format_rule_id = own_rule
        self.assertEqual(template.serial_effective_rule_id, own_rule)
        template.serial_format_rule_id = False
        child.serial_format_rule_id = own_rule
        self.assertEqual(template.serial_effective_rule_id, own_rule, "the nearest category wins")

    def test_a_rule_in_use_cannot_be_deleted(self):
        rule = self._rule()
        counter = rule.sequence_id
        self.assertTrue(counter, "every rule has its own counter")
        self.product.serial_format_rule_id = rule
        with (
            self.assertRaises(psycopg2.errors.ForeignKeyViolation),
            mute_logger("odoo.sql_db"),
            self.cr.savepoint(),
        ):
            rule.unlink()
        self.product.serial_format_rule_id = False
        rule.unlink()
        self.assertFalse(counter.exists(), "the counter goes with the rule")

    def test_published_examples_validate(self):
        imei = self._rule(preset="imei")
        vin = self._rule(preset="vin")
        numbering = self.env["serial.numbering"]
        self.assertEqual(imei._validation_spec().check_algorithm, "luhn")
        self.product.serial_format_rule_id = imei
        numbering._validate_new_serials([{"product_id": self.product.id, "name": VALID_IMEI}])
        with self.assertRaisesRegex(
            ValidationError,
            r"490154203237519: check character "
            r"should be 8",
        ):
            numbering._validate_new_serials(
                [{"product_id": self.product.id, "name": "490154203237519"}]
            )
        self.product.serial_format_rule_id = vin
        numbering._validate_new_serials([{"product_id": self.product.id, "name": VALID_VIN}])
        with self.assertRaisesRegex(ValidationError, r"check character should be X"):
            numbering._validate_new_serials(
                [{"product_id": self.product.id, "name": "1M8GDM9A1KP042788"}]
            )
