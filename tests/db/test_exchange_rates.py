"""The bundled rate files as read, and the rows the migration stored."""

import io
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from db.enums import RateSource
from db.exchange_rates import (
    IMF_FILE,
    RateFileError,
    read_ecb,
    read_imf,
    read_rate_file,
    store_rates,
)


async def test_the_migration_stored_both_sources(conn: AsyncConnection) -> None:
    rows = await conn.execute(
        sa.text(
            "SELECT source, count(*), min(rate_date), max(rate_date) "
            "FROM exchange_rate GROUP BY source ORDER BY source"
        )
    )
    by_source = {r[0]: r[1:] for r in rows}
    assert by_source["ECB_DAILY"][1:] == (date(1999, 1, 4), date(2026, 10, 30))
    assert by_source["IMF_ANNUAL"][1:] == (date(1940, 12, 31), date(2024, 12, 31))
    assert by_source["ECB_DAILY"][0] > 150_000


async def test_rates_are_the_published_figures(conn: AsyncConnection) -> None:
    rate = await conn.scalar(
        sa.text(
            "SELECT rate FROM exchange_rate WHERE source = 'IMF_ANNUAL' "
            "AND currency = 'KES' AND rate_date = '2022-12-31'"
        )
    )
    assert rate == Decimal("117.8659892016825")


def test_the_issuer_wins_among_countries_reporting_one_currency() -> None:
    imf = {(r.currency, r.rate_date.year): r.rate for r in read_rate_file(IMF_FILE)}
    assert imf[("EUR", 2022)] == Decimal("0.9496237531569409")  # the Euro Area's (U2)
    assert imf[("XOF", 1995)] == Decimal("499.14825")  # WAEMU's, not its members'
    assert imf[("DKK", 1967)] == _danish_1967()
    assert imf[("USD", 1990)] == 1


def _danish_1967() -> Decimal:
    for line in IMF_FILE.read_text(encoding="utf-8").splitlines():
        if line.startswith("1967-12-31,") and ",DKK," in line and ",DK," in line:
            return Decimal(line.split(",")[1])
    raise AssertionError("no Danish 1967 row")


def test_an_ecb_file_keeps_n_a_out_and_the_euro_at_one() -> None:
    text = "Date,USD,CYP,\n2024-01-02,1.0956,N/A,\n"
    rates = list(read_ecb(io.StringIO(text)))
    assert [(r.currency, r.rate) for r in rates] == [("EUR", 1), ("USD", Decimal("1.0956"))]
    assert {r.source for r in rates} == {RateSource.ECB_DAILY}


@pytest.mark.parametrize(
    "text",
    [
        "Date,Rate,Currency\n2020-12-31,abc,KES\n",
        "Date,Rate,Currency\n2020-12-31,-1,KES\n",
        "Date,Rate,Currency\n31/12/2020,1,KES\n",
    ],
)
def test_a_malformed_imf_row_names_its_line(text: str) -> None:
    with pytest.raises(RateFileError, match="line 2"):
        list(read_imf(io.StringIO(text)))


async def test_storing_again_writes_only_what_changed(conn: AsyncConnection) -> None:
    text = "Date,USD,KRW,\n2026-11-02,1.1000,1500.5,\n2026-10-30,1.1172,1491.76,\n"
    rates = list(read_ecb(io.StringIO(text)))
    assert await store_rates(conn, rates) == 3  # 2 November's euro, dollar and won
    assert await store_rates(conn, rates) == 0
