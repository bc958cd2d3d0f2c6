from . import test_mrp_lifecycle
