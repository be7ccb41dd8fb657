"""A budget of a project for one period (an IATI ``budget``), as the mutations answer it."""

import datetime
from decimal import Decimal

import strawberry
from sqlalchemy.engine import RowMapping
from strawberry import relay

from schema.types.common import CREATED_AT, UPDATED_AT
from schema.types.transaction import VERSION


@strawberry.type(description="What a project means to spend in one period (IATI budget).")
class Budget(relay.Node):
    id: relay.NodeID[int]
    version: int = strawberry.field(description=VERSION)
    created_at: datetime.datetime = strawberry.field(description=CREATED_AT)
    updated_at: datetime.datetime = strawberry.field(description=UPDATED_AT)
    type: str = strawberry.field(description="IATI BudgetType code: 1 Original, 2 Revised.")
    status: str = strawberry.field(description="IATI BudgetStatus code: 1 Indicative, 2 Committed.")
    period_start: datetime.date = strawberry.field(description="First day of the period.")
    period_end: datetime.date = strawberry.field(description="Last day of the period.")
    value: Decimal = strawberry.field(description="Exact and signed (IATI allows negative).")
    currency: str = strawberry.field(description="ISO 4217 code of the value.")
    value_date: datetime.date | None = strawberry.field(
        description="The date to convert the value at."
    )

    @classmethod
    def from_row(cls, row: RowMapping) -> "Budget":
        return cls(
            id=row["id"],
            version=row["version"],
            created_at=row["created_at"],
            updated_at=row["updated_at"],
            type=row["type"] or "1",
            status=row["status"] or "1",
            period_start=row["period_start"],
            period_end=row["period_end"],
            value=row["value"],
            currency=row["currency"],
            value_date=row["value_date"],
        )
