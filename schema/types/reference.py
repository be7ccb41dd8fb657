"""Countries, regions and themes: reference data that projects point at."""

from typing import TYPE_CHECKING, Annotated, ClassVar

import strawberry
from sqlalchemy.engine import RowMapping
from strawberry import relay

from schema.compiled.builders import column
from schema.compiled.compiler import compiled_field
from schema.filters import ProjectFilterArgument, project_criteria
from schema.info import Info
from schema.project_pages import projects_connection_field
from schema.types.common import PROJECTS, at_most
from schema.types.node import Entity
from schema.types.project import ProjectConnection

if TYPE_CHECKING:
    from schema.types.project import Project


@strawberry.federation.type(
    keys=["id"],
    description="A country (ISO 3166-1), found also by its common alternative names.",
)
class Country(Entity):
    int_ids: ClassVar[bool] = False
    code: relay.NodeID[str]
    name: str = compiled_field(column(), description="Common English name (Viet Nam, Türkiye).")
    official_name: str | None = compiled_field(
        column(), description="Official name (Republic of Cameroon); null when none is recorded."
    )
    region: str | None = compiled_field(
        column(),
        description="UN M49 region (Asia, Africa) as the built-in dataset states it; null for "
        "the countries only the IATI Country codelist names, which gives no region.",
    )
    alternative_names: list[str] = compiled_field(
        column(),
        description="Other names it is found by in `countryNames` filters (Vietnam; Laos).",
    )

    @compiled_field(column("code"), name="code", description="ISO 3166-1 alpha-2 code.")
    def iso_code(self) -> str:
        return self.code

    @classmethod
    def from_row(cls, row: RowMapping) -> "Country":
        return cls(
            code=row["code"],
            name=row["name"],
            official_name=row["official_name"],
            region=row["region"],
            alternative_names=list(row["alternative_names"]),
        )

    @strawberry.field(
        description="Projects that work in or with this country.", directives=at_most(PROJECTS)
    )
    async def projects(
        self, info: Info, filter: ProjectFilterArgument = None
    ) -> list[Annotated["Project", strawberry.lazy("schema.types.project")]]:
        loaders = info.context.loaders
        if filter is None:
            return await loaders.projects_by_country.load(self.code)
        return await loaders.projects_matching("country", project_criteria(filter)).load(self.code)

    projects_connection: ProjectConnection = projects_connection_field("country", "code")


@strawberry.type(description="A recipient region that is not a country: ASEAN, global...")
class Region:
    code: str = compiled_field(column(), description="Stable key of the region (ASEAN, GLOBAL).")
    name: str = compiled_field(
        column(), description="Its name (Association of Southeast Asian Nations)."
    )

    @classmethod
    def from_row(cls, row: RowMapping) -> "Region":
        return cls(code=row["code"], name=row["name"])


@strawberry.federation.type(keys=["id"], description="A subject a project works on.")
class Theme(Entity):
    int_ids: ClassVar[bool] = False
    slug: relay.NodeID[str]
    name: str = compiled_field(column(), description="Its name, for people.")

    @compiled_field(
        column("slug"),
        name="slug",
        description="Stable key (employment-policy), used by the `themes` filter; DAC sectors "
        "from IATI files are dac-<code>.",
    )
    def slug_field(self) -> str:
        return self.slug

    @classmethod
    def from_row(cls, row: RowMapping) -> "Theme":
        return cls(slug=row["slug"], name=row["name"])

    @strawberry.field(
        directives=at_most(PROJECTS), description="Projects that work on this theme, by code."
    )
    async def projects(
        self, info: Info, filter: ProjectFilterArgument = None
    ) -> list[Annotated["Project", strawberry.lazy("schema.types.project")]]:
        loaders = info.context.loaders
        if filter is None:
            return await loaders.projects_by_theme.load(self.slug)
        return await loaders.projects_matching("theme", project_criteria(filter)).load(self.slug)

    projects_connection: ProjectConnection = projects_connection_field("theme", "slug")
