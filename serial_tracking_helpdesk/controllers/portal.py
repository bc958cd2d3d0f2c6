from odoo.http import request

from odoo.addons.helpdesk_mgmt.controllers.myaccount import CustomerPortalHelpdesk


class CustomerPortalHelpdeskSerial(CustomerPortalHelpdesk):
    """The ticket page shows the customer the units it is about, with their warranty:
    only units that were delivered to the visitor's own company."""

    def _ticket_get_page_view_values(self, ticket, access_token, **kwargs):
        values = super()._ticket_get_page_view_values(ticket, access_token, **kwargs)
        values["serial_units"] = ticket.sudo()._serial_portal_units(request.env.user)
        return values
