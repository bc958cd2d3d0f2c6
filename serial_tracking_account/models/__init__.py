from . import serial_warranty_policy_line
from . import serial_warranty
from . import account_move
from . import serial_demo_builder
