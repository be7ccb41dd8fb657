"""Conversion at a date: which rate applies, checked against figures read by hand from the
bundled files (``db/rates/``)."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import AsyncConnection

from db.conversion import ConversionKey, FoundRate, find_rates
from db.enums import RateSource

ECB_2022_03_15 = {"USD": Decimal("1.0991"), "KRW": Decimal("1366.05")}
ECB_2022_03_11 = {"USD": Decimal("1.099"), "KRW": Decimal("1354.04")}


def _quotient(numerator: Decimal, denominator: Decimal) -> Decimal:
    return numerator / denominator


async def _one(conn: AsyncConnection, currency: str, on: date, target: str) -> FoundRate | None:
    key = ConversionKey(currency, on, target)
    return (await find_rates(conn, [key])).get(key)


async def test_a_business_day_converts_at_its_ecb_cross_rate(conn: AsyncConnection) -> None:
    found = await _one(conn, "KRW", date(2022, 3, 15), "USD")
    assert found is not None
    assert (found.source, found.rate_date) == (RateSource.ECB_DAILY, date(2022, 3, 15))
    expected = ECB_2022_03_15["USD"] / ECB_2022_03_15["KRW"]
    assert abs(found.rate - expected) < Decimal("1e-15")
    assert found.apply(Decimal("1366050")) == Decimal("1099.10")


async def test_a_sunday_takes_the_friday_before(conn: AsyncConnection) -> None:
    found = await _one(conn, "KRW", date(2022, 3, 13), "USD")
    assert found is not None
    assert (found.source, found.rate_date) == (RateSource.ECB_DAILY, date(2022, 3, 11))
    assert abs(found.rate - ECB_2022_03_11["USD"] / ECB_2022_03_11["KRW"]) < Decimal("1e-15")


async def test_euro_amounts_use_the_quote_itself(conn: AsyncConnection) -> None:
    found = await _one(conn, "EUR", date(2022, 3, 15), "USD")
    assert found is not None
    assert found.rate == Decimal("1.0991")


async def test_a_currency_the_ecb_does_not_quote_takes_the_imf_year(
    conn: AsyncConnection,
) -> None:
    found = await _one(conn, "KES", date(2022, 6, 1), "USD")
    assert found is not None
    assert (found.source, found.rate_date) == (RateSource.IMF_ANNUAL, date(2022, 12, 31))
    assert abs(found.rate - 1 / Decimal("117.8659892016825")) < Decimal("1e-15")


async def test_before_1999_the_imf_year_applies(conn: AsyncConnection) -> None:
    found = await _one(conn, "KRW", date(1995, 5, 1), "USD")
    assert found is not None
    assert found.source is RateSource.IMF_ANNUAL
    assert abs(found.rate - 1 / Decimal("771.2541666666668")) < Decimal("1e-15")


@pytest.mark.parametrize(
    ("currency", "on"),
    [
        ("KES", date(2026, 1, 5)),  # the IMF file ends with 2024, the ECB quotes no KES
        ("KRW", date(2026, 11, 20)),  # three weeks past the ECB history's last day
        ("XXX", date(2022, 3, 15)),  # no such currency anywhere
    ],
)
async def test_without_a_rate_nothing_is_guessed(
    conn: AsyncConnection, currency: str, on: date
) -> None:
    assert await _one(conn, currency, on, "USD") is None


async def test_the_same_currency_needs_no_rate(conn: AsyncConnection) -> None:
    found = await _one(conn, "USD", date(2030, 1, 1), "USD")
    assert found == FoundRate(Decimal(1), date(2030, 1, 1), RateSource.SAME_CURRENCY)


async def test_many_keys_in_one_statement(conn: AsyncConnection) -> None:
    keys = [ConversionKey("KRW", date(2022, 3, d), "EUR") for d in range(1, 29)]
    found = await find_rates(conn, keys)
    assert set(found) == set(keys)
    weekdays = {k.on for k in keys if k.on.weekday() < 5}
    assert {found[k].rate_date for k in keys} == weekdays
