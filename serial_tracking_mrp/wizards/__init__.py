from . import serial_generate_wizard
from . import mrp_production_serials
