from . import helpdesk_ticket
from . import serial_eligibility_check
from . import serial_recall
from . import stock_lot
from . import stock_picking
from . import serial_demo_builder
