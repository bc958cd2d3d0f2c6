from . import serial_ticket_override_wizard
from . import stock_return_picking
