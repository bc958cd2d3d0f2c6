from datetime import date

from freezegun import freeze_time

from odoo import Command, fields

from .common import SerialTrackingCase


class WarrantyCase(SerialTrackingCase):
    """Products with warranty policies, and helpers that run real flows on a given day."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.tz = "UTC"  # event days and "today" fall on the same calendar
        cls.policy = cls._make_policy(
            "Laptop 24 months",
            [
                {
                    "coverage_type": "full",
                    "duration": 24,
                    "duration_unit": "month",
                    "trigger": "shipment",
                    "return_window_days": 30,
                    "pause_in_repair": True,
                },
            ],
        )
        cls.product.serial_warranty_policy_id = cls.policy
        cls.manager = cls.stock_manager

    @classmethod
    def _make_policy(cls, name, lines, **values):
        return cls.env["serial.warranty.policy"].create(
            dict(
                values,
                name=name,
                line_ids=[Command.create(line) for line in lines],
            )
        )

    @classmethod
    def _make_product(cls, name, policy=None, **values):
        return cls.env["product.product"].create(
            dict(
                values,
                name=name,
                type="consu",
                is_storable=True,
                tracking="serial",
                serial_warranty_policy_id=policy.id if policy else False,
            )
        )

    def _on(self, day, func, *args, **kwargs):
        """Run ``func`` with the clock at 10:00 UTC on ``day`` (an ISO date)."""
        with freeze_time(f"{day} 10:00:00"):
            return func(*args, **kwargs)

    def _daily(self, day):
        with freeze_time(f"{day} 06:00:00"):
            return self.env["serial.warranty"]._run_daily()

    def _coverages(self, lot, **filters):
        coverages = lot.warranty_ids.sorted("id")
        for field, value in filters.items():
            coverages = coverages.filtered(lambda cov, f=field, v=value: cov[f] == v)
        return coverages

    def assertCoverage(self, coverage, state, start=None, end=None):  # noqa: N802
        self.assertEqual(len(coverage), 1, "one coverage expected")
        self.assertEqual(coverage.state, state)
        if start is not None:
            self.assertEqual(coverage.start_date, date.fromisoformat(start))
        if end is not None:
            self.assertEqual(coverage.end_date, date.fromisoformat(end))

    @staticmethod
    def _today():
        return fields.Date.today()
