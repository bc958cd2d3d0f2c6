from . import serial_repair_warranty_wizard
