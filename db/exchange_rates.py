"""Reading the rate files (the ECB's daily history, the IMF's annual averages) and storing
them in ``exchange_rate``.

Rates are read as text into ``Decimal``: a stored rate is the published figure, so a
conversion shown with its rate can be checked by hand against the source.
"""

import csv
import io
import zipfile
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any

import pycountry
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection

from db.enums import RateSource

BUNDLED = Path(__file__).parent / "rates"
ECB_FILE = BUNDLED / "eurofxref-hist.zip"
IMF_FILE = BUNDLED / "imf_exchangerates_A_ENDA_USD.csv"

BASE = {RateSource.ECB_DAILY: "EUR", RateSource.IMF_ANNUAL: "USD"}
"""The currency each source quotes against, stored at 1 on each of its dates."""

IMF_HEADER = ("Date", "Rate", "Currency")
CHUNK = 20_000
"""Rows per INSERT: a year of the ECB's quotes in one statement, well under PostgreSQL's
limit on a bound array's size."""


class RateFileError(ValueError):
    """A rate file that is neither of the two formats, or has a malformed row."""


@dataclass(frozen=True)
class Rate:
    source: RateSource
    rate_date: date
    currency: str
    rate: Decimal


def _decimal(text: str, where: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise RateFileError(f"{where}: {text!r} is not a number") from None
    if not value.is_finite() or value <= 0:
        raise RateFileError(f"{where}: a rate must be a positive number, not {text!r}")
    return value


def _date(text: str, where: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise RateFileError(f"{where}: {text!r} is not a date (YYYY-MM-DD)") from None


def read_ecb(stream: IO[str], name: str = "ECB file") -> Iterator[Rate]:
    """The ECB's ``eurofxref-hist.csv``: a date column, then one column per currency
    (``N/A`` before a currency's first quote and after its last), per euro."""
    rows = csv.reader(stream)
    header = [h.strip() for h in next(rows, [])]
    currencies = header[1:]
    for number, row in enumerate(rows, start=2):
        if not row or not row[0].strip():
            continue
        where = f"{name}, line {number}"
        day = _date(row[0].strip(), where)
        yield Rate(RateSource.ECB_DAILY, day, "EUR", Decimal(1))
        for currency, text in zip(currencies, row[1:], strict=False):
            text = text.strip()
            if currency and text and text != "N/A":
                yield Rate(RateSource.ECB_DAILY, day, currency, _decimal(text, where))


def _issuer_rank(currency: str, country: str) -> int:
    if country == currency[:2]:
        return 0
    if pycountry.countries.get(alpha_2=country) is None:
        return 1  # a currency area: the Euro Area, WAEMU...
    return 2


def read_imf(stream: IO[str], name: str = "IMF file") -> Iterator[Rate]:
    """The IMF annual averages as Code for IATI compiles them (``Date,Rate,Currency,…,
    Country code,…``), one row per currency and year kept (see ``db/rates/README.md``)."""
    candidates: dict[tuple[str, int], list[tuple[int, str, Decimal]]] = defaultdict(list)
    for number, row in enumerate(csv.DictReader(stream), start=2):
        where = f"{name}, line {number}"
        currency = (row.get("Currency") or "").strip()
        if not currency:
            continue
        day = _date((row.get("Date") or "").strip(), where)
        country = (row.get("Country code") or "").strip()
        rate = _decimal((row.get("Rate") or "").strip(), where)
        candidates[(currency, day.year)].append((_issuer_rank(currency, country), country, rate))
    years = sorted({year for _, year in candidates})
    for year in years:
        yield Rate(RateSource.IMF_ANNUAL, date(year, 12, 31), "USD", Decimal(1))
    for (currency, year), found in sorted(candidates.items()):
        if currency == "USD":
            continue
        best = min(rank for rank, _, _ in found)
        ranked = [(country, rate) for rank, country, rate in found if rank == best]
        reported = Counter(rate for _, rate in ranked)
        top = max(reported.values())
        rate = min((c, r) for c, r in ranked if reported[r] == top)[1]
        yield Rate(RateSource.IMF_ANNUAL, date(year, 12, 31), currency, rate)


def read_rate_file(path: Path) -> list[Rate]:
    """Either kind of file, told apart by its header; the ECB's also zipped, as it ships."""
    if path.suffix.lower() == ".zip":
        with zipfile.ZipFile(path) as archive:
            members = [n for n in archive.namelist() if n.lower().endswith(".csv")]
            if len(members) != 1:
                raise RateFileError(f"{path.name}: expected one CSV file in the archive")
            text = archive.read(members[0]).decode("utf-8-sig")
    else:
        text = path.read_text(encoding="utf-8-sig")
    first = text.split("\n", 1)[0].strip().split(",")
    if tuple(h.strip() for h in first[:3]) == IMF_HEADER:
        return list(read_imf(io.StringIO(text), path.name))
    if first and first[0].strip() == "Date" and len(first) > 1:
        return list(read_ecb(io.StringIO(text), path.name))
    raise RateFileError(
        f"{path.name}: neither the ECB's eurofxref-hist.csv (Date,USD,JPY,…) nor the IMF's "
        "annual averages (Date,Rate,Currency,…)"
    )


def bundled_rates() -> list[Rate]:
    return read_rate_file(ECB_FILE) + read_rate_file(IMF_FILE)


UPSERT = sa.text(
    "INSERT INTO exchange_rate (source, rate_date, currency, rate) "
    "SELECT * FROM unnest(:sources, :dates, :currencies, :rates) "
    "ON CONFLICT (source, currency, rate_date) DO UPDATE SET rate = excluded.rate "
    "WHERE exchange_rate.rate IS DISTINCT FROM excluded.rate"
).bindparams(
    sa.bindparam("sources", type_=ARRAY(sa.String())),
    sa.bindparam("dates", type_=ARRAY(sa.Date())),
    sa.bindparam("currencies", type_=ARRAY(sa.String())),
    sa.bindparam("rates", type_=ARRAY(sa.Numeric())),
)
"""Inserts new rates and replaces changed ones (a source revises its figures), counting
only the rows it wrote: a refresh with the same file writes nothing."""


def _chunks(rates: Sequence[Rate]) -> Iterator[dict[str, list[Any]]]:
    for start in range(0, len(rates), CHUNK):
        part = rates[start : start + CHUNK]
        yield {
            "sources": [r.source.value for r in part],
            "dates": [r.rate_date for r in part],
            "currencies": [r.currency for r in part],
            "rates": [r.rate for r in part],
        }


def store_rates_sync(connection: Connection, rates: Iterable[Rate]) -> int:
    """For the migration, which runs on a synchronous connection."""
    return sum(connection.execute(UPSERT, chunk).rowcount for chunk in _chunks(list(rates)))


async def store_rates(conn: AsyncConnection, rates: Iterable[Rate]) -> int:
    written = 0
    for chunk in _chunks(list(rates)):
        written += (await conn.execute(UPSERT, chunk)).rowcount
    return written
