"""Partners (organisations) and the dated facts about them."""

import datetime
from typing import TYPE_CHECKING, Annotated, ClassVar

import strawberry
from sqlalchemy.engine import RowMapping
from strawberry import relay

from db import queries
from db.enums import PartnerKind, PartnerRole
from db.funding_flow import FlowDirection
from schema.compiled.builders import by_id, children, column, reference, sources
from schema.compiled.compiler import compiled_field
from schema.compiled.connections import NodeTable
from schema.context import load_one
from schema.filters import ProjectFilterArgument, ProjectOrderArgument, project_criteria
from schema.info import Info
from schema.pagination import After, First
from schema.project_pages import project_page, projects_of
from schema.types.common import (
    CREATED_AT,
    PROJECTS,
    SOURCES,
    UPDATED_AT,
    FuzzyDate,
    Quantity,
    Source,
    at_most,
)
from schema.types.funding_flow import (
    CurrencyArgument,
    DepthArgument,
    FlowDirectionArgument,
    FundingFlow,
    Traceability,
    resolve_flow,
    resolve_traceability,
)
from schema.types.node import Entity, LoadedNode
from schema.types.project import ProjectConnection

if TYPE_CHECKING:
    from schema.types.funding import Contribution
    from schema.types.programme import Programme
    from schema.types.project import Project
    from schema.types.reference import Country


RoleArgument = Annotated[
    PartnerRole | None,
    strawberry.argument(description="Only projects this partner is linked to in this role."),
]


@strawberry.federation.type(
    keys=["id"],
    description="An organisation: a donor government, ministry or agency, a UN agency, "
    "an implementer.",
)
class Partner(Entity):
    compiled_node: ClassVar[NodeTable] = NodeTable(queries.partner)
    id: relay.NodeID[int]
    version: int = compiled_field(
        column(),
        description="Bumped by every update; an update or delete must state the version it read.",
    )
    created_at: datetime.datetime = strawberry.field(description=CREATED_AT)
    updated_at: datetime.datetime = strawberry.field(description=UPDATED_AT)
    code: str = compiled_field(column(), description="Stable key.")
    name: str = compiled_field(column(), description="Full name of the organisation.")
    acronym: str | None = compiled_field(
        column(), description="Short name (KOICA, MOEL); null when it has none."
    )
    kind: PartnerKind = compiled_field(
        column(), description="What kind of organisation it is; decides its IATI type."
    )
    website: str | None = compiled_field(column(), description="Its web address, a full URL.")
    description: str | None = compiled_field(
        column(), description="What the organisation is and does; null when not written."
    )
    iati_identifier: str | None = compiled_field(
        column(), description="IATI organisation identifier."
    )
    iati_identifier_source: str | None = compiled_field(
        column(), description="Where the identifier comes from when no cited passage gives it."
    )
    parent_id: strawberry.Private[int | None]
    country_code: strawberry.Private[str | None]

    @classmethod
    def from_row(cls, row: RowMapping) -> "Partner":
        return cls(
            version=row["version"],
            created_at=row["created_at"],
            updated_at=row["updated_at"],
            id=row["id"],
            code=row["code"],
            name=row["name"],
            acronym=row["acronym"],
            kind=PartnerKind(row["kind"]),
            website=row["website"],
            description=row["description"],
            iati_identifier=row["iati_identifier"],
            iati_identifier_source=row["iati_identifier_source"],
            parent_id=row["parent_id"],
            country_code=row["country_code"],
        )

    @compiled_field(
        reference(queries.country, "country_code", key="code"),
        description="Its home country; null for international organisations.",
    )
    async def country(
        self, info: Info
    ) -> Annotated["Country", strawberry.lazy("schema.types.reference")] | None:
        if self.country_code is None:
            return None
        return await info.context.loaders.country.load(self.country_code)

    @compiled_field(
        reference(queries.partner, "parent_id"),
        description="The organisation this one is part of (KOICA → MOFA).",
    )
    async def parent(self, info: Info) -> "Partner | None":
        if self.parent_id is None:
            return None
        return await info.context.loaders.partner.load(self.parent_id)

    @strawberry.field(
        description="Where the money of the projects this partner publishes (as reporting "
        "organisation) came from and went, as `Project.fundingFlow`."
    )
    async def funding_flow(
        self,
        info: Info,
        direction: FlowDirectionArgument = FlowDirection.BOTH,
        depth: DepthArgument = 3,
        currency: CurrencyArgument = None,
    ) -> FundingFlow:
        return await resolve_flow(
            info,
            publisher=self.id,
            direction=direction,
            depth=depth,
            currency=currency,
        )

    @strawberry.field(
        description="How many of the incoming funds in the activities it publishes name "
        "the provider's activity."
    )
    async def traceability(self, info: Info) -> Traceability:
        return await resolve_traceability(info, self.id)

    @compiled_field(
        children(queries.partner, "parent_id", by_id),
        description="Organisations that are part of this one.",
    )
    async def children(self, info: Info) -> list["Partner"]:
        return await info.context.loaders.partner_children.load(self.id)

    @strawberry.field(
        description="Projects this partner takes part in, in any role or one; a `partner` "
        "condition in `filter` applies to this partner's own link.",
        directives=at_most(PROJECTS),
    )
    async def projects(
        self,
        info: Info,
        role: RoleArgument = None,
        filter: ProjectFilterArgument = None,
    ) -> list[Annotated["Project", strawberry.lazy("schema.types.project")]]:
        loaders = info.context.loaders
        loader = (
            loaders.projects_by_partner
            if filter is None
            else loaders.projects_matching("partner", project_criteria(filter))
        )
        links = await loader.load(self.id)
        seen: set[int] = set()
        projects = []
        for link_role, project in links:
            if (role is None or link_role == role) and project.id not in seen:
                seen.add(project.id)
                projects.append(project)
        return projects

    @compiled_field(
        projects_of("partner", "id"),
        description="The same projects as a connection: filtered, ordered and paged, for "
        "every partner of a page in one statement; `role` and `filter.partner` speak of "
        "this partner's own link.",
    )
    async def projects_connection(
        self,
        info: Info,
        role: RoleArgument = None,
        filter: ProjectFilterArgument = None,
        order_by: ProjectOrderArgument = None,
        first: First = None,
        after: After = None,
    ) -> ProjectConnection:
        return await project_page(
            info,
            "partner",
            self.id,
            filter=filter,
            order_by=order_by,
            first=first,
            after=after,
            role=role,
        )

    @strawberry.field(description="Programmes this partner funds or runs.")
    async def programmes(
        self, info: Info
    ) -> list[Annotated["Programme", strawberry.lazy("schema.types.programme")]]:
        return await info.context.loaders.programmes_by_partner.load(self.id)

    @strawberry.field(
        description="Contributions this partner gave or received.", directives=at_most(1000)
    )
    async def contributions(
        self, info: Info
    ) -> list[Annotated["Contribution", strawberry.lazy("schema.types.funding")]]:
        return await info.context.loaders.contributions_by_partner.load(self.id)

    @strawberry.field(description="Dated statements about this partner.")
    async def facts(self, info: Info) -> list["PartnerFact"]:
        return await info.context.loaders.facts_by_partner.load(self.id)

    @compiled_field(sources("partner_id"), description=SOURCES)
    async def sources(self, info: Info) -> list[Source]:
        return await info.context.loaders.sources["partner_id"].load(self.id)


@strawberry.type(
    description="A dated statement about a partner that is not a funding flow "
    "(membership, ratifications, priority countries)."
)
class PartnerFact(LoadedNode):
    id: relay.NodeID[int]
    code: str = strawberry.field(description="Stable key of the fact, unique among facts.")
    topic: str = strawberry.field(
        description="What the fact is about, as a heading (ILO membership, Ratified ILO "
        "Conventions, ODA volume)."
    )
    statement: str = strawberry.field(description="The fact, in the source's words.")
    as_of: FuzzyDate | None = strawberry.field(
        description="When it was true, as precisely as the source says; null if undated."
    )
    value: Quantity | None = strawberry.field(
        description="A figure the fact states, in `unit`; null for a fact without one."
    )
    unit: str | None = strawberry.field(
        description='Unit of `value` (Conventions, countries, "% of GNI"); null without one.'
    )
    partner_id: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: RowMapping) -> "PartnerFact":
        return cls(
            id=row["id"],
            code=row["code"],
            topic=row["topic"],
            statement=row["statement"],
            as_of=FuzzyDate.column(row, "as_of"),
            value=Quantity.column(row, "value"),
            unit=row["unit"],
            partner_id=row["partner_id"],
        )

    @strawberry.field(description="The partner the fact is about.")
    async def partner(self, info: Info) -> Partner:
        return await load_one(info.context.loaders.partner, self.partner_id)

    @strawberry.field(description="Countries the statement names.")
    async def countries(
        self, info: Info
    ) -> list[Annotated["Country", strawberry.lazy("schema.types.reference")]]:
        return await info.context.loaders.countries_by_fact.load(self.id)

    @strawberry.field(description=SOURCES)
    async def sources(self, info: Info) -> list[Source]:
        return await info.context.loaders.sources["partner_fact_id"].load(self.id)
