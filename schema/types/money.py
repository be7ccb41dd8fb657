"""Money: an amount in a currency, as exact as its source; IATI values add their value date.

One type for every amount in the graph (a project's budget, a funder's amount, a
transaction's value), so a client reads them alike and ``converted`` (issue 21) applies to
all of them.
"""

import datetime
from decimal import Decimal
from typing import Annotated

import strawberry

from db.enums import Qualifier
from schema.compiled.builders import from_values
from schema.compiled.compiler import compiled_field
from schema.info import Info
from schema.types.conversion import ConvertedMoney, convert


@strawberry.federation.type(
    shareable=True, description="An amount of money as the source states it."
)
class Money:
    amount: Decimal = compiled_field(
        from_values(),
        description="Exact decimal, serialised as a string; negative where an IATI file "
        "states a negative value (a reimbursement, a correction).",
    )
    currency: str = compiled_field(
        from_values(), description="ISO 4217 code (USD, KRW): amounts are never converted."
    )
    qualifier: Qualifier = compiled_field(
        from_values(),
        description='How the source states the amount: "nearly US$ 8 million" is APPROXIMATE; '
        "an IATI value is EXACT.",
    )
    value_date: datetime.date | None = compiled_field(
        from_values(),
        default=None,
        description="The IATI value-date: the day whose exchange rate converts the amount. "
        "Null for amounts the built-in dataset states, which give none.",
    )

    @strawberry.field(
        description="This amount in `currency`, at the rate of the date `on` (default: the "
        "amount's value date, where it has one), with the rate, its date and source. Null "
        "where no rate applies (a currency or year neither source quotes, or no date): "
        "never a guessed rate."
    )
    async def converted(
        self,
        info: Info,
        currency: Annotated[
            str, strawberry.argument(description="ISO 4217 code to convert into (EUR, USD).")
        ],
        on: Annotated[
            datetime.date | None,
            strawberry.argument(
                description="The date whose rate applies; null: the amount's value date."
            ),
        ] = None,
    ) -> ConvertedMoney | None:
        return await convert(info, self.amount, self.currency, on or self.value_date, currency)

    @classmethod
    def of(
        cls,
        amount: Decimal | None,
        currency: str | None,
        qualifier: str | None,
        value_date: datetime.date | None = None,
    ) -> "Money | None":
        if amount is None or currency is None or qualifier is None:
            return None
        return cls(
            amount=amount,
            currency=currency,
            qualifier=Qualifier(qualifier),
            value_date=value_date,
        )

    @classmethod
    def iati(
        cls, amount: Decimal | None, currency: str | None, value_date: datetime.date | None
    ) -> "Money | None":
        """An IATI value: exact as written; null only where neither the value nor the
        activity names a currency."""
        return cls.of(amount, currency, Qualifier.EXACT, value_date)
