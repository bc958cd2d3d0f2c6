from . import serial_transition_wizard
from . import serial_state_at_wizard
from . import serial_state_at_line
