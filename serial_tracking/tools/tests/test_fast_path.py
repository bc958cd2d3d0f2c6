from serial_tracking.tools import fast_path

FOUNDATION = {"stock", "base", "mail", "product"}
TRUSTED = fast_path.trusted_modules(FOUNDATION)


def test_foundation_reviewed_and_suite_overrides_keep_the_path():
    overriders = {
        ("stock.lot", "create"): ["serial_tracking", "mail", "stock", "mrp", "product_expiry"]
    }
    verdict = fast_path.decide("create_serials", overriders, TRUSTED)
    assert verdict.enabled
    assert verdict.reason() == "create_serials: set-based path on"


def test_any_other_module_turns_the_operation_off_and_is_named():
    overriders = {("stock.quant", "create"): ["stock", "stock_account"]}
    verdict = fast_path.decide("receive_quants", overriders, TRUSTED)
    assert not verdict.enabled
    assert (verdict.module, verdict.method) == ("stock_account", "stock.quant.create")
    assert "stock_account overrides stock.quant.create" in verdict.reason()
    # only the operations that bypass that method are off
    assert fast_path.decide("create_serials", overriders, TRUSTED).enabled


def test_a_patch_on_the_registry_class_is_nobody_we_know():
    overriders = {("stock.move.line", "write"): [fast_path.PATCHED, "stock"]}
    verdict = fast_path.decide("create_lines", overriders, TRUSTED)
    assert not verdict.enabled and verdict.module == fast_path.PATCHED


def test_a_suite_name_prefix_is_not_trust():
    overriders = {("stock.lot", "create"): ["serial_tracking_extra"]}
    assert not fast_path.decide("create_serials", overriders, TRUSTED).enabled


def test_every_operation_names_existing_methods_once():
    for methods in fast_path.OPERATIONS.values():
        assert methods and len(set(methods)) == len(methods)


def test_dependency_closure_follows_every_level_once():
    graph = {
        "stock": ["product", "mail"],
        "product": ["base", "mail"],
        "mail": ["base"],
        "base": [],
    }
    assert fast_path.dependency_closure("stock", graph.__getitem__) == set(graph)
