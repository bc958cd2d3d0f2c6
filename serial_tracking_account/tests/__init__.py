from . import test_invoice_trigger
from . import test_demo_data
