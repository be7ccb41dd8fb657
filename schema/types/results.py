"""Who a project is for (beneficiary groups) and what it achieves (outcomes)."""

import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from sqlalchemy.engine import RowMapping
from strawberry import relay

from db.enums import BeneficiaryCategory, IndicatorMeasure, OutcomeKind
from schema.context import load_one
from schema.info import Info
from schema.types.common import Count, FuzzyDate, Quantity, Source
from schema.types.node import Entity

if TYPE_CHECKING:
    from schema.types.project import Project
    from schema.types.reference import Country


@strawberry.federation.type(
    keys=["id"], description="A group of people a project targets or reached."
)
class BeneficiaryGroup(Entity):
    id: relay.NodeID[int]
    version: int = strawberry.field(
        description="Bumped by every update; an update or delete must state the version it read."
    )
    created_at: datetime.datetime
    updated_at: datetime.datetime
    code: str
    description: str
    categories: list[BeneficiaryCategory]
    target_count: Count | None
    reached_count: Count | None
    women_share: Quantity | None = strawberry.field(description="Share of women, in percent.")
    location: str | None
    project_id: strawberry.Private[int]
    country_code: strawberry.Private[str | None]

    @classmethod
    def from_row(cls, row: RowMapping) -> "BeneficiaryGroup":
        return cls(
            version=row["version"],
            created_at=row["created_at"],
            updated_at=row["updated_at"],
            id=row["id"],
            code=row["code"],
            description=row["description"],
            categories=[BeneficiaryCategory(c) for c in row["categories"]],
            target_count=Count.column(row, "target_count"),
            reached_count=Count.column(row, "reached_count"),
            women_share=Quantity.column(row, "women_share"),
            location=row["location"],
            project_id=row["project_id"],
            country_code=row["country_code"],
        )

    @strawberry.field
    async def project(
        self, info: Info
    ) -> Annotated["Project", strawberry.lazy("schema.types.project")]:
        return await load_one(info.context.loaders.project, self.project_id)

    @strawberry.field
    async def country(
        self, info: Info
    ) -> Annotated["Country", strawberry.lazy("schema.types.reference")] | None:
        if self.country_code is None:
            return None
        return await info.context.loaders.country.load(self.country_code)

    @strawberry.field
    async def sources(self, info: Info) -> list[Source]:
        return await info.context.loaders.sources["beneficiary_group_id"].load(self.id)


@strawberry.type(description="One breakdown of an outcome's figures (IATI dimension).")
class OutcomeDimension:
    name: str
    value: str


@strawberry.federation.type(
    keys=["id"], description="A result (IATI result/indicator) with baseline, target and actual."
)
class Outcome(Entity):
    id: relay.NodeID[int]
    version: int = strawberry.field(
        description="Bumped by every update; an update or delete must state the version it read."
    )
    created_at: datetime.datetime
    updated_at: datetime.datetime
    code: str
    kind: OutcomeKind
    statement: str
    indicator: str | None
    unit: str | None
    measure: IndicatorMeasure | None
    dimensions: list["OutcomeDimension"] = strawberry.field(
        description="What the figures are broken down by (e.g. sex = female); empty for totals."
    )
    baseline: Quantity | None
    baseline_year: int | None
    target: Quantity | None
    actual: Quantity | None
    period_start: FuzzyDate | None
    period_end: FuzzyDate | None
    progress: float | None = strawberry.field(
        description="How far along: actual over target (1.0 = target reached), where both "
        "are known; the figures' qualifiers say how exact it is."
    )
    project_id: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: RowMapping) -> "Outcome":
        precision = row["period_precision"]
        target, actual = row["target"], row["actual"]
        return cls(
            version=row["version"],
            created_at=row["created_at"],
            updated_at=row["updated_at"],
            progress=float(actual / target) if actual is not None and target else None,
            id=row["id"],
            code=row["code"],
            kind=OutcomeKind(row["kind"]),
            statement=row["statement"],
            indicator=row["indicator"],
            unit=row["unit"],
            measure=None if row["measure"] is None else IndicatorMeasure(row["measure"]),
            dimensions=[OutcomeDimension(name=k, value=v) for k, v in row["dimensions"].items()],
            baseline=Quantity.column(row, "baseline"),
            baseline_year=row["baseline_year"],
            target=Quantity.column(row, "target"),
            actual=Quantity.column(row, "actual"),
            period_start=FuzzyDate.of(row["period_start"], precision),
            period_end=FuzzyDate.of(row["period_end"], precision),
            project_id=row["project_id"],
        )

    @strawberry.field
    async def project(
        self, info: Info
    ) -> Annotated["Project", strawberry.lazy("schema.types.project")]:
        return await load_one(info.context.loaders.project, self.project_id)

    @strawberry.field
    async def sources(self, info: Info) -> list[Source]:
        return await info.context.loaders.sources["outcome_id"].load(self.id)
