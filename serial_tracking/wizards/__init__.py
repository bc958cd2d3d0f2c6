from . import serial_transition_wizard
from . import serial_state_at_wizard
from . import serial_state_at_line
from . import serial_generate_wizard
from . import serial_traceability_export
from . import serial_warranty_extend_wizard
from . import serial_eligibility_wizard
from . import stock_return_picking
