from . import repair_order
from . import serial_demo_builder
