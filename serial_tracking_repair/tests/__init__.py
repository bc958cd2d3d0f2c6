from . import test_repair_lifecycle
