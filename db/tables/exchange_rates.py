"""Exchange rates as their sources publish them, for converting amounts in SQL."""

from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from db.columns import currency_check, enum_column
from db.enums import RateSource


class ExchangeRate(SQLModel, table=True):
    """Units of ``currency`` per one unit of the source's base (the euro for the ECB, the
    US dollar for the IMF), on ``rate_date``: the business day of an ECB rate, the 31
    December of an IMF annual average's year (as the IMF file dates it). Each date of a
    source also holds its base at 1, so every conversion is one join of two rows of one
    source on one date."""

    __tablename__ = "exchange_rate"
    __table_args__ = (
        sa.CheckConstraint("rate > 0", name="rate_positive"),
        sa.CheckConstraint("source <> 'SAME_CURRENCY'", name="stored_source"),
        sa.CheckConstraint(
            "source <> 'IMF_ANNUAL' OR (extract(month FROM rate_date) = 12 "
            "AND extract(day FROM rate_date) = 31)",
            name="annual_on_year_end",
        ),
        currency_check("exchange_rate", "currency"),
    )

    source: RateSource = Field(sa_column=enum_column(RateSource, "source", primary_key=True))
    currency: str = Field(max_length=3, primary_key=True)
    rate_date: date = Field(primary_key=True)
    rate: Decimal = Field(sa_type=sa.Numeric())
