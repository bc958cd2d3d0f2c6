from . import test_lifecycle_flows
from . import test_lifecycle_refusals
from . import test_transition_wizard
from . import test_ledger
from . import test_state_at
from . import test_backfill
from . import test_multi_company
from . import test_tours
