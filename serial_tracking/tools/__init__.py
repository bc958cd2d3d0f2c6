"""Odoo-free domain core of serial_tracking.

Nothing in this package imports Odoo: models gather data set-wise, call these
functions, and write the results set-wise.
"""
