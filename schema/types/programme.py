"""Programmes, their phases, and the partners that fund or run them."""

import datetime
from typing import TYPE_CHECKING, Annotated, ClassVar

import strawberry
from sqlalchemy.engine import RowMapping
from strawberry import relay

from db import queries
from db.enums import PartnerRole
from schema.compiled.builders import column, fuzzy_date, reference, sources
from schema.compiled.compiler import compiled_field
from schema.compiled.connections import NodeTable
from schema.context import load_one
from schema.filters import ProjectFilterArgument, project_criteria
from schema.info import Info
from schema.project_pages import projects_connection_field
from schema.types.common import (
    CREATED_AT,
    PROJECTS,
    SOURCES,
    UPDATED_AT,
    FuzzyDate,
    Source,
    at_most,
)
from schema.types.node import Entity
from schema.types.project import ProjectConnection

if TYPE_CHECKING:
    from schema.types.partner import Partner
    from schema.types.project import Project


@strawberry.federation.type(
    keys=["id"], description="A programme; phases of a long-running one are its child programmes."
)
class Programme(Entity):
    compiled_node: ClassVar[NodeTable] = NodeTable(queries.programme)
    id: relay.NodeID[int]
    version: int = compiled_field(
        column(),
        description="Bumped by every update; an update or delete must state the version it read.",
    )
    created_at: datetime.datetime = strawberry.field(description=CREATED_AT)
    updated_at: datetime.datetime = strawberry.field(description=UPDATED_AT)
    code: str = compiled_field(column(), description="Stable key, unique among programmes.")
    name: str = compiled_field(column(), description="Full name, as the sources give it.")
    acronym: str | None = compiled_field(
        column(), description="Short name the sources use; null when they give none."
    )
    description: str | None = compiled_field(
        column(), description="What the programme does; null when not written."
    )
    start_date: FuzzyDate | None = compiled_field(
        fuzzy_date("start_date"), description="When it starts, as precisely as a source says."
    )
    end_date: FuzzyDate | None = compiled_field(
        fuzzy_date("end_date"),
        description="When it ends, as precisely as a source says; null if open or unknown.",
    )
    areas_of_work: list[str] = compiled_field(
        column(), description="The areas of work a source lists, in its order."
    )
    parent_id: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: RowMapping) -> "Programme":
        return cls(
            version=row["version"],
            created_at=row["created_at"],
            updated_at=row["updated_at"],
            id=row["id"],
            code=row["code"],
            name=row["name"],
            acronym=row["acronym"],
            description=row["description"],
            start_date=FuzzyDate.column(row, "start_date"),
            end_date=FuzzyDate.column(row, "end_date"),
            areas_of_work=row["areas_of_work"],
            parent_id=row["parent_id"],
        )

    @compiled_field(
        reference(queries.programme, "parent_id"),
        description="The programme this one is a phase of.",
    )
    async def parent(self, info: Info) -> "Programme | None":
        if self.parent_id is None:
            return None
        return await info.context.loaders.programme.load(self.parent_id)

    @strawberry.field(description="This programme's phases.")
    async def phases(self, info: Info) -> list["Programme"]:
        return await info.context.loaders.programme_phases.load(self.id)

    @strawberry.field(description="Partners that fund or run it, each link with its role.")
    async def partners(
        self,
        info: Info,
        role: Annotated[
            PartnerRole | None,
            strawberry.argument(description="Only links in this role; null: any."),
        ] = None,
    ) -> list["ProgrammePartner"]:
        links = await info.context.loaders.partners_by_programme.load(self.id)
        return [link for link in links if role is None or link.role == role]

    @strawberry.field(
        directives=at_most(PROJECTS),
        description="Its own projects, by code; its phases' projects are theirs (the "
        "`programmes` filter of `projects` takes in phases).",
    )
    async def projects(
        self, info: Info, filter: ProjectFilterArgument = None
    ) -> list[Annotated["Project", strawberry.lazy("schema.types.project")]]:
        loaders = info.context.loaders
        if filter is None:
            return await loaders.projects_by_programme.load(self.id)
        return await loaders.projects_matching("programme", project_criteria(filter)).load(self.id)

    projects_connection: ProjectConnection = projects_connection_field("programme", "id")

    @compiled_field(sources("programme_id"), description=SOURCES)
    async def sources(self, info: Info) -> list[Source]:
        return await info.context.loaders.sources["programme_id"].load(self.id)


@strawberry.type(description="A partner's role in a programme.")
class ProgrammePartner:
    role: PartnerRole = strawberry.field(
        description="The partner's role (IATI participating-org role); one link per role."
    )
    row_id: strawberry.Private[int]
    partner_id: strawberry.Private[int]
    programme_id: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: RowMapping) -> "ProgrammePartner":
        return cls(
            role=PartnerRole(row["role"]),
            row_id=row["id"],
            partner_id=row["partner_id"],
            programme_id=row["programme_id"],
        )

    @strawberry.field(description="The partner linked.")
    async def partner(
        self, info: Info
    ) -> Annotated["Partner", strawberry.lazy("schema.types.partner")]:
        return await load_one(info.context.loaders.partner, self.partner_id)

    @strawberry.field(description="The programme it is linked to.")
    async def programme(self, info: Info) -> Programme:
        return await load_one(info.context.loaders.programme, self.programme_id)

    @strawberry.field(description=SOURCES)
    async def sources(self, info: Info) -> list[Source]:
        return await info.context.loaders.sources["programme_partner_id"].load(self.row_id)
