"""What the columns can hold, named once: the edge checks input against these so that a
value the database would refuse (an id past ``integer``, a number past ``numeric(18, 2)``,
too many bind parameters) is the client's error, never a driver exception.
"""

import re
from decimal import Decimal

INT4_MAX = 2**31 - 1
"""Record ids are ``integer`` columns."""

MAX_BIND_PARAMETERS = 32_767
"""PostgreSQL's wire protocol numbers a statement's parameters in 16 bits."""

MONEY_DIGITS, MONEY_SCALE = 18, 2
"""``numeric(18, 2)``: amounts and budgets."""

FIGURE_DIGITS, FIGURE_SCALE = 20, 4
"""``numeric(20, 4)``: the widest numeric column (targets, actuals, baselines)."""

_ASCII_ID = re.compile(r"[0-9]{1,10}")


def record_id(text: str) -> int | None:
    """The id a decimal text names, or None when it is not one an ``integer`` id can be:
    ASCII digits only (``str.isdigit`` also takes superscripts and Arabic-Indic digits),
    at most ``INT4_MAX``."""
    if not _ASCII_ID.fullmatch(text):
        return None
    value = int(text)
    return value if 0 < value <= INT4_MAX else None


def fits_numeric(value: Decimal, digits: int, scale: int) -> bool:
    """Whether a Decimal is finite and its whole part fits ``numeric(digits, scale)``
    (PostgreSQL rounds the fraction to the scale; it refuses a whole part too long)."""
    return value.is_finite() and abs(value) < Decimal(10) ** (digits - scale)
