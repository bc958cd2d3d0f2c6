from . import stock_lot
from . import stock_move_line
