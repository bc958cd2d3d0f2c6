from . import test_invoice_trigger
