"""Who a project is for (beneficiary groups) and what it achieves (outcomes)."""

import datetime
from typing import TYPE_CHECKING, Annotated, ClassVar

import strawberry
from sqlalchemy.engine import RowMapping
from strawberry import relay

from db import queries
from db.enums import BeneficiaryCategory, IndicatorMeasure, OutcomeKind
from schema.compiled.builders import column, count, fuzzy_date, quantity, reference, sources
from schema.compiled.compiler import compiled_field
from schema.compiled.connections import NodeTable
from schema.context import load_one
from schema.info import Info
from schema.types.common import CREATED_AT, SOURCES, UPDATED_AT, Count, FuzzyDate, Quantity, Source
from schema.types.node import Entity

if TYPE_CHECKING:
    from schema.types.project import Project
    from schema.types.reference import Country


@strawberry.federation.type(
    keys=["id"], description="A group of people a project targets or reached."
)
class BeneficiaryGroup(Entity):
    compiled_node: ClassVar[NodeTable] = NodeTable(queries.beneficiary_group)
    id: relay.NodeID[int]
    version: int = compiled_field(
        column(),
        description="Bumped by every update; an update or delete must state the version it read.",
    )
    created_at: datetime.datetime = strawberry.field(description=CREATED_AT)
    updated_at: datetime.datetime = strawberry.field(description=UPDATED_AT)
    code: str = compiled_field(
        column(), description="Key of the group, unique within its project; orders the groups."
    )
    description: str = compiled_field(column(), description="Who they are, in the source's words.")
    categories: list[BeneficiaryCategory] = compiled_field(
        column(), description="Every category the group is in (young women: WOMEN and YOUTH)."
    )
    target_count: Count | None = compiled_field(
        count("target_count"),
        description="How many people the project means to reach; null when no source says.",
    )
    reached_count: Count | None = compiled_field(
        count("reached_count"),
        description="How many it has reached, as last reported; null until a source says.",
    )
    women_share: Quantity | None = compiled_field(
        quantity("women_share"),
        description="Share of women, in percent (65 = 65 %); null when no source says.",
    )
    location: str | None = compiled_field(
        column(), description="Where within the country, in words; null when not stated."
    )
    population_count: Count | None = compiled_field(
        count("population_count"),
        description="The stated size of the population the group is drawn from (population "
        "says what it counts); neither a target nor a reach.",
    )
    population: str | None = compiled_field(
        column(),
        description="What `populationCount` counts, in the source's words; null without it.",
    )
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
            population_count=Count.column(row, "population_count"),
            population=row["population"],
            location=row["location"],
            project_id=row["project_id"],
            country_code=row["country_code"],
        )

    @compiled_field(
        reference(queries.project, "project_id"), description="The project the group is of."
    )
    async def project(
        self, info: Info
    ) -> Annotated["Project", strawberry.lazy("schema.types.project")]:
        return await load_one(info.context.loaders.project, self.project_id)

    @compiled_field(
        reference(queries.country, "country_code", key="code"),
        description="The country the group is in; null for a group across countries.",
    )
    async def country(
        self, info: Info
    ) -> Annotated["Country", strawberry.lazy("schema.types.reference")] | None:
        if self.country_code is None:
            return None
        return await info.context.loaders.country.load(self.country_code)

    @compiled_field(sources("beneficiary_group_id"), description=SOURCES)
    async def sources(self, info: Info) -> list[Source]:
        return await info.context.loaders.sources["beneficiary_group_id"].load(self.id)


@strawberry.type(description="One breakdown of an outcome's figures (IATI dimension).")
class OutcomeDimension:
    name: str = strawberry.field(description="What is broken down by (sex, age, country).")
    value: str = strawberry.field(description="The part these figures are of (female, 15-24).")


@strawberry.federation.type(
    keys=["id"], description="A result (IATI result/indicator) with baseline, target and actual."
)
class Outcome(Entity):
    compiled_node: ClassVar[NodeTable] = NodeTable(queries.outcome)
    id: relay.NodeID[int]
    version: int = compiled_field(
        column(),
        description="Bumped by every update; an update or delete must state the version it read.",
    )
    created_at: datetime.datetime = strawberry.field(description=CREATED_AT)
    updated_at: datetime.datetime = strawberry.field(description=UPDATED_AT)
    code: str = compiled_field(
        column(), description="Key of the outcome, unique within its project; orders them."
    )
    kind: OutcomeKind = compiled_field(
        column(), description="OUTPUT, OUTCOME or IMPACT (IATI result type)."
    )
    statement: str = compiled_field(
        column(), description="The result sought, in the source's words (IATI result title)."
    )
    indicator: str | None = compiled_field(
        column(), description="What is measured to tell it (IATI indicator title); null if none."
    )
    unit: str | None = compiled_field(
        column(), description="Unit of baseline, target and actual (people, enterprises)."
    )
    measure: IndicatorMeasure | None = compiled_field(
        column(), description="How to read the figures (IATI indicator measure); null if unknown."
    )
    dimensions: list["OutcomeDimension"] = strawberry.field(
        description="What the figures are broken down by (e.g. sex = female); empty for totals."
    )
    baseline: Quantity | None = compiled_field(
        quantity("baseline"),
        description="The figure before the project, in `unit` (IATI baseline); null if unknown.",
    )
    baseline_year: int | None = compiled_field(
        column(), description="The year the baseline was measured; null if not stated."
    )
    target: Quantity | None = compiled_field(
        quantity("target"), description="The figure aimed for, in `unit`; null if not stated."
    )
    actual: Quantity | None = compiled_field(
        quantity("actual"),
        description="The figure reached, as last reported, in `unit`; null until reported.",
    )
    period_start: FuzzyDate | None = compiled_field(
        fuzzy_date("period_start", "period_precision", derived=False),
        description="Start of the period target and actual cover (IATI period-start).",
    )
    period_end: FuzzyDate | None = compiled_field(
        fuzzy_date("period_end", "period_precision", derived=False),
        description="End of that period (IATI period-end).",
    )
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

    @compiled_field(
        reference(queries.project, "project_id"), description="The project the outcome is of."
    )
    async def project(
        self, info: Info
    ) -> Annotated["Project", strawberry.lazy("schema.types.project")]:
        return await load_one(info.context.loaders.project, self.project_id)

    @compiled_field(sources("outcome_id"), description=SOURCES)
    async def sources(self, info: Info) -> list[Source]:
        return await info.context.loaders.sources["outcome_id"].load(self.id)
