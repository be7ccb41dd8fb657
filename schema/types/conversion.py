"""An amount converted into another currency at a date, with the rate that did it."""

import datetime
import re
from decimal import Decimal

import strawberry

from db.conversion import ConversionKey
from db.enums import RateSource
from schema.descriptions import described_enum
from schema.errors import bad_user_input
from schema.info import Info

CURRENCY = re.compile(r"[A-Z]{3}")
"""An ISO 4217 code, checked whole with ``fullmatch``: ``$`` would also pass ``"USD\n"``."""

described_enum(
    RateSource,
    "Where a conversion's rate comes from (the README's \"Currency conversion\" gives the "
    "rule: the ECB's daily rate wins, the IMF's annual average is the fallback).",
    ECB_DAILY="The European Central Bank's euro reference rates of one business day (the "
    "latest on or before the date, within a week), crossed through the euro.",
    IMF_ANNUAL="The IMF's annual average exchange rates of the date's year, crossed through "
    "the US dollar: for currencies the ECB does not quote, and dates before 1999.",
    SAME_CURRENCY="No conversion: the amount already is in the currency asked for (rate 1).",
)


@strawberry.type(
    description="An amount converted at one rate of one source and date: `amount` is the "
    "original amount times `rate`, rounded to two decimals (half away from zero)."
)
class ConvertedMoney:
    amount: Decimal = strawberry.field(description="The converted amount, exact decimal.")
    currency: str = strawberry.field(description="ISO 4217 code converted into.")
    rate: Decimal = strawberry.field(
        description="Units of `currency` per unit of the original currency: the quotient of "
        "the source's two published rates, at 16 significant digits or more."
    )
    rate_date: datetime.date = strawberry.field(
        description="The date of the rates used: the ECB's business day, the 31 December of "
        "the IMF's year, or the date asked for when no rate was needed."
    )
    source: RateSource = strawberry.field(description="Where the rate comes from.")


def currency_argument(value: str, argument: str) -> str:
    if not CURRENCY.fullmatch(value):
        raise bad_user_input(f"{value!r} is not an ISO 4217 currency code.", argument=argument)
    return value


async def convert(
    info: Info, amount: Decimal, currency: str, on: datetime.date | None, target: str
) -> ConvertedMoney | None:
    """Through the request's rate loader: every amount of an answer in one statement."""
    target = currency_argument(target, "currency")
    if on is None:
        return None
    found = await info.context.loaders.rates.load(ConversionKey(currency, on, target))
    if found is None:
        return None
    return ConvertedMoney(
        amount=found.apply(amount),
        currency=target,
        rate=found.rate,
        rate_date=found.rate_date,
        source=found.source,
    )
