"""Contributions between partners, and the agreements and reviews behind programmes."""

import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from sqlalchemy.engine import RowMapping
from strawberry import relay

from db.enums import AgreementKind, ContributionKind
from schema.context import load_one
from schema.info import Info
from schema.types.common import (
    CREATED_AT,
    PROJECTS,
    SOURCES,
    UPDATED_AT,
    FuzzyDate,
    Source,
    at_most,
)
from schema.types.money import Money
from schema.types.node import Entity

if TYPE_CHECKING:
    from schema.types.partner import Partner
    from schema.types.programme import Programme
    from schema.types.project import Project

PartnerRef = Annotated["Partner", strawberry.lazy("schema.types.partner")]
ProgrammeRef = Annotated["Programme", strawberry.lazy("schema.types.programme")]
ProjectRef = Annotated["Project", strawberry.lazy("schema.types.project")]


@strawberry.federation.type(
    keys=["id"], description="Funding from a donor to an organisation over a period of years."
)
class Contribution(Entity):
    id: relay.NodeID[int]
    version: int = strawberry.field(
        description="Bumped by every update; an update or delete must state the version it read."
    )
    created_at: datetime.datetime = strawberry.field(description=CREATED_AT)
    updated_at: datetime.datetime = strawberry.field(description=UPDATED_AT)
    code: str = strawberry.field(description="Stable key, unique among contributions.")
    kind: ContributionKind = strawberry.field(
        description="Assessed, voluntary core or voluntary earmarked."
    )
    amount: Money = strawberry.field(
        description="The amount over the whole period, in the currency the source states."
    )
    period_start_year: int = strawberry.field(
        description="First year of the period the amount covers."
    )
    period_end_year: int = strawberry.field(
        description="Last year of that period (equal to the first for a single year)."
    )
    donor_id: strawberry.Private[int]
    recipient_id: strawberry.Private[int]
    programme_id: strawberry.Private[int | None]
    project_id: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: RowMapping) -> "Contribution":
        amount = Money.of(row["amount"], row["currency"], row["amount_qualifier"])
        assert amount is not None  # the columns are NOT NULL
        return cls(
            version=row["version"],
            created_at=row["created_at"],
            updated_at=row["updated_at"],
            id=row["id"],
            code=row["code"],
            kind=ContributionKind(row["kind"]),
            amount=amount,
            period_start_year=row["period_start_year"],
            period_end_year=row["period_end_year"],
            donor_id=row["donor_id"],
            recipient_id=row["recipient_id"],
            programme_id=row["programme_id"],
            project_id=row["project_id"],
        )

    @strawberry.field(description="The partner that gives.")
    async def donor(self, info: Info) -> PartnerRef:
        return await load_one(info.context.loaders.partner, self.donor_id)

    @strawberry.field(description="The partner that receives (the ILO, for one).")
    async def recipient(self, info: Info) -> PartnerRef:
        return await load_one(info.context.loaders.partner, self.recipient_id)

    @strawberry.field(description="The programme it is earmarked to; null if none.")
    async def programme(self, info: Info) -> ProgrammeRef | None:
        if self.programme_id is None:
            return None
        return await info.context.loaders.programme.load(self.programme_id)

    @strawberry.field(description="The project it is earmarked to; null if none.")
    async def project(self, info: Info) -> ProjectRef | None:
        if self.project_id is None:
            return None
        return await info.context.loaders.project.load(self.project_id)

    @strawberry.field(description=SOURCES)
    async def sources(self, info: Info) -> list[Source]:
        return await info.context.loaders.sources["contribution_id"].load(self.id)


@strawberry.federation.type(
    keys=["id"], description="A memorandum, agreement, evaluation or assessment."
)
class Agreement(Entity):
    id: relay.NodeID[int]
    code: str = strawberry.field(description="Stable key, unique among agreements.")
    kind: AgreementKind = strawberry.field(
        description="Memorandum, agreement, evaluation or assessment."
    )
    title: str = strawberry.field(description="Its title, as the sources give it.")
    description: str | None = strawberry.field(
        description="What it covers, in a paragraph; null when not written."
    )
    signed_on: FuzzyDate | None = strawberry.field(description="Date signed or carried out.")
    officials: list[str] = strawberry.field(
        description="Officials the record's passages name (signing, or pictured), as named."
    )
    period_start_year: int | None = strawberry.field(
        description="First year it covers; null when the sources do not say."
    )
    period_end_year: int | None = strawberry.field(
        description="Last year it covers; null when open-ended or not stated."
    )
    programme_id: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: RowMapping) -> "Agreement":
        return cls(
            id=row["id"],
            code=row["code"],
            kind=AgreementKind(row["kind"]),
            title=row["title"],
            description=row["description"],
            signed_on=FuzzyDate.column(row, "signed_on"),
            officials=row["officials"],
            period_start_year=row["period_start_year"],
            period_end_year=row["period_end_year"],
            programme_id=row["programme_id"],
        )

    @strawberry.field(description="The programme it concerns; null if none.")
    async def programme(self, info: Info) -> ProgrammeRef | None:
        if self.programme_id is None:
            return None
        return await info.context.loaders.programme.load(self.programme_id)

    @strawberry.field(description="The partners that signed it, or for which it was done.")
    async def parties(self, info: Info) -> list[PartnerRef]:
        return await info.context.loaders.parties_by_agreement.load(self.id)

    @strawberry.field(description="Projects the agreement covers.", directives=at_most(PROJECTS))
    async def projects(self, info: Info) -> list[ProjectRef]:
        return await info.context.loaders.projects_by_agreement.load(self.id)

    @strawberry.field(description=SOURCES)
    async def sources(self, info: Info) -> list[Source]:
        return await info.context.loaders.sources["agreement_id"].load(self.id)
