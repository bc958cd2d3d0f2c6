"""Hypothesis profiles for the tests of the Odoo-free core.

``HYPOTHESIS_PROFILE`` picks one (``default`` when unset):

- ``default``: Hypothesis' usual number of examples, for every run;
- ``fuzz``: 100,000 examples per property, for a dedicated fuzzing run such as
  ``HYPOTHESIS_PROFILE=fuzz python3 -m pytest serial_tracking/tools/tests -k fuzz``.
"""

import os

from hypothesis import HealthCheck, settings

# No example database, so test runs leave no files behind; no deadline, because speed is
# proven by benchmarks, not by timings of shared test machines.
settings.register_profile("default", database=None, deadline=None)
settings.register_profile(
    "fuzz",
    parent=settings.get_profile("default"),
    max_examples=100_000,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
