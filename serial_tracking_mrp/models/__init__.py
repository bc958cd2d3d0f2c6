from . import mrp_serial_assignment
from . import mrp_production
from . import mrp_unbuild
from . import stock_move_line
from . import serial_demo_builder
