"""An IATI activity's budgets per period and its planned disbursements."""

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay

from db import queries
from schema.compiled.activity_rules import coded, or_default, plain, record
from schema.compiled.builders import iati_money
from schema.compiled.compiler import compiled_field
from schema.info import Info
from schema.types.code import Code, code
from schema.types.money import Money
from schema.types.node import LoadedNode
from schema.types.organisation_ref import OrganisationReference, organisation

if TYPE_CHECKING:
    from schema.types.project import Project


@strawberry.type(
    description="An IATI budget: what the activity plans to spend in one period (at most a "
    "year, the rulesets say: a longer one is kept with a warning). Several budgets of one "
    "period (an original and a revised one) stay several."
)
class Budget(LoadedNode):
    id: relay.NodeID[int]
    version: int = compiled_field(
        plain(),
        description="Bumped by every update; an update or delete must state the version it read.",
    )
    type: Code = compiled_field(
        coded(or_default("type", "1"), "BudgetType"),
        description="A BudgetType code: 1 Original, 2 Revised (1 where the file gives none).",
    )
    status: Code = compiled_field(
        coded(or_default("status", "1"), "BudgetStatus"),
        description="A BudgetStatus code: 1 Indicative, 2 Committed (1 where the file gives none).",
    )
    period_start: datetime.date = compiled_field(plain(), description="First day of the period.")
    period_end: datetime.date = compiled_field(plain(), description="Last day of the period.")
    value: Money | None = compiled_field(
        iati_money("value", "currency"),
        description="The budget, exact and signed (the standard allows a negative one), in "
        "its currency or the activity's default; null only where neither is given.",
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

    @compiled_field(
        record(queries.project, "project_id"),
        description="The project (IATI activity) the budget belongs to.",
    )
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
    type: Code | None = compiled_field(
        coded(codelist="BudgetType"),
        description="A BudgetType code: 1 Original, 2 Revised; null where the file gives none.",
    )
    period_start: datetime.date = compiled_field(plain(), description="First day of the period.")
    period_end: datetime.date | None = compiled_field(
        plain(), description="Last day of the period; null where the file gives none."
    )
    value: Money | None = compiled_field(
        iati_money("value", "currency"),
        description="The amount expected, exact and signed, in its currency or the "
        "activity's default; null only where neither is given.",
    )
    provider_org: OrganisationReference | None = compiled_field(
        organisation("provider"), description="Who is to pay; null when the file names nobody."
    )
    receiver_org: OrganisationReference | None = compiled_field(
        organisation("receiver"),
        description="Who is to receive it; null when the file names nobody.",
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
