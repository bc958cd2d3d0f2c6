from . import serial_resolver
