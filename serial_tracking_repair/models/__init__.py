from . import repair_order
from . import serial_demo_builder
from . import stock_move_line
