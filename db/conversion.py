"""Converting amounts between currencies in SQL, at a date, with the rate and its source.

The rule (the README's "Currency conversion"):

1. the same currency needs no rate (``SAME_CURRENCY``, rate 1);
2. else the ECB's reference rates of the latest business day on or before the date, within
   ``ECB_WINDOW_DAYS`` (weekends and holidays have no quote), when that day quotes both
   currencies: a cross rate through the euro;
3. else the IMF's annual averages of the date's year, when that year has both currencies: a
   cross rate through the US dollar;
4. else no rate: the amount is counted apart as not converted, never guessed from another
   year or another source.

Both rates of a conversion come from one source and one date, so the rate shown has one
source and one date. The daily rate wins because a transaction's value date is the date
IATI says to convert at, and an ECB rate is a rate of that day; the IMF's average of the
whole year is the fallback for the currencies the ECB does not quote (most recipient
countries' own) and for dates before 1999.

A converted amount is ``round(amount * rate, 2)``, ``rate`` being the target's units per
unit of the original currency (the quotient of the two published rates, at PostgreSQL's
numeric precision): amount, rate and result shown together check by hand.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncConnection

from db.enums import RateSource

ECB_WINDOW_DAYS = 7
"""The longest run of days without an ECB quote (Easter, Christmas to New Year) is 4;
past a week the series has ended (a currency the ECB stopped quoting) or not begun."""

CENT = Decimal("0.01")


def rate_lateral(currency: str, on: str, target: str) -> str:
    """``LEFT JOIN LATERAL (…) AS fx ON true`` giving ``fx.source``, ``fx.rate_date`` and
    ``fx.rate`` (target units per unit of ``currency``) for SQL expressions of the original
    currency, the date and the target currency; all null where no rate applies. Three
    index probes at most (the primary key's ``source, currency, rate_date``)."""
    return f"""LEFT JOIN LATERAL (
      SELECT * FROM (
        SELECT 'SAME_CURRENCY' AS source, {on} AS rate_date, 1::numeric AS rate, 0 AS rank
        WHERE {currency} = {target}
        UNION ALL
        (SELECT 'ECB_DAILY', f.rate_date, t.rate / f.rate, 1
           FROM exchange_rate f
           JOIN exchange_rate t ON t.source = f.source AND t.rate_date = f.rate_date
                               AND t.currency = {target}
          WHERE f.source = 'ECB_DAILY' AND f.currency = {currency}
            AND f.rate_date <= {on} AND f.rate_date > {on} - {ECB_WINDOW_DAYS}
          ORDER BY f.rate_date DESC LIMIT 1)
        UNION ALL
        (SELECT 'IMF_ANNUAL', f.rate_date, t.rate / f.rate, 2
           FROM exchange_rate f
           JOIN exchange_rate t ON t.source = f.source AND t.rate_date = f.rate_date
                               AND t.currency = {target}
          WHERE f.source = 'IMF_ANNUAL' AND f.currency = {currency}
            AND f.rate_date = make_date(extract(year FROM {on})::int, 12, 31))
      ) candidates ORDER BY rank LIMIT 1
    ) fx ON true"""


def rate_value(currency: str, on: str, target: str) -> str:
    """The rate of ``rate_lateral``, alone, as a scalar expression: the IMF's year is
    looked up only where the ECB has no day (``coalesce`` stops at the first rate), two
    index probes for most amounts where the lateral join makes four."""
    return f"""CASE WHEN {currency} = {target} THEN 1::numeric ELSE coalesce(
      (SELECT t.rate / f.rate
         FROM exchange_rate f
         JOIN exchange_rate t ON t.source = f.source AND t.rate_date = f.rate_date
                             AND t.currency = {target}
        WHERE f.source = 'ECB_DAILY' AND f.currency = {currency}
          AND f.rate_date <= {on} AND f.rate_date > {on} - {ECB_WINDOW_DAYS}
        ORDER BY f.rate_date DESC LIMIT 1),
      (SELECT t.rate / f.rate
         FROM exchange_rate f
         JOIN exchange_rate t ON t.source = f.source AND t.rate_date = f.rate_date
                             AND t.currency = {target}
        WHERE f.source = 'IMF_ANNUAL' AND f.currency = {currency}
          AND f.rate_date = make_date(extract(year FROM {on})::int, 12, 31))) END"""


@dataclass(frozen=True)
class ConversionKey:
    currency: str
    on: date
    target: str


@dataclass(frozen=True)
class FoundRate:
    rate: Decimal
    rate_date: date
    source: RateSource

    def apply(self, amount: Decimal) -> Decimal:
        """As PostgreSQL's ``round(amount * rate, 2)`` does (half away from zero)."""
        return (amount * self.rate).quantize(CENT, rounding=ROUND_HALF_UP)


FIND_RATES = sa.text(
    "SELECT k.currency, k.on_date, k.target, fx.source, fx.rate_date, fx.rate "
    "FROM unnest(:currencies, :dates, :targets) AS k(currency, on_date, target) "
    + rate_lateral("k.currency", "k.on_date", "k.target")
).bindparams(
    sa.bindparam("currencies", type_=ARRAY(sa.String())),
    sa.bindparam("dates", type_=ARRAY(sa.Date())),
    sa.bindparam("targets", type_=ARRAY(sa.String())),
)


async def find_rates(
    conn: AsyncConnection, keys: Sequence[ConversionKey]
) -> dict[ConversionKey, FoundRate]:
    """The rate of each (currency, date, target) that has one, in one statement."""
    if not keys:
        return {}
    rows = await conn.execute(
        FIND_RATES,
        {
            "currencies": [k.currency for k in keys],
            "dates": [k.on for k in keys],
            "targets": [k.target for k in keys],
        },
    )
    found = {}
    for row in rows.mappings():
        if row["source"] is not None:
            key = ConversionKey(row["currency"], row["on_date"], row["target"])
            found[key] = FoundRate(row["rate"], row["rate_date"], RateSource(row["source"]))
    return found
