from . import serial_reason
from . import serial_event
from . import stock_location
from . import stock_warehouse
from . import stock_lot
from . import stock_move_line
from . import serial_demo_builder
from . import serial_genealogy
