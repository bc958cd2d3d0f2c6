class RepairMixin:
    """Repair orders on units that came back from the customer, with serial-tracked
    battery packs as parts. Mix it before a ``SerialTrackingCase``; ``_start`` and
    dated units need a ``WarrantyCase``."""

    #: days (received, shipped, returned) of ``_returned_unit``; None: today
    returned_days = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.repair_type = cls.warehouse.repair_type_id
        cls.part = cls.env["product.product"].create(
            {
                "name": "Battery Pack",
                "type": "consu",
                "is_storable": True,
                "tracking": "serial",
            }
        )

    def _returned_unit(self, name, product=None, days=None):
        """A unit received, shipped to the customer and brought back through a return,
        on ``days`` (see ``returned_days``)."""
        received, shipped, back = days or self.returned_days or (None, None, None)
        _receipt, unit = self._on_day(received, self._receive, [name], product=product)
        delivery = self._on_day(shipped, self._deliver, unit)
        self._on_day(back, self._return, delivery, unit)
        self.assertEqual(unit.lifecycle_state, "returned")
        return unit

    def _on_day(self, day, func, *args, **kwargs):
        if day is None:
            return func(*args, **kwargs)
        return self._on(day, func, *args, **kwargs)

    def _start(self, repair, day):
        self.assertIs(self._on(day, repair.action_validate), True)
        self._on(day, repair.action_repair_start)

    def _use_part(self, repair, lot, line_type=None):
        """Make the part line (the one of ``line_type`` when there are several) use
        exactly this serial, whatever was reserved."""
        move = repair.move_ids
        if line_type:
            move = move.filtered(lambda m: m.repair_line_type == line_type)
        self.assertEqual(len(move), 1)
        self._use_lots(move, lot)
