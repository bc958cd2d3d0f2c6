from . import test_helpdesk_serial
