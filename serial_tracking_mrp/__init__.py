# The lifecycle of produced and consumed serials is recorded by serial_tracking's
# stock move line hook; this bridge adds MRP-specific behaviour as it grows.
