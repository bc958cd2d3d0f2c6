# Parts added by a repair are consumed through serial_tracking's stock move line hook;
# this bridge adds repair-specific behaviour as it grows.
