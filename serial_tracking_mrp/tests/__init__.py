from . import test_mrp_lifecycle
from . import test_mrp_genealogy
from . import test_mrp_tours
from . import test_mrp_numbering
from . import test_mrp_assignment_status
from . import test_demo_data
