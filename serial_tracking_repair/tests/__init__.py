from . import test_repair_lifecycle
from . import test_repair_warranty
from . import test_repair_paid
from . import test_demo_data
from . import test_repair_guards
from . import test_repair_removed_part
