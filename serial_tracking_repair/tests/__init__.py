from . import test_repair_lifecycle
from . import test_repair_warranty
