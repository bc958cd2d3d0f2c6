def post_init_hook(env):
    """Give existing warehouses a quarantine location and existing serials a state."""
    env["stock.warehouse"].with_context(active_test=False).search(
        []
    )._serial_ensure_quarantine_locations()
    env["stock.lot"]._serial_backfill()
