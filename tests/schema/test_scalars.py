from decimal import Decimal

import pytest

from schema.scalars import serialize_decimal


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (Decimal("131E+6"), "131000000"),
        (Decimal("5.0E+5"), "500000"),
        (Decimal("1000.50"), "1000.50"),
        (Decimal("-0.3"), "-0.3"),
    ],
)
def test_a_decimal_is_written_in_positional_notation(value: Decimal, written: str) -> None:
    """Sums PostgreSQL gives unscaled come back in exponent form from ``str``."""
    assert serialize_decimal(value) == written
