"""The Decimal scalar, bounded at the edge.

Strawberry's own ``Decimal`` takes whatever ``decimal.Decimal()`` takes: ``NaN`` and
``Infinity`` (whose comparisons raise), digits of any script (Arabic-Indic "50" is 50),
and numbers no column holds (``1e30``), which the database then refuses as a 500. This
one takes a
number written in ASCII digits whose whole part fits every numeric column
(``db.bounds``: 16 digits before the point); the fraction is rounded to the column's scale
as PostgreSQL does.
"""

import re
from decimal import Decimal, InvalidOperation

from strawberry.exceptions import StrawberryInputCoercionError
from strawberry.types.scalar import ScalarDefinition

from db.bounds import FIGURE_DIGITS, FIGURE_SCALE, MONEY_DIGITS, MONEY_SCALE, fits_numeric

WHOLE_DIGITS = min(MONEY_DIGITS - MONEY_SCALE, FIGURE_DIGITS - FIGURE_SCALE)
_NUMBER = re.compile(r"-?[0-9]{1,40}(?:\.[0-9]{1,40})?(?:[eE][-+]?[0-9]{1,3})?")


def parse_decimal(value: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise StrawberryInputCoercionError("A Decimal is a number or a string of one.")
    text = value if isinstance(value, str) else repr(value)
    if not _NUMBER.fullmatch(text):
        raise StrawberryInputCoercionError(
            f"{text[:40]!r} is not a finite decimal number written in ASCII digits."
        )
    try:
        number = Decimal(text)
    except InvalidOperation as error:  # unreachable after the pattern; kept as a client error
        raise StrawberryInputCoercionError(f"{text[:40]!r} is not a number.") from error
    if not fits_numeric(number, WHOLE_DIGITS, 0):
        raise StrawberryInputCoercionError(
            f"{text[:40]!r} has more than {WHOLE_DIGITS} digits before the point."
        )
    return number


def serialize_decimal(value: object) -> str:
    """Positional notation always: ``str`` writes a sum PostgreSQL gives unscaled
    (``131E+6``) in exponent form, which clients read as text, not the figure."""
    return format(value, "f") if isinstance(value, Decimal) else str(value)


BoundedDecimal = ScalarDefinition(
    name="Decimal",
    description="Decimal (fixed-point), in ASCII digits, at most "
    f"{WHOLE_DIGITS} digits before the point",
    specified_by_url=None,
    serialize=serialize_decimal,
    parse_value=parse_decimal,
    parse_literal=None,
    origin=Decimal,
)
