"""Pytest bootstrap for the Odoo-free core.

``serial_tracking/__init__.py`` is an Odoo addon entry point and imports Odoo models.
The domain core in ``serial_tracking/tools`` needs no Odoo, so its tests register the
addon folder as a bare package: importing ``serial_tracking.tools`` then loads only
the core, whether Odoo is installed or not.
"""

import sys
import types
from pathlib import Path

_ADDON_DIR = Path(__file__).parent / "serial_tracking"

if "serial_tracking" not in sys.modules:
    _package = types.ModuleType("serial_tracking")
    _package.__path__ = [str(_ADDON_DIR)]
    sys.modules["serial_tracking"] = _package
