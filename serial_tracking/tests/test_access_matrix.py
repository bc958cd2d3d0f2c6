"""Who may read, write, create, delete and call what in the serial tracking suite.

Everything here is driven by the tables below: ``ACCESS`` (model -> rights per role),
``COMPANY_RULES`` (how each model is split between companies), ``PRIVATE_METHODS``
(never callable over RPC) and ``CALLS`` (public entry points and who may use them).
The tests compare the tables with what Odoo actually allows, as computed from
``ir.model.access.csv``, the groups and the record rules of the installed addons:
loosening an ACL or a rule, or adding a model without a row here, makes them fail.
"""

import json
from datetime import datetime, timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.service.model import get_public_method
from odoo.tests import HttpCase, TransactionCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException

ADDONS = (
    "serial_tracking",
    "serial_tracking_mrp",
    "serial_tracking_repair",
    "serial_tracking_helpdesk",
)

# --- roles ------------------------------------------------------------------------------
# Column order of ACCESS. Groups are given as Odoo assigns them; implied groups follow
# (an Inventory user is a Serial Tracking user, an Inventory administrator a manager).
ROLES = (
    "stock_user",
    "serial_user",
    "serial_manager",
    "stock_manager",
    "employee",
    "portal",
    "public",
)
ROLE_GROUPS = {
    "stock_user": "stock.group_stock_user",
    "serial_user": "serial_tracking.group_serial_user",
    "serial_manager": "stock.group_stock_user,serial_tracking.group_serial_manager",
    "stock_manager": "stock.group_stock_manager",
    "employee": "base.group_user",
    "portal": "base.group_portal",
    "public": None,  # Odoo's own public user (base.public_user)
}
OPERATIONS = (("r", "read"), ("w", "write"), ("c", "create"), ("d", "unlink"))

# --- model -> rights of each role, "rwcd" with "-" for refused --------------------------
#                                     stock   serial  serial  stock   employee portal public
#                                     user    user    manager manager
ACCESS = {
    # ledger and reference data
    "serial.event": ("r---", "r---", "r---", "r---", "----", "----", "----"),
    "serial.reason": ("r---", "r---", "rwcd", "rwcd", "----", "----", "----"),
    "serial.genealogy": ("r---", "r---", "r-c-", "r-c-", "----", "----", "----"),
    "serial.format.rule": ("r---", "----", "rwcd", "rwcd", "----", "----", "----"),
    "serial.warranty.policy": ("r---", "r---", "rwcd", "rwcd", "----", "----", "----"),
    "serial.warranty.policy.line": ("r---", "r---", "rwcd", "rwcd", "----", "----", "----"),
    "serial.warranty": ("r---", "r---", "r---", "r---", "----", "----", "----"),
    "serial.eligibility.check": ("r---", "r---", "r---", "r---", "----", "----", "----"),
    # recalls
    "serial.recall": ("rwc-", "rwc-", "rwcd", "rwcd", "----", "----", "----"),
    "serial.recall.unit": ("r---", "r---", "rw--", "rw--", "----", "----", "----"),
    "serial.recall.simulation": ("r---", "r---", "r---", "r---", "----", "----", "----"),
    # consistency checker and public page throttle: managers only
    "serial.consistency.check": ("----", "----", "r-cd", "r-cd", "----", "----", "----"),
    "serial.consistency.issue": ("----", "----", "r--d", "r--d", "----", "----", "----"),
    "serial.resolver.attempt": ("----", "----", "r---", "r---", "----", "----", "----"),
    "serial.ownership.claim": ("----", "----", "r---", "r---", "----", "----", "----"),
    # wizards
    "serial.transition.wizard": ("rwc-", "rwc-", "rwc-", "rwc-", "----", "----", "----"),
    "serial.state.at.wizard": ("rwc-", "rwc-", "rwc-", "rwc-", "----", "----", "----"),
    "serial.state.at.line": ("rwc-", "rwc-", "rwc-", "rwc-", "----", "----", "----"),
    "serial.generate.wizard": ("rwc-", "----", "rwc-", "rwc-", "----", "----", "----"),
    "serial.traceability.export": ("rwc-", "rwc-", "rwc-", "rwc-", "----", "----", "----"),
    "serial.eligibility.wizard": ("rwc-", "rwc-", "rwc-", "rwc-", "----", "----", "----"),
    "serial.label.wizard": ("rwc-", "rwc-", "rwc-", "rwc-", "----", "----", "----"),
    "serial.warranty.extend.wizard": ("----", "----", "rwc-", "rwc-", "----", "----", "----"),
    "serial.recall.close.wizard": ("----", "----", "rwc-", "rwc-", "----", "----", "----"),
    "serial.recall.unit.status.wizard": ("----", "----", "rwc-", "rwc-", "----", "----", "----"),
    # bridges (rows of addons that are not installed are skipped)
    "mrp.serial.assignment": ("r---", "----", "r---", "r---", "----", "----", "----"),
    "serial.repair.warranty.wizard": ("----", "----", "rwc-", "rwc-", "----", "----", "----"),
    "serial.ticket.override.wizard": ("rwc-", "rwc-", "rwc-", "rwc-", "----", "----", "----"),
}

# --- multi-company: "own" = the user's companies only; "shared" = also records without
# a company. Every model above with a company_id must be listed.
COMPANY_RULES = {
    "serial.event": "shared",
    "serial.reason": "shared",
    "serial.genealogy": "shared",
    "serial.format.rule": "shared",
    "serial.warranty.policy": "shared",
    "serial.warranty.policy.line": "shared",
    "serial.warranty": "shared",
    "serial.eligibility.check": "own",
    "serial.recall": "own",
    "serial.recall.unit": "own",
    "serial.recall.simulation": "own",
    "serial.consistency.check": "own",
    "serial.consistency.issue": "own",
    "serial.ownership.claim": "shared",
    "mrp.serial.assignment": "own",
}

# --- methods that must never answer a remote call (they write the ledger, states or
# coverages without the checks of the public paths, or run as superuser).
PRIVATE_METHODS = [
    ("stock.lot", "_serial_apply_events"),
    ("stock.lot", "_serial_write_states"),
    ("stock.lot", "_serial_active_recalls_by_lot"),
    ("serial.event", "_append"),
    ("serial.event", "_insert_events"),
    ("serial.warranty", "_engine"),
    ("serial.eligibility.check", "_evaluate_batch"),
    ("serial.eligibility.check", "_override"),
    ("serial.genealogy", "_walk_execute"),
    ("serial.genealogy", "_close"),
    ("serial.recall", "_close"),
    ("serial.consistency.check", "_run"),
    ("serial.consistency.check", "_cron_check"),
    ("serial.resolver.attempt", "_serial_allow"),
    ("serial.ownership.claim", "_serial_submit"),
    ("serial.ownership.claim", "_serial_confirm_email"),
    ("serial.ownership.claim", "_serial_accept_one"),
    ("serial.scanner", "_transition"),
    ("serial.scanner", "_create_lot"),
    ("serial.bulk", "_write_column"),
    ("serial.bulk", "_copy_rows"),
    ("serial.bulk", "_serial_fast_path"),
    ("serial.traceability", "_gather"),
    ("serial.demo.builder", "_populate"),
    ("helpdesk.ticket", "_serial_log"),
    ("helpdesk.ticket", "_serial_portal_units"),
    ("mrp.production", "_serial_record_genealogy"),
    ("repair.order", "_serial_emit"),
    ("repair.order", "_serial_record_part_swaps"),
]

# --- public entry points: (model, method, args, roles that may call it). A refused role
# gets an AccessError; an allowed role may still get a UserError about the data.
STOCK_ROLES = frozenset({"stock_user", "serial_manager", "stock_manager"})
MANAGER_ROLES = frozenset({"serial_manager", "stock_manager"})
CALLS = [
    ("serial.scanner", "load", lambda case: ("lookup",), STOCK_ROLES),
    ("serial.scanner", "load", lambda case: ("quarantine",), MANAGER_ROLES),
    ("serial.scanner", "scan", lambda case: ("lookup", case.lot_a.name), STOCK_ROLES),
    ("serial.scanner", "action_open_serial", lambda case: (case.lot_a.id,), STOCK_ROLES),
    ("serial.scanner", "action_print_label", lambda case: (case.lot_a.id,), STOCK_ROLES),
    ("serial.scanner", "undo", lambda case: ("lookup", {}), STOCK_ROLES),
    ("serial.scanner", "validate", lambda case: ("count", {}), STOCK_ROLES),
    ("serial.scanner", "count_review", lambda case: ({},), STOCK_ROLES),
    ("serial.consistency.check", "action_run_check", lambda case: (), MANAGER_ROLES),
    ("serial.event", "action_verify_all", lambda case: (), STOCK_ROLES),
    (
        "serial.eligibility.check",
        "evaluate",
        lambda case: (case.lot_a.id, case.customer.id, "repair"),
        STOCK_ROLES,
    ),
    ("serial.recall", "action_activate", lambda case: case.recall_a, MANAGER_ROLES),
    ("serial.recall", "action_close", lambda case: case.recall_a, MANAGER_ROLES),
    ("serial.ownership.claim", "action_accept", lambda case: case.claim_a, MANAGER_ROLES),
    ("serial.ownership.claim", "action_refuse", lambda case: case.claim_a, MANAGER_ROLES),
    ("helpdesk.ticket", "serial_find_by_barcode", lambda case: (case.lot_a.name,), STOCK_ROLES),
]

# --- wizards given another company's serial (ids can be sent over RPC even when the
# form would never offer them): (wizard, values, action). Each must refuse.
FOREIGN_LOT_WIZARDS = [
    ("serial.transition.wizard", lambda case: {"action": "install"}, "action_apply"),
    (
        "serial.transition.wizard",
        lambda case: {
            "action": "quarantine",
            "reason_id": case.env.ref("serial_tracking.reason_suspected_defect").id,
        },
        "action_apply",
    ),
    ("serial.state.at.wizard", lambda case: {}, "action_compute"),
    ("serial.eligibility.wizard", lambda case: {"intent": "repair"}, "action_check"),
    ("serial.traceability.export", lambda case: {}, "action_export"),
    ("serial.label.wizard", lambda case: {}, "action_print"),
    (
        "serial.warranty.extend.wizard",
        lambda case: {"reason_id": case.env.ref("serial_tracking.reason_manager_override").id},
        "action_apply",
    ),
]


class AccessFixture:
    """Users of every role in company A, their counterparts in company B, and one
    record of every model in company B (and some without a company)."""

    @classmethod
    def _setup_access_fixture(cls):
        env = cls.env
        cls.company_a = env.company
        cls.company_b = env["res.company"].create({"name": "Access Other Co"})
        cls.users = {}
        for role in ROLES:
            if ROLE_GROUPS[role] is None:
                cls.users[role] = env.ref("base.public_user")
                continue
            cls.users[role] = new_test_user(
                env,
                login=f"acm_{role}",
                groups=ROLE_GROUPS[role],
                company_id=cls.company_a.id,
                company_ids=[cls.company_a.id],
            )
        cls.user_b = new_test_user(
            env,
            login="acm_manager_b",
            groups=ROLE_GROUPS["serial_manager"],
            company_id=cls.company_b.id,
            company_ids=[cls.company_b.id],
        )
        cls.customer = env["res.partner"].create({"name": "Hidden Customer Ltd"})
        cls.product = env["product.product"].create(
            {
                "name": "Access Router",
                "type": "consu",
                "is_storable": True,
                "tracking": "serial",
                "barcode": "5901234123457",
            }
        )
        Lot = env["stock.lot"]
        cls.lot_a = Lot.create(
            {"name": "ACM-A-1", "product_id": cls.product.id, "company_id": cls.company_a.id}
        )
        cls.lot_a2 = Lot.create(
            {"name": "ACM-A-2", "product_id": cls.product.id, "company_id": cls.company_a.id}
        )
        cls.lot_b = Lot.create(
            {"name": "ACM-B-1", "product_id": cls.product.id, "company_id": cls.company_b.id}
        )
        cls.lot_b2 = Lot.create(
            {"name": "ACM-B-2", "product_id": cls.product.id, "company_id": cls.company_b.id}
        )
        cls.lot_shared = Lot.create(
            {"name": "ACM-S-1", "product_id": cls.product.id, "company_id": False}
        )
        lots = cls.lot_a | cls.lot_b | cls.lot_shared
        Lot._serial_apply_events([{"lot": lot, "event_type": "received"} for lot in lots])
        Lot._serial_apply_events(
            [{"lot": lot, "event_type": "shipped", "partner_id": cls.customer.id} for lot in lots]
        )
        cls.recall_a = env["serial.recall"].create(
            {
                "reason": "Access test A",
                "company_id": cls.company_a.id,
                "lot_ids": [fields.Command.set(cls.lot_a.ids)],
            }
        )
        cls.claim_a = env["serial.ownership.claim"]._serial_submit(
            cls.lot_a, "Claimant A", "claimant.a@example.com", fields.Date.today()
        )
        cls.records_b = cls._company_records(cls.company_b, cls.lot_b, cls.lot_b2)
        cls.records_shared = {
            "serial.event": env["serial.event"].search(
                [("lot_id", "=", cls.lot_shared.id)], limit=1
            ),
            "serial.reason": env["serial.reason"].create(
                {"name": "Shared reason", "code": "ACM_SHARED", "company_id": False}
            ),
            "serial.warranty.policy": env["serial.warranty.policy"].create(
                {"name": "Shared policy", "company_id": False}
            ),
            "serial.format.rule": env["serial.format.rule"].create(
                {"name": "Shared rule", "company_id": False}
            ),
        }

    @classmethod
    def _company_records(cls, company, lot, lot2):
        """One record of every company-split model, in ``company``."""
        env = cls.env
        policy = env["serial.warranty.policy"].create(
            {"name": "B policy", "company_id": company.id}
        )
        recall = env["serial.recall"].create(
            {
                "reason": "B recall",
                "company_id": company.id,
                "lot_ids": [fields.Command.set(lot.ids)],
            }
        )
        check = env["serial.consistency.check"].create(
            {"trigger": "manual", "company_id": company.id}
        )
        records = {
            "stock.lot": lot,
            "serial.event": env["serial.event"].search([("lot_id", "=", lot.id)], limit=1),
            "serial.reason": env["serial.reason"].create(
                {"name": "B reason", "code": "ACM_B", "company_id": company.id}
            ),
            "serial.genealogy": env["serial.genealogy"].create(
                {"parent_lot_id": lot2.id, "child_lot_id": lot.id}
            ),
            "serial.format.rule": env["serial.format.rule"].create(
                {"name": "B rule", "company_id": company.id}
            ),
            "serial.warranty.policy": policy,
            "serial.warranty.policy.line": env["serial.warranty.policy.line"].create(
                {"policy_id": policy.id}
            ),
            "serial.warranty": env["serial.warranty"]
            ._engine()
            .create({"lot_id": lot.id, "coverage_type": "parts"}),
            "serial.eligibility.check": env["serial.eligibility.check"]
            .with_company(company)
            .evaluate(lot, cls.customer, "repair"),
            "serial.recall": recall,
            "serial.recall.unit": env["serial.recall.unit"].create(
                {"recall_id": recall.id, "lot_id": lot.id, "bucket": "in_stock"}
            ),
            "serial.recall.simulation": env["serial.recall.simulation"].create(
                {"recall_id": recall.id}
            ),
            "serial.consistency.check": check,
            "serial.ownership.claim": env["serial.ownership.claim"]._serial_submit(
                lot, "Claimant B", "claimant.b@example.com", fields.Date.today()
            ),
            "serial.consistency.issue": env["serial.consistency.issue"].create(
                {
                    "check_id": check.id,
                    "lot_id": lot.id,
                    "company_id": company.id,
                    "kind": "state_vs_quant",
                }
            ),
        }
        return {model: record for model, record in records.items() if model in env}

    def _models(self):
        """Models defined (not only extended) by the four addons, abstract ones aside."""
        return sorted(
            name
            for name, model_cls in self.env.registry.items()
            if model_cls._original_module in ADDONS and not model_cls._abstract
        )


@tagged("post_install", "-at_install")
class TestAccessMatrix(AccessFixture, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_access_fixture()

    # --- the tables are complete -------------------------------------------------------

    def test_every_model_has_a_row(self):
        missing = [name for name in self._models() if name not in ACCESS]
        self.assertFalse(missing, "models without a row in ACCESS (add one): %s" % missing)
        with_company = [
            name
            for name in ACCESS
            if name in self.env
            and "company_id" in self.env[name]._fields
            and not self.env[name]._transient
        ]
        unsplit = [name for name in with_company if name not in COMPANY_RULES]
        self.assertFalse(unsplit, "models with a company but no COMPANY_RULES row: %s" % unsplit)

    # --- ACLs ---------------------------------------------------------------------------

    def test_rights_per_role_are_those_of_the_table(self):
        mismatches = []
        for model, rights in ACCESS.items():
            if model not in self.env:
                continue
            for role, expected in zip(ROLES, rights, strict=True):
                records = self.env[model].with_user(self.users[role])
                actual = "".join(
                    letter if records.has_access(operation) else "-"
                    for letter, operation in OPERATIONS
                )
                if actual != expected:
                    mismatches.append(f"{model} / {role}: expected {expected}, got {actual}")
        self.assertFalse(mismatches, "ACLs differ from the access table:\n" + "\n".join(mismatches))

    def test_refused_rights_really_raise(self):
        """``has_access`` agrees with the ORM: a refused read or create raises."""
        event = self.records_shared["serial.event"]
        for role in ("employee", "portal", "public"):
            with self.subTest(role=role), self.assertRaises(AccessError):
                event.with_user(self.users[role]).read(["event_type"])
        for role in ("stock_user", "serial_manager"):
            with self.subTest(role=role), self.assertRaises(AccessError):
                self.env["serial.event"].with_user(self.users[role]).with_context(
                    serial_ledger_append=True
                ).create({"lot_id": self.lot_a.id, "event_type": "note"})
        with self.assertRaises(AccessError):
            self.env["serial.consistency.check"].with_user(self.users["stock_user"]).search([])
        with self.assertRaises(AccessError):
            self.env["serial.recall.unit"].with_user(self.users["stock_user"]).create(
                {"recall_id": self.recall_a.id, "lot_id": self.lot_a2.id, "bucket": "in_stock"}
            )

    def test_the_ledger_is_read_only_even_for_managers_and_superuser(self):
        event = self.records_shared["serial.event"]
        with self.assertRaises(AccessError):
            event.with_user(self.users["stock_manager"]).write({"note": "edited"})
        with self.assertRaises(UserError):
            event.sudo().write({"note": "edited"})
        with self.assertRaises(UserError):
            event.sudo().unlink()

    # --- record rules -----------------------------------------------------------------

    def test_company_rules_exist(self):
        Rule = self.env["ir.rule"].sudo()
        for model, kind in COMPANY_RULES.items():
            if model not in self.env:
                continue
            rules = Rule.search([("model_id.model", "=", model), ("global", "=", True)])
            company_rules = rules.filtered(lambda rule: "company_ids" in rule.domain_force)
            with self.subTest(model=model):
                self.assertTrue(company_rules, f"{model}: no global multi-company rule")
                shares = any("False" in rule.domain_force for rule in company_rules)
                self.assertEqual(
                    shares, kind == "shared", f"{model}: rule domain does not match kind {kind!r}"
                )

    def test_other_company_records_are_invisible(self):
        """A user of company A neither finds nor reads company B's serials, events,
        warranties, recalls...; company B's own user does (so the test can fail)."""
        self.assertEqual(
            set(self.records_b),
            {
                "stock.lot",
                *[m for m in COMPANY_RULES if m in self.env and m != "mrp.serial.assignment"],
            },
            "every company-split model needs a company B record in the fixture",
        )
        outsiders = [self.users[role] for role in ("stock_user", "serial_manager", "stock_manager")]
        for model, record in self.records_b.items():
            self.assertTrue(record, f"{model}: fixture record missing")
            for user in outsiders:
                with self.subTest(model=model, user=user.login):
                    Model = self.env[model].with_user(user)
                    if not Model.has_access("read"):
                        continue
                    self.assertFalse(Model.search([("id", "=", record.id)]))
                    self.assertFalse(Model.browse(record.id).has_access("read"))
                    with self.assertRaises(AccessError):
                        Model.browse(record.id).read(["display_name"])
            with self.subTest(model=model, user="own company"):
                self.assertEqual(
                    self.env[model].with_user(self.user_b).search([("id", "=", record.id)]).id,
                    record.id,
                )

    def test_shared_records_are_visible_to_every_company(self):
        for model, record in self.records_shared.items():
            with self.subTest(model=model):
                self.assertEqual(COMPANY_RULES[model], "shared")
                found = (
                    self.env[model]
                    .with_user(self.users["stock_manager"])
                    .search([("id", "=", record.id)])
                )
                self.assertEqual(found.id, record.id)

    def test_aggregates_and_relations_do_not_leak(self):
        """Counting, grouping and reading through a visible record's relations stay
        within the user's companies."""
        user = self.users["serial_manager"]
        Event = self.env["serial.event"].with_user(user)
        lot_ids = {lot for [lot] in Event._read_group([], ["lot_id"])}
        self.assertNotIn(self.lot_b.id, {lot.id for lot in lot_ids})
        self.assertEqual(Event.search_count([("lot_id", "=", self.lot_b.id)]), 0)
        Warranty = self.env["serial.warranty"].with_user(user)
        self.assertFalse(Warranty.search([("lot_id.name", "=", self.lot_b.name)]))
        self.assertFalse(
            self.env["serial.recall.unit"].with_user(user).search([("lot_id", "=", self.lot_b.id)])
        )

    # --- public entry points ----------------------------------------------------------

    def _call(self, user, model, method, args):
        """Call ``method`` as the RPC layer does: through ``get_public_method``."""
        target = args if not isinstance(args, tuple) else self.env[model]
        params = () if not isinstance(args, tuple) else args
        records = target.with_user(user)
        function = get_public_method(records, method)
        return function(records, *params)

    def test_public_methods_follow_the_table(self):
        wrong = []
        for model, method, make_args, allowed in CALLS:
            if model not in self.env:
                continue
            for role in ROLES:
                try:
                    with self.env.cr.savepoint():
                        self._call(self.users[role], model, method, make_args(self))
                    outcome = True
                except AccessError:
                    outcome = False
                except UserError:
                    outcome = True  # allowed in, refused on the data
                self.env.invalidate_all()
                if outcome != (role in allowed):
                    wrong.append(
                        f"{model}.{method} / {role}: {'allowed' if outcome else 'refused'}"
                    )
        self.assertFalse(wrong, "entry points differ from CALLS:\n" + "\n".join(wrong))

    def test_abstract_models_expose_only_listed_methods(self):
        """An abstract model has no ACL: any signed-in user (a portal user too) may call
        its public methods, so each one must be in CALLS, where its checks are tested."""
        inherited = set(dir(type(self.env["base"])))  # the ORM's own, web's, mail's...
        listed = {(model, method) for model, method, _args, _roles in CALLS}
        unlisted = []
        for name, model_cls in self.env.registry.items():
            if model_cls._original_module not in ADDONS or not model_cls._abstract:
                continue
            for attr in dir(model_cls):
                method = getattr(model_cls, attr, None)
                if (
                    attr.startswith("_")
                    or attr in inherited
                    or not callable(method)
                    or getattr(method, "_api_private", False)
                ):
                    continue
                if (name, attr) not in listed:
                    unlisted.append(f"{name}.{attr}")
        self.assertFalse(
            unlisted, "public methods of abstract models missing from CALLS: %s" % unlisted
        )

    def test_private_methods_are_private(self):
        for model, method in PRIVATE_METHODS:
            if model not in self.env:
                continue
            with self.subTest(model=model, method=method):
                self.assertTrue(
                    callable(getattr(type(self.env[model]), method, None)),
                    f"{model}.{method} no longer exists: update PRIVATE_METHODS",
                )
                with self.assertRaises(AccessError):
                    get_public_method(self.env[model], method)

    def test_entry_points_refuse_other_company_serials(self):
        user = self.users["serial_manager"]
        with self.assertRaises(AccessError):
            self._call(user, "serial.scanner", "action_open_serial", (self.lot_b.id,))
        with self.assertRaises(AccessError):
            self._call(
                user,
                "serial.eligibility.check",
                "evaluate",
                (self.lot_b.id, self.customer.id, "repair"),
            )
        # typed as a serial number: unknown to company A, nothing about it is told
        check = self._call(
            user,
            "serial.eligibility.check",
            "evaluate",
            (self.lot_b.name, self.customer.id, "repair"),
        )
        self.assertFalse(check.lot_id)
        self.assertEqual(check.company_id, self.company_a)
        result = self._call(user, "serial.scanner", "scan", ("lookup", self.lot_b.name))
        self.assertEqual(result["status"], "error")
        self.assertNotIn("card", result)
        warehouse_b = self.env["stock.warehouse"].search(
            [("company_id", "=", self.company_b.id)], limit=1
        )
        picking_b = self.env["stock.picking"].create(
            {
                "picking_type_id": warehouse_b.in_type_id.id,
                "location_id": self.env.ref("stock.stock_location_suppliers").id,
                "location_dest_id": warehouse_b.lot_stock_id.id,
                "company_id": self.company_b.id,
            }
        )
        # refused, or answered as if the document or location did not exist
        for mode, params, key, secret in (
            ("receive", {"picking_id": picking_b.id}, "document", picking_b.name),
            (
                "count",
                {"location_id": warehouse_b.lot_stock_id.id},
                "location",
                warehouse_b.lot_stock_id.complete_name,
            ),
        ):
            with self.subTest(mode=mode):
                try:
                    data = self._call(user, "serial.scanner", "load", (mode, params))
                except AccessError:
                    continue
                self.assertFalse(data.get(key))
                self.assertNotIn(secret, repr(data))
        if "helpdesk.ticket" in self.env:
            self.assertFalse(
                self._call(user, "helpdesk.ticket", "serial_find_by_barcode", (self.lot_b.name,))
            )
        traceability = self.env["serial.traceability"].with_user(user)
        with self.assertRaises(AccessError):
            traceability._gather(self.lot_b.with_user(user))

    def test_wizards_refuse_other_company_serials(self):
        user = self.users["serial_manager"]
        foreign = self.lot_b | self.lot_a2
        for model, make_values, action in FOREIGN_LOT_WIZARDS:
            # Odoo refuses to link unreadable records already; the action would be next
            with self.subTest(model=model, action=action), self.assertRaises(AccessError):
                wizard = (
                    self.env[model]
                    .with_user(user)
                    .with_context(
                        active_model="stock.lot",
                        active_ids=foreign.ids,
                    )
                    .create(dict(make_values(self), lot_ids=[fields.Command.set(foreign.ids)]))
                )
                getattr(wizard, action)()
            self.env.invalidate_all()
        self.assertEqual(self.lot_b.lifecycle_state, "shipped")
        self.assertEqual(sorted(self.lot_b.event_ids.mapped("event_type")), ["received", "shipped"])

    def test_guard_contexts_cannot_be_forged(self):
        """The context keys that let the suite's own code write guarded fields are
        useless when sent by a client (a client can send any context over RPC)."""
        for role in ("stock_user", "stock_manager"):
            lot = self.lot_a2.with_user(self.users[role]).with_context(serial_lifecycle_write=True)
            with self.subTest(role=role), self.assertRaises(UserError):
                lot.write({"lifecycle_state": "scrapped"})
            with self.subTest(role=role), self.assertRaises(UserError):
                lot.write({"current_partner_id": self.customer.id})
            with self.subTest(role=role), self.assertRaises(UserError):
                lot.create(
                    {
                        "name": "ACM-FORGED",
                        "product_id": self.product.id,
                        "lifecycle_state": "shipped",
                    }
                )
        self.assertEqual(self.lot_a2.lifecycle_state, "planned")
        recall = self.recall_a.with_user(self.users["stock_user"])
        for state in ("active", "closed"):
            with self.subTest(state=state), self.assertRaises(AccessError):
                recall.write({"state": state})
        with self.assertRaises(AccessError):
            recall.create(
                {
                    "reason": "forged",
                    "state": "active",
                    "lot_ids": [fields.Command.set(self.lot_a2.ids)],
                }
            )
        self.assertEqual(self.recall_a.state, "draft")
        with self.assertRaises(AccessError):
            recall.create({"reason": "other company's", "company_id": self.company_b.id})

    # --- reports -----------------------------------------------------------------------

    def _reports(self):
        data = (
            self.env["ir.model.data"]
            .sudo()
            .search([("module", "in", ADDONS), ("model", "=", "ir.actions.report")])
        )
        return self.env["ir.actions.report"].browse(data.mapped("res_id"))

    def test_reports(self):
        docs = {
            "stock.lot": (self.lot_a, self.lot_b),
            "serial.recall": (self.recall_a, self.records_b["serial.recall"]),
        }
        reports = self._reports()
        self.assertGreaterEqual(len(reports), 4)
        for report in reports:
            self.assertIn(
                report.model,
                docs,
                f"{report.report_name}: add a document for {report.model} to this test",
            )
            own, other = docs[report.model]
            with self.subTest(report=report.name):
                Report = self.env["ir.actions.report"].with_user(self.users["stock_user"])
                html, _type = Report._render_qweb_html(report.id, own.ids)
                self.assertIn(own.name, html.decode())
                for role in ("stock_user", "serial_manager"):
                    with self.assertRaises(AccessError):
                        self.env["ir.actions.report"].with_user(self.users[role])._render_qweb_html(
                            report.id, other.ids
                        )
                for role in ("employee", "portal", "public"):
                    with self.assertRaises(AccessError):
                        self.env["ir.actions.report"].with_user(self.users[role])._render_qweb_html(
                            report.id, own.ids
                        )


@tagged("post_install", "-at_install")
class TestAccessOverHttp(AccessFixture, HttpCase):
    """The same rules, seen from the wire: JSON-RPC (session), JSON-2 (API key), the
    report routes and the public serial page."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_access_fixture()

    def _call_kw(self, model, method, args, kwargs=None):
        return self.make_jsonrpc_request(
            "/web/dataset/call_kw",
            {
                "model": model,
                "method": method,
                "args": args,
                "kwargs": kwargs or {},
            },
        )

    def test_private_methods_refused_over_json_rpc(self):
        admin = self.env.ref("base.user_admin")
        admin.password = "acm-admin-pw"
        logins = [
            ("acm_stock_user", "acm_stock_user"),
            ("acm_serial_manager", "acm_serial_manager"),
            (admin.login, "acm-admin-pw"),
        ]
        for login, password in logins:
            self.authenticate(login, password)
            for model, method in PRIVATE_METHODS:
                if model not in self.env:
                    continue
                with (
                    self.subTest(login=login, model=model, method=method),
                    self.assertRaises(JsonRpcException) as caught,
                ):
                    self._call_kw(model, method, [[self.lot_a.id]])
                self.assertEqual(caught.exception.args[0], "odoo.exceptions.AccessError")

    def test_private_methods_refused_over_json2(self):
        user = self.users["stock_user"]
        key = (
            self.env["res.users.apikeys"]
            .with_user(user)
            ._generate(
                scope="rpc", name="access test", expiration_date=datetime.now() + timedelta(days=1)
            )
        )
        headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
        for model, method in PRIVATE_METHODS:
            if model not in self.env:
                continue
            with self.subTest(model=model, method=method):
                response = self.url_open(
                    f"/json/2/{model}/{method}",
                    data=json.dumps({"ids": [self.lot_a.id]}),
                    headers=headers,
                )
                self.assertEqual(response.status_code, 403, response.text[:300])
                self.assertEqual(response.json()["name"], "odoo.exceptions.AccessError")
                self.assertIn("cannot be called remotely", response.json()["message"])
        # the key works: a public read of an own serial answers
        response = self.url_open(
            "/json/2/stock.lot/read",
            data=json.dumps({"ids": [self.lot_a.id], "fields": ["name"]}),
            headers=headers,
        )
        self.assertEqual(response.status_code, 200, response.text[:300])
        self.assertEqual(response.json()[0]["name"], self.lot_a.name)
        response = self.url_open(
            "/json/2/stock.lot/read",
            data=json.dumps({"ids": [self.lot_b.id], "fields": ["name"]}),
            headers=headers,
        )
        self.assertEqual(response.status_code, 403)
        self.assertNotIn(self.lot_b.name, response.text)

    def test_other_company_serials_over_json_rpc(self):
        self.authenticate("acm_serial_manager", "acm_serial_manager")
        for model in (
            "stock.lot",
            "serial.event",
            "serial.warranty",
            "serial.recall",
            "serial.eligibility.check",
            "serial.genealogy",
        ):
            with self.subTest(model=model):
                rows = self._call_kw(model, "search_read", [[]], {"fields": ["id"]})
                self.assertNotIn(self.records_b[model].id, {row["id"] for row in rows})
                with self.assertRaises(JsonRpcException) as caught:
                    self._call_kw(model, "read", [self.records_b[model].ids, ["id"]])
                self.assertEqual(caught.exception.args[0], "odoo.exceptions.AccessError")

    def test_forged_context_over_json_rpc(self):
        """What a client could send: the guard's context key, or the state itself."""
        self.authenticate("acm_stock_user", "acm_stock_user")
        for model, record, vals, error in (
            ("stock.lot", self.lot_a2, {"lifecycle_state": "scrapped"}, "UserError"),
            ("stock.lot", self.lot_a2, {"current_partner_id": self.customer.id}, "UserError"),
            ("serial.recall", self.recall_a, {"state": "active"}, "AccessError"),
            ("serial.recall", self.recall_a, {"state": "closed"}, "AccessError"),
        ):
            with (
                self.subTest(model=model, vals=vals),
                self.assertRaises(JsonRpcException) as caught,
            ):
                self._call_kw(
                    model,
                    "write",
                    [record.ids, vals],
                    {
                        "context": {
                            "serial_lifecycle_write": True,
                            "serial_warranty_write": True,
                            "serial_ledger_append": True,
                        }
                    },
                )
            self.assertEqual(caught.exception.args[0], f"odoo.exceptions.{error}")
        self.assertEqual(self.lot_a2.lifecycle_state, "planned")
        self.assertEqual(self.recall_a.state, "draft")

    def test_portal_and_public_over_json_rpc(self):
        self.authenticate("acm_portal", "acm_portal")
        for model, method, args in (
            ("serial.event", "search_read", [[]]),
            ("stock.lot", "read", [self.lot_a.ids, ["name"]]),
            ("serial.scanner", "load", ["lookup"]),
            ("serial.eligibility.check", "evaluate", [self.lot_a.id, False, "repair"]),
            ("serial.consistency.check", "action_run_check", [[]]),  # as the list header
        ):
            with self.subTest(model=model, method=method):
                with self.assertRaises(JsonRpcException) as caught:
                    self._call_kw(model, method, args)
                self.assertEqual(caught.exception.args[0], "odoo.exceptions.AccessError")
        self.authenticate(None, None)
        with self.assertRaises(JsonRpcException) as caught:
            self._call_kw("serial.event", "search_read", [[]])
        self.assertEqual(caught.exception.args[0], "odoo.http.SessionExpiredException")

    def test_report_routes(self):
        report = "serial_tracking.report_serial_warranty_certificate"
        self.authenticate("acm_serial_manager", "acm_serial_manager")
        own = self.url_open(f"/report/html/{report}/{self.lot_a.id}")
        self.assertEqual(own.status_code, 200)
        self.assertIn(self.lot_a.name, own.text)
        other = self.url_open(f"/report/html/{report}/{self.lot_b.id}")
        self.assertNotEqual(other.status_code, 200)
        self.assertNotIn(self.lot_b.name, other.text)
        for login in ("acm_portal", None):
            self.authenticate(login, login)
            with self.subTest(login=login):
                response = self.url_open(f"/report/html/{report}/{self.lot_a.id}")
                self.assertNotIn(self.customer.name, response.text)
                self.assertNotIn(self.lot_a.name, response.text)

    def test_public_serial_page_tells_only_what_it_should(self):
        """The GS1 Digital Link page is public: the product, genuineness and warranty,
        never who holds the unit; another company's unit is found only by its own link."""
        self.authenticate(None, None)
        response = self.url_open(f"/01/05901234123457/21/{self.lot_a.name}")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.lot_a.name, response.text)
        self.assertNotIn(self.customer.name, response.text)
        unknown = self.url_open("/01/05901234123457/21/ACM-NOPE")
        self.assertEqual(unknown.status_code, 404)
        self.assertNotIn("Traceback", unknown.text)
