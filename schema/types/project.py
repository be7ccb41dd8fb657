"""Projects and their links: partners with roles, countries with roles."""

import datetime
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry
from sqlalchemy.engine import RowMapping
from strawberry import relay

from db.enums import CountryRole, PartnerRole, ProjectStatus
from schema.context import load_one
from schema.info import Info
from schema.pagination import Connection
from schema.types.common import FuzzyDate, Money, Source, enum_or_none
from schema.types.node import Entity

if TYPE_CHECKING:
    from schema.types.funding import Agreement
    from schema.types.partner import Partner
    from schema.types.programme import Programme
    from schema.types.reference import Country, Region, Theme
    from schema.types.results import BeneficiaryGroup, Outcome


@strawberry.federation.type(keys=["id"], description="A development-cooperation project.")
class Project(Entity):
    id: relay.NodeID[int]
    version: int = strawberry.field(
        description="Bumped by every update; an update or delete must state the version it read."
    )
    created_at: datetime.datetime
    updated_at: datetime.datetime
    code: str = strawberry.field(description="Stable public code.")
    title: str
    acronym: str | None
    summary: str | None
    status: ProjectStatus | None = strawberry.field(
        description="As a source states it on statusAsOf, or derived (statusDerived); "
        "null if unknown."
    )
    status_as_of: datetime.date | None
    status_derived: bool
    status_derived_how: str | None = strawberry.field(
        description="How a derived status was derived; null when stated."
    )
    planned_start: FuzzyDate | None
    planned_end: FuzzyDate | None
    actual_start: FuzzyDate | None
    actual_end: FuzzyDate | None
    duration_months: int | None = strawberry.field(
        description="Duration the source states, or derived from it (durationDerivedHow)."
    )
    duration_derived_how: str | None = strawberry.field(
        description='How the duration was derived (e.g. from "four-year"); null when stated.'
    )
    budget: Money | None = strawberry.field(description="The project's budget, where stated.")
    previous_phase_id: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: RowMapping) -> "Project":
        return cls(
            version=row["version"],
            created_at=row["created_at"],
            updated_at=row["updated_at"],
            id=row["id"],
            code=row["code"],
            title=row["title"],
            acronym=row["acronym"],
            summary=row["summary"],
            status=enum_or_none(ProjectStatus, row["status"]),
            status_as_of=row["status_as_of"],
            status_derived=row["status_derived"],
            status_derived_how=row["status_derivation"],
            planned_start=FuzzyDate.column(row, "planned_start"),
            planned_end=FuzzyDate.column(row, "planned_end"),
            actual_start=FuzzyDate.column(row, "actual_start"),
            actual_end=FuzzyDate.column(row, "actual_end"),
            duration_months=row["duration_months"],
            duration_derived_how=row["duration_months_derivation"],
            budget=Money.of(
                row["budget_amount"], row["budget_currency"], row["budget_amount_qualifier"]
            ),
            previous_phase_id=row["previous_phase_id"],
        )

    @strawberry.field
    async def programmes(
        self, info: Info
    ) -> list[Annotated["Programme", strawberry.lazy("schema.types.programme")]]:
        return await info.context.loaders.programmes_by_project.load(self.id)

    @strawberry.field(description="The earlier phase this project continues.")
    async def previous_phase(self, info: Info) -> "Project | None":
        if self.previous_phase_id is None:
            return None
        return await info.context.loaders.project.load(self.previous_phase_id)

    @strawberry.field(description="Later phases that continue this project.")
    async def next_phases(self, info: Info) -> list["Project"]:
        return await info.context.loaders.next_phases.load(self.id)

    @strawberry.field(description="Partners and their roles; for funders, the amount given.")
    async def partners(self, info: Info, role: PartnerRole | None = None) -> list["ProjectPartner"]:
        links = await info.context.loaders.partners_by_project.load(self.id)
        return [link for link in links if role is None or link.role == role]

    @strawberry.field(description="Countries the project works in (RECIPIENT) or with.")
    async def countries(
        self, info: Info, role: CountryRole | None = None
    ) -> list[Annotated["Country", strawberry.lazy("schema.types.reference")]]:
        links = await info.context.loaders.countries_by_project.load(self.id)
        codes = list(dict.fromkeys(x.country_code for x in links if role in (None, x.role)))
        countries = await info.context.loaders.country.load_many(codes)
        return [country for country in countries if country is not None]

    @strawberry.field(description="Country links with their roles and the sources naming them.")
    async def country_links(
        self, info: Info, role: CountryRole | None = None
    ) -> list["ProjectCountry"]:
        links = await info.context.loaders.countries_by_project.load(self.id)
        return [x for x in links if role in (None, x.role)]

    @strawberry.field(description="Recipient regions that are not countries.")
    async def regions(
        self, info: Info
    ) -> list[Annotated["Region", strawberry.lazy("schema.types.reference")]]:
        return await info.context.loaders.regions_by_project.load(self.id)

    @strawberry.field
    async def themes(
        self, info: Info
    ) -> list[Annotated["Theme", strawberry.lazy("schema.types.reference")]]:
        return await info.context.loaders.themes_by_project.load(self.id)

    @strawberry.field
    async def beneficiary_groups(
        self, info: Info
    ) -> list[Annotated["BeneficiaryGroup", strawberry.lazy("schema.types.results")]]:
        return await info.context.loaders.groups_by_project.load(self.id)

    @strawberry.field
    async def outcomes(
        self, info: Info
    ) -> list[Annotated["Outcome", strawberry.lazy("schema.types.results")]]:
        return await info.context.loaders.outcomes_by_project.load(self.id)

    @strawberry.field(description="Agreements (MoUs, agreements, reviews) covering this project.")
    async def agreements(
        self, info: Info
    ) -> list[Annotated["Agreement", strawberry.lazy("schema.types.funding")]]:
        return await info.context.loaders.agreements_by_project.load(self.id)

    @strawberry.field
    async def sources(self, info: Info) -> list[Source]:
        return await info.context.loaders.sources["project_id"].load(self.id)


@strawberry.type(description="A partner's role in a project (IATI participating-org).")
class ProjectPartner:
    role: PartnerRole
    amount: Money | None = strawberry.field(description="For funders: the amount they give.")
    row_id: strawberry.Private[int]
    partner_id: strawberry.Private[int]
    project_id: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: RowMapping) -> "ProjectPartner":
        return cls(
            role=PartnerRole(row["role"]),
            amount=Money.of(row["amount"], row["currency"], row["amount_qualifier"]),
            row_id=row["id"],
            partner_id=row["partner_id"],
            project_id=row["project_id"],
        )

    @strawberry.field
    async def partner(
        self, info: Info
    ) -> Annotated["Partner", strawberry.lazy("schema.types.partner")]:
        return await load_one(info.context.loaders.partner, self.partner_id)

    @strawberry.field
    async def project(self, info: Info) -> Project:
        return await load_one(info.context.loaders.project, self.project_id)

    @strawberry.field
    async def sources(self, info: Info) -> list[Source]:
        return await info.context.loaders.sources["project_partner_id"].load(self.row_id)


@strawberry.type(description="A country a project works in or with, cited: sources may disagree.")
class ProjectCountry:
    role: CountryRole
    percentage: Decimal | None = strawberry.field(
        description="Share of the project in this country (IATI recipient-country percentage)."
    )
    row_id: strawberry.Private[int]
    country_code: strawberry.Private[str]

    @classmethod
    def from_row(cls, row: RowMapping) -> "ProjectCountry":
        return cls(
            role=CountryRole(row["role"]),
            percentage=row["percentage"],
            row_id=row["id"],
            country_code=row["country_code"],
        )

    @strawberry.field
    async def country(
        self, info: Info
    ) -> Annotated["Country", strawberry.lazy("schema.types.reference")]:
        return await load_one(info.context.loaders.country, self.country_code)

    @strawberry.field
    async def sources(self, info: Info) -> list[Source]:
        return await info.context.loaders.sources["project_country_id"].load(self.row_id)


@strawberry.type(description="A page of projects.")
class ProjectConnection(Connection[Project]):
    count_undated: strawberry.Private[Callable[[], Awaitable[int]] | None] = None

    @strawberry.field(
        description="With an `activeOn` filter: projects that met every other condition but "
        "were left out because their dates cannot tell whether they ran that day. Null "
        "without `activeOn`."
    )
    async def undated_left_out(self) -> int | None:
        return None if self.count_undated is None else await self.count_undated()
