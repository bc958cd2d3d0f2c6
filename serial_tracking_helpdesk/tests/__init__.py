from . import test_helpdesk_portal
from . import test_helpdesk_recall
from . import test_helpdesk_serial
from . import test_helpdesk_service
from . import test_helpdesk_tour
from . import test_access_helpdesk
from . import test_helpdesk_ticket_buttons
from . import test_demo_data
