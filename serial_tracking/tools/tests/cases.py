"""Cases several test modules of the Odoo-free core share."""

# Every check-character algorithm a format rule may name, spelled out here rather than
# read from check_digits, so a name dropped there fails the tests.
ALGORITHMS = (
    "none",
    "luhn",
    "gs1_mod10",
    "iso7064_mod11_2",
    "iso7064_mod37_36",
    "iso7064_mod97_10",
    "vin",
)
