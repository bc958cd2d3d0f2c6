"""serial_tracking 19.0.1.0.0 -> 19.0.1.1.0, after the models are loaded.

Recall units have a new status, Notified: activation now gives it to the units at
customers it e-mailed, which used to stay Pending with a notification date. Units of
activated campaigns that are still Pending, were notified, and whose customer has an
e-mail address (activation e-mails exactly those; the others got a to-do and stay
Pending) become Notified, as activation would mark them today. Run again, it finds none.
"""

from odoo.tools import SQL


def migrate(cr, version):
    cr.execute(
        SQL(
            """UPDATE serial_recall_unit u
              SET status = 'notified'
             FROM serial_recall r, res_partner p
            WHERE r.id = u.recall_id AND r.state IN ('active', 'closed')
              AND p.id = u.partner_id AND COALESCE(p.email, '') != ''
              AND u.status = 'pending' AND u.notified_date IS NOT NULL"""
        )
    )
