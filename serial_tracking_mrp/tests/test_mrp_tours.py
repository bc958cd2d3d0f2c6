from odoo.tests import HttpCase, tagged

from .common import MrpGenealogyCase


@tagged("post_install", "-at_install")
class TestMrpTours(HttpCase, MrpGenealogyCase):
    def test_assign_components_per_unit_in_the_browser(self):
        _receipt, boards = self._receive(["MB-1", "MB-2", "MB-3", "MB-4"], product=self.board)
        paste = self._receive_lot("PASTE-T", 2.0)
        production = self._production(2)
        self._consume(production, self.board, boards.sorted("name"))
        self._consume(production, self.paste, paste, [1.0])
        srv1, srv2 = self._produce_as(production, ["SRV-1", "SRV-2"])
        self.env.flush_all()  # the browser reads through its own requests

        self.start_tour(
            f"/odoo/action-mrp.mrp_production_action/{production.id}",
            "serial_tracking_mrp_assign_components",
            login="admin",
        )

        self.assertEqual(production.state, "done")
        mb = {lot.name: lot for lot in boards}
        self.assertEqual(srv1._serial_ancestors(), mb["MB-2"] | mb["MB-3"] | paste)
        self.assertEqual(srv2._serial_ancestors(), mb["MB-1"] | mb["MB-4"] | paste)
