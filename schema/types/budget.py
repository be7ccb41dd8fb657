"""An IATI activity's budgets per period and its planned disbursements."""

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay

from schema.info import Info
from schema.types.code import Code, code
from schema.types.money import Money
from schema.types.node import LoadedNode
from schema.types.organisation_ref import OrganisationReference

if TYPE_CHECKING:
    from schema.types.project import Project


@strawberry.type(
    description="An IATI budget: what the activity plans to spend in one period (at most a "
    "year, the rulesets say: a longer one is kept with a warning). Several budgets of one "
    "period (an original and a revised one) stay several."
)
class Budget(LoadedNode):
    id: relay.NodeID[int]
    version: int = strawberry.field(
        description="Bumped by every update; an update or delete must state the version it read."
    )
    type: Code = strawberry.field(
        description="A BudgetType code: 1 Original, 2 Revised (1 where the file gives none)."
    )
    status: Code = strawberry.field(
        description="A BudgetStatus code: 1 Indicative, 2 Committed (1 where the file gives none)."
    )
    period_start: datetime.date = strawberry.field(description="First day of the period.")
    period_end: datetime.date = strawberry.field(description="Last day of the period.")
    value: Money | None = strawberry.field(
        description="The budget, exact and signed (the standard allows a negative one), in "
        "its currency or the activity's default; null only where neither is given."
    )
    project_id: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: Mapping[Any, Any]) -> "Budget":
        return cls(
            id=row["id"],
            version=row["version"],
            type=Code(code=row["type"] or "1", codelist="BudgetType"),
            status=Code(code=row["status"] or "1", codelist="BudgetStatus"),
            period_start=row["period_start"],
            period_end=row["period_end"],
            value=Money.iati(row["value"], row["currency"], row["value_date"]),
            project_id=row["project_id"],
        )

    @strawberry.field(description="The project (IATI activity) the budget belongs to.")
    async def project(
        self, info: Info
    ) -> Annotated["Project", strawberry.lazy("schema.types.project")]:
        from schema.context import load_one

        return await load_one(info.context.loaders.project, self.project_id)


@strawberry.type(
    description="An IATI planned-disbursement: a payment the activity expects in a period, "
    "between two organisations."
)
class PlannedDisbursement:
    type: Code | None = strawberry.field(
        description="A BudgetType code: 1 Original, 2 Revised; null where the file gives none."
    )
    period_start: datetime.date = strawberry.field(description="First day of the period.")
    period_end: datetime.date | None = strawberry.field(
        description="Last day of the period; null where the file gives none."
    )
    value: Money | None = strawberry.field(
        description="The amount expected, exact and signed, in its currency or the "
        "activity's default; null only where neither is given."
    )
    provider_org: OrganisationReference | None = strawberry.field(
        description="Who is to pay; null when the file names nobody."
    )
    receiver_org: OrganisationReference | None = strawberry.field(
        description="Who is to receive it; null when the file names nobody."
    )

    @classmethod
    def from_row(cls, row: Mapping[Any, Any]) -> "PlannedDisbursement":
        lang = row["_lang"]
        return cls(
            type=code("BudgetType", row["type"]),
            period_start=row["period_start"],
            period_end=row["period_end"],
            value=Money.iati(row["value"], row["currency"], row["value_date"]),
            provider_org=OrganisationReference.of(row, "provider", lang),
            receiver_org=OrganisationReference.of(row, "receiver", lang),
        )
