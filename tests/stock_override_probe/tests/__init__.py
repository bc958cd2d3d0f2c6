from . import test_probe
