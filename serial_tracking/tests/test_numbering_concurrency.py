import threading

from odoo import SUPERUSER_ID, api
from odoo.tests import tagged

from .common import SeparateCursorsCase


def _contiguous(numbers):
    return numbers == list(range(numbers[0], numbers[0] + len(numbers)))


@tagged("post_install", "-at_install")
class TestNumberingConcurrency(SeparateCursorsCase):
    """A rule's counter on real, separate database connections.

    TransactionCase runs everything on one connection; here every "user" has its own
    cursor, so the rule is committed first and removed afterwards.
    """

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            warehouse = env["stock.warehouse"].search([], limit=1)
            self.rule_id = (
                env["serial.format.rule"]
                .create(
                    {
                        "name": "Concurrency test rule",
                        "pattern": "CT{WH}{SEQ:8}",
                        "company_id": False,
                    }
                )
                .id
            )
            self.product_id = (
                env["product.product"]
                .create(
                    {
                        "name": "Concurrency test product",
                        "type": "consu",
                        "is_storable": True,
                        "tracking": "serial",
                        "serial_format_rule_id": self.rule_id,
                    }
                )
                .id
            )
            self.warehouse_id = warehouse.id
        self.addCleanup(self._remove_rule)

    def _remove_rule(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["product.product"].browse(self.product_id).product_tmpl_id.unlink()
            env["serial.format.rule"].browse(self.rule_id).unlink()

    def _env(self, cr):
        return api.Environment(cr, SUPERUSER_ID, {})

    def test_two_open_transactions_get_disjoint_blocks(self):
        with self.registry.cursor() as cr1, self.registry.cursor() as cr2:
            rule1 = self._env(cr1)["serial.format.rule"].browse(self.rule_id)
            rule2 = self._env(cr2)["serial.format.rule"].browse(self.rule_id)
            first = rule1._reserve_numbers(100)
            # the first transaction is still open: the second neither waits nor repeats
            second = rule2._reserve_numbers(100)
            third = rule1._reserve_numbers(50)
            cr2.rollback()
            # numbers of a rolled back transaction are not handed out again either
            fourth = rule1._reserve_numbers(10)
            blocks = [first, second, third, fourth]
            every = [number for block in blocks for number in block]
            self.assertEqual(len(set(every)), 260, "no number handed out twice")
            self.assertTrue(all(_contiguous(block) for block in blocks))
            self.assertGreater(fourth[0], second[-1])
            cr1.rollback()

    def test_two_users_generating_at_the_same_time(self):
        """Two threads, each on its own connection, generating names in many batches."""
        start = threading.Barrier(2)
        results, errors = {}, []

        def generate(user, env):
            try:
                rule = env["serial.format.rule"].browse(self.rule_id)
                product = env["product.product"].browse(self.product_id)
                warehouse = env["stock.warehouse"].browse(self.warehouse_id)
                start.wait(timeout=30)
                results[user] = [
                    rule._generate_names(250, product, warehouse) for _batch in range(20)
                ]
            except Exception as error:  # reported by the main thread
                errors.append(error)

        with self.registry.cursor() as cr1, self.registry.cursor() as cr2:
            # Environments are made here: the test runner holds the registry lock that
            # making one in a thread would wait for.
            threads = [
                threading.Thread(target=generate, args=(user, self._env(cr)))
                for user, cr in (("a", cr1), ("b", cr2))
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=120)
            cr1.rollback()
            cr2.rollback()
        self.assertFalse(errors, errors)
        names = [name for batches in results.values() for batch in batches for name in batch]
        self.assertEqual(len(names), 2 * 20 * 250)
        self.assertEqual(len(set(names)), len(names), "no serial number made twice")
        for batches in results.values():
            for batch in batches:
                counters = [int(name[-8:]) for name in batch]
                self.assertTrue(_contiguous(counters), "one batch is one range")
