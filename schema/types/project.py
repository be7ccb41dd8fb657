"""Projects and their links: partners with roles, countries with roles."""

import datetime
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, ClassVar

import sqlalchemy as sa
import strawberry
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.engine import RowMapping
from sqlalchemy.sql import FromClause
from strawberry import relay

from db import queries, tables
from db.columns import TEXT_COLLATION
from db.enums import CountryRole, PartnerRole, ProjectStatus
from db.funding_flow import FlowDirection
from db.json_select import EMPTY_LIST, Json, json_list
from db.metadata import table_of
from schema.compiled.activity_rules import (
    activity_rows,
    lang_argument,
    narrative_list,
    narrative_text,
    part,
)
from schema.compiled.builders import (
    by_code,
    by_id,
    by_name,
    children,
    column,
    decimal_text,
    fuzzy_date,
    linked,
    money,
    reference,
    role_of,
    sources,
)
from schema.compiled.compiler import Compiler, Request, compiled_field
from schema.compiled.connections import NodeTable
from schema.context import load_one
from schema.info import Info
from schema.pagination import Connection
from schema.types.activity import (
    ActivityDate,
    ActivityWarning,
    ParticipatingOrganisation,
    PublisherContact,
    RelatedActivity,
    ReportingOrganisation,
    reporting_scope,
)
from schema.types.budget import Budget, PlannedDisbursement
from schema.types.classification import Classifications, PolicyMarker, RegionLink, Sector
from schema.types.code import with_code_names
from schema.types.common import (
    BUDGETS,
    CLASSIFICATIONS,
    CREATED_AT,
    RESULTS,
    SOURCES,
    TRANSACTIONS,
    UPDATED_AT,
    FuzzyDate,
    Source,
    at_most,
    enum_or_none,
)
from schema.types.document import DocumentLink
from schema.types.funding_flow import (
    CurrencyArgument,
    DepthArgument,
    FlowDirectionArgument,
    FundingFlow,
    flow_rule,
    resolve_flow,
)
from schema.types.location import Location
from schema.types.money import Money
from schema.types.narrative import Lang, Narrative, narratives, text_in
from schema.types.node import Entity
from schema.types.result import Result
from schema.types.transaction import (
    Transaction,
    TransactionFilter,
    checked_transaction_filter,
    transaction_condition,
    transaction_matches,
)

if TYPE_CHECKING:
    from schema.types.funding import Agreement
    from schema.types.partner import Partner
    from schema.types.programme import Programme
    from schema.types.reference import Country, Region, Theme
    from schema.types.results import BeneficiaryGroup, Outcome


def project_partners(compiler: Compiler, row: FromClause, request: Request) -> Json:
    link = queries.project_partner.alias()
    built = compiler.object(request.returns.name, link, request.nodes, request.path)
    source = (
        sa.select(link)
        .where(link.c.project_id == row.c.id, role_of(compiler, request, link))
        .correlate(row)
    )
    return json_list(built, source, [link.c.id])


def project_countries(compiler: Compiler, row: FromClause, request: Request) -> Json:
    """Each country once, by name, whichever its roles (as the resolver dedupes them)."""
    link, country = queries.project_country.alias(), queries.country.alias()
    built = compiler.object(request.returns.name, country, request.nodes, request.path)
    codes = (
        sa.select(link.c.country_code)
        .where(link.c.project_id == row.c.id, role_of(compiler, request, link))
        .correlate(row)
    )
    return json_list(built, sa.select(country).where(country.c.code.in_(codes)), by_name(country))


def project_country_links(compiler: Compiler, row: FromClause, request: Request) -> Json:
    link, country = queries.project_country.alias(), queries.country.alias()
    built = compiler.object(request.returns.name, link, request.nodes, request.path)
    source = (
        sa.select(link)
        .join(country, country.c.code == link.c.country_code)
        .where(link.c.project_id == row.c.id, role_of(compiler, request, link))
        .correlate(row)
    )
    return json_list(built, source, [*by_name(country), link.c.role])


def sector_condition(compiler: Compiler, request: Request, row: FromClause) -> Json:
    """``sectors(vocabulary:)``: a sector written without one is vocabulary 1."""
    vocabulary = compiler.arguments(request).get("vocabulary")
    if vocabulary is None:
        return sa.true()
    written: Json = sa.func.coalesce(sa.func.nullif(row.c.vocabulary, ""), "1")
    matching: Json = written == vocabulary
    return matching


def related_condition(compiler: Compiler, request: Request, row: FromClause) -> Json:
    kind = compiler.arguments(request).get("type")
    return sa.true() if kind is None else row.c.type == kind


def project_region_links(compiler: Compiler, row: FromClause, request: Request) -> Json:
    """The IATI recipient-regions in file order, then the dataset's regions by name, as
    the resolver puts them one after the other."""
    iati = table_of(tables.ActivityRecipientRegion).alias()
    activity = queries.project.alias()
    rows = (
        sa.select(iati, activity.c.lang.label("_lang"))
        .join(activity, activity.c.id == iati.c.project_id)
        .where(iati.c.project_id == row.c.id)
        .correlate_except(iati, activity)
        .subquery()
    )
    link, region = queries.project_region.alias(), queries.region.alias()
    of_file = compiler.object(
        request.returns.name, RegionLink.row_scope(rows), request.nodes, request.path
    )
    of_dataset = compiler.object(
        request.returns.name,
        RegionLink.dataset_scope(region.c.code, link.c.project_id),
        request.nodes,
        request.path,
    )
    both = sa.union_all(
        sa.select(
            of_file.label("link"),
            sa.literal(0).label("part"),
            rows.c.position,
            rows.c.id,
            sa.null().label("name"),
        ),
        sa.select(
            of_dataset.label("link"),
            sa.literal(1).label("part"),
            sa.literal(0).label("position"),
            sa.literal(0).label("id"),
            region.c.name,
        )
        .join(link, link.c.region_code == region.c.code)
        .where(link.c.project_id == row.c.id)
        .correlate_except(link, region),
    ).subquery()
    aggregated = sa.func.json_agg(
        aggregate_order_by(
            both.c.link,
            both.c.part,
            both.c.position,
            both.c.id,
            both.c.name.collate(TEXT_COLLATION),
        )
    )
    return sa.func.coalesce(sa.select(aggregated).scalar_subquery(), EMPTY_LIST)


def project_title_in(compiler: Compiler, row: FromClause, request: Request) -> Json:
    """``title_in``: the title without ``lang``, else the narrative in that language."""
    wanted = lang_argument(compiler, request)
    if wanted is None:
        return row.c.title
    return narrative_text(row.c.title_narratives, wanted, row.c.lang)


@strawberry.federation.type(keys=["id"], description="A development-cooperation project.")
class Project(Entity):
    compiled_node: ClassVar[NodeTable] = NodeTable(queries.project)
    id: relay.NodeID[int]
    version: int = compiled_field(
        column(),
        description="Bumped by every update; an update or delete must state the version it read.",
    )
    created_at: datetime.datetime = strawberry.field(description=CREATED_AT)
    updated_at: datetime.datetime = strawberry.field(description=UPDATED_AT)
    code: str = compiled_field(
        column(),
        description="Stable public code (tunisia-ict-jobs), unique among projects: what "
        "`filter.codes` matches.",
    )
    title: str = compiled_field(column(), description="Full title, as the sources give it.")
    acronym: str | None = compiled_field(
        column(), description="Short name the sources use; null when they give none."
    )
    summary: str | None = compiled_field(
        column(), description="What the project does, in a paragraph; null when not written."
    )
    status: ProjectStatus | None = compiled_field(
        column(),
        description="As a source states it on statusAsOf, or derived (statusDerived); "
        "null if unknown.",
    )
    status_code: str | None = compiled_field(
        column(),
        description="The IATI activity-status @code as the publisher wrote it, where it is "
        "none of the codes `status` reads (1-6): `status` is then null, and the code is kept "
        "and exported as written. Null where `status` holds the file's status, no IATI file "
        "gives one, or a writer has stated the status since.",
    )
    status_as_of: datetime.date | None = compiled_field(
        column(),
        description="The day `status` was true on (a source's date); null when status is.",
    )
    status_derived: bool = compiled_field(
        column(),
        description="True when `status` is inferred rather than stated; `statusDerivedHow` "
        "says how.",
    )
    status_derived_how: str | None = compiled_field(
        column("status_derivation"),
        description="How a derived status was derived; null when stated.",
    )
    planned_start: FuzzyDate | None = compiled_field(
        fuzzy_date("planned_start", derived=True),
        description="Planned start (IATI activity-date 1); null when no source gives it.",
    )
    planned_end: FuzzyDate | None = compiled_field(
        fuzzy_date("planned_end", derived=True),
        description="Planned end (IATI activity-date 3); may be derived from the start and "
        "`durationMonths` (then `derived` is true).",
    )
    actual_start: FuzzyDate | None = compiled_field(
        fuzzy_date("actual_start", derived=True),
        description="Actual start (IATI activity-date 2); null until a source says it began.",
    )
    actual_end: FuzzyDate | None = compiled_field(
        fuzzy_date("actual_end", derived=True),
        description="Actual end (IATI activity-date 4); null while running or not stated.",
    )
    duration_months: int | None = compiled_field(
        column(),
        description="Duration in months, as a source states it or derived from one "
        "(`durationDerivedHow`); null when none does.",
    )
    duration_derived_how: str | None = compiled_field(
        column("duration_months_derivation"),
        description='How the duration was derived (e.g. from "four-year"); null when stated.',
    )
    budget: Money | None = compiled_field(
        money("budget_amount", "budget_currency", "budget_amount_qualifier"),
        description="The project's total budget in one currency, null when none is known, "
        "never zero. For a project from an IATI file: the total of its budgets of one type "
        "(the revised ones where it has any, else the original ones; see `budgets`); for "
        "the built-in dataset, which has no per-period budgets, the budget its source states. "
        "`projectStats`, the BUDGET ordering and `filter.budget` read this total.",
    )
    iati_identifier: str | None = compiled_field(
        column(),
        description="The IATI activity identifier (XM-DAC-41302-...); null for a project no "
        "IATI file describes and the dataset gives none.",
    )
    language: str | None = compiled_field(
        column("lang"),
        description="The IATI activity's default language (its xml:lang, ISO 639-1): the one "
        "text fields answer in without `lang:`; null when no IATI file gives one.",
    )
    default_currency: str | None = compiled_field(
        column(),
        description="The IATI activity's default-currency: the currency of its values that "
        "name none; null when no IATI file gives one.",
    )
    humanitarian: bool | None = compiled_field(
        column(),
        description="The IATI activity's @humanitarian flag; null where no file gives one.",
    )
    hierarchy: int | None = compiled_field(
        column(),
        description="The IATI activity's @hierarchy (1 the top level); null where not given.",
    )
    previous_phase_id: strawberry.Private[int | None]
    title_raw: strawberry.Private[list[dict[str, Any]] | None]
    reporting: strawberry.Private[ReportingOrganisation | None]
    classified: strawberry.Private[Classifications]

    @classmethod
    def from_row(cls, row: RowMapping) -> "Project":
        return cls(
            iati_identifier=row["iati_identifier"],
            language=row["lang"],
            default_currency=row["default_currency"],
            humanitarian=row["humanitarian"],
            hierarchy=row["hierarchy"],
            title_raw=row["title_narratives"],
            reporting=ReportingOrganisation.from_project(row),
            classified=Classifications.from_row(row),
            version=row["version"],
            created_at=row["created_at"],
            updated_at=row["updated_at"],
            id=row["id"],
            code=row["code"],
            title=row["title"],
            acronym=row["acronym"],
            summary=row["summary"],
            status=enum_or_none(ProjectStatus, row["status"]),
            status_code=row["status_code"],
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

    @compiled_field(
        linked(
            queries.programme,
            queries.project_programme,
            "project_id",
            "programme_id",
            "id",
            by_name,
        ),
        description="Programmes the project belongs to, by name.",
    )
    async def programmes(
        self, info: Info
    ) -> list[Annotated["Programme", strawberry.lazy("schema.types.programme")]]:
        return await info.context.loaders.programmes_by_project.load(self.id)

    @compiled_field(
        flow_rule(one_root=True),
        description="Where this project's money came from and went, across publishers: "
        "projects linked by the activity identifiers their transactions and participating "
        "organisations name, in one recursive SQL statement (cycles end at `depth`).",
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
            root=self.id,
            direction=direction,
            depth=depth,
            currency=currency,
        )

    @compiled_field(
        reference(queries.project, "previous_phase_id"),
        description="The earlier phase this project continues.",
    )
    async def previous_phase(self, info: Info) -> "Project | None":
        if self.previous_phase_id is None:
            return None
        return await info.context.loaders.project.load(self.previous_phase_id)

    @compiled_field(
        children(queries.project, "previous_phase_id", by_id),
        description="Later phases that continue this project.",
    )
    async def next_phases(self, info: Info) -> list["Project"]:
        return await info.context.loaders.next_phases.load(self.id)

    @compiled_field(
        project_partners, description="Partners and their roles; for funders, the amount given."
    )
    async def partners(
        self,
        info: Info,
        role: Annotated[
            PartnerRole | None,
            strawberry.argument(description="Only links in this role; null: any."),
        ] = None,
    ) -> list["ProjectPartner"]:
        links = await info.context.loaders.partners_by_project.load(self.id)
        return [link for link in links if role is None or link.role == role]

    @compiled_field(
        project_countries, description="Countries the project works in (RECIPIENT) or with."
    )
    async def countries(
        self,
        info: Info,
        role: Annotated[
            CountryRole | None,
            strawberry.argument(description="Only countries linked in this role; null: any."),
        ] = None,
    ) -> list[Annotated["Country", strawberry.lazy("schema.types.reference")]]:
        links = await info.context.loaders.countries_by_project.load(self.id)
        codes = list(dict.fromkeys(x.country_code for x in links if role in (None, x.role)))
        countries = await info.context.loaders.country.load_many(codes)
        return [country for country in countries if country is not None]

    @compiled_field(
        project_country_links,
        description="Country links with their roles and the sources naming them.",
    )
    async def country_links(
        self,
        info: Info,
        role: Annotated[
            CountryRole | None,
            strawberry.argument(description="Only links in this role; null: any."),
        ] = None,
    ) -> list["ProjectCountry"]:
        links = await info.context.loaders.countries_by_project.load(self.id)
        return [x for x in links if role in (None, x.role)]

    @compiled_field(
        linked(
            queries.region, queries.project_region, "project_id", "region_code", "code", by_name
        ),
        description="Recipient regions that are not countries.",
    )
    async def regions(
        self, info: Info
    ) -> list[Annotated["Region", strawberry.lazy("schema.types.reference")]]:
        return await info.context.loaders.regions_by_project.load(self.id)

    @compiled_field(
        linked(queries.theme, queries.project_theme, "project_id", "theme_slug", "slug", by_name),
        description="Themes the project works on, by name (IATI sectors, reporting vocabulary).",
    )
    async def themes(
        self, info: Info
    ) -> list[Annotated["Theme", strawberry.lazy("schema.types.reference")]]:
        return await info.context.loaders.themes_by_project.load(self.id)

    @compiled_field(
        children(queries.beneficiary_group, "project_id", by_code),
        description="The groups of people the project targets or reached, by code.",
    )
    async def beneficiary_groups(
        self, info: Info
    ) -> list[Annotated["BeneficiaryGroup", strawberry.lazy("schema.types.results")]]:
        return await info.context.loaders.groups_by_project.load(self.id)

    @compiled_field(
        children(queries.outcome, "project_id", by_code),
        description="Its results (IATI result and indicator), by code.",
    )
    async def outcomes(
        self, info: Info
    ) -> list[Annotated["Outcome", strawberry.lazy("schema.types.results")]]:
        return await info.context.loaders.outcomes_by_project.load(self.id)

    @strawberry.field(description="Agreements (MoUs, agreements, reviews) covering this project.")
    async def agreements(
        self, info: Info
    ) -> list[Annotated["Agreement", strawberry.lazy("schema.types.funding")]]:
        return await info.context.loaders.agreements_by_project.load(self.id)

    @compiled_field(sources("project_id"), description=SOURCES)
    async def sources(self, info: Info) -> list[Source]:
        return await info.context.loaders.sources["project_id"].load(self.id)

    async def _rows(self, info: Info, model: str) -> list[RowMapping]:
        return await info.context.loaders.activity_rows(model).load(self.id)

    @compiled_field(
        narrative_list("title_narratives"),
        description="The title in every language the IATI file gives; empty for a project no "
        "file describes (`title` then holds its only title).",
    )
    def title_narratives(self) -> list[Narrative]:
        return narratives(self.title_raw)

    @compiled_field(
        project_title_in,
        description="The title in `lang`, from the IATI file's narratives; null when it has "
        "none in that language. Without `lang`, the same as `title`.",
    )
    def title_in(self, lang: Lang = None) -> str | None:
        if lang is None:
            return self.title
        return text_in(self.title_raw, lang, self.language)

    @compiled_field(
        activity_rows(table_of(tables.ActivityTransaction), where=transaction_condition),
        description="The IATI transactions (commitments, disbursements, expenditure, incoming "
        "funds...), in file order; empty for a project no IATI file describes.",
        directives=at_most(TRANSACTIONS),
    )
    async def transactions(
        self,
        info: Info,
        filter: Annotated[
            TransactionFilter | None,
            strawberry.argument(description="Only the transactions meeting every condition."),
        ] = None,
    ) -> list[Transaction]:
        checked_transaction_filter(filter, "filter")
        found = [Transaction.from_row(row) for row in await self._rows(info, "ActivityTransaction")]
        return await with_code_names(info, [t for t in found if transaction_matches(t, filter)])

    @compiled_field(
        activity_rows(table_of(tables.ActivityBudget)),
        description="The IATI budgets, one per period and type as the file states them (an "
        "original and a revised budget of one year stay two), in file order. `budget` is "
        "their total: see there.",
        directives=at_most(BUDGETS),
    )
    async def budgets(self, info: Info) -> list[Budget]:
        rows = await self._rows(info, "ActivityBudget")
        return await with_code_names(info, [Budget.from_row(row) for row in rows])

    @compiled_field(
        activity_rows(table_of(tables.ActivityPlannedDisbursement)),
        description="The IATI planned disbursements, in file order.",
        directives=at_most(BUDGETS),
    )
    async def planned_disbursements(self, info: Info) -> list[PlannedDisbursement]:
        rows = await self._rows(info, "ActivityPlannedDisbursement")
        return await with_code_names(info, [PlannedDisbursement.from_row(row) for row in rows])

    @compiled_field(
        activity_rows(table_of(tables.ActivitySector), where=sector_condition),
        description="The IATI sectors with their vocabularies and percentages, in file order: "
        "a classification apart from `themes` (the built-in dataset's subjects).",
        directives=at_most(CLASSIFICATIONS),
    )
    async def sectors(
        self,
        info: Info,
        vocabulary: Annotated[
            str | None,
            strawberry.argument(
                description="Only sectors of this SectorVocabulary code (1 DAC 5-digit, 2 DAC "
                "3-digit, 8 SDG target...); a sector written without one is vocabulary 1."
            ),
        ] = None,
    ) -> list[Sector]:
        found = [Sector.from_row(row) for row in await self._rows(info, "ActivitySector")]
        return await with_code_names(
            info, [s for s in found if vocabulary is None or s.vocabulary.code == vocabulary]
        )

    @compiled_field(
        project_region_links,
        description="Links to recipient regions with their vocabulary and share: the IATI "
        "recipient-region elements, then the built-in dataset's regions (which `regions` "
        "lists).",
        directives=at_most(CLASSIFICATIONS),
    )
    async def region_links(self, info: Info) -> list[RegionLink]:
        rows = await self._rows(info, "ActivityRecipientRegion")
        regions = await info.context.loaders.regions_by_project.load(self.id)
        links = [RegionLink.from_row(row) for row in rows] + [
            RegionLink.of_dataset(region.code, self.id) for region in regions
        ]
        return await with_code_names(info, links)

    @compiled_field(
        activity_rows(table_of(tables.ActivityLocation)),
        description="The IATI locations, in file order.",
        directives=at_most(CLASSIFICATIONS),
    )
    async def locations(self, info: Info) -> list[Location]:
        rows = await self._rows(info, "ActivityLocation")
        return await with_code_names(info, [Location.from_row(row) for row in rows])

    @compiled_field(
        activity_rows(table_of(tables.ActivityPolicyMarker)),
        description="The IATI policy markers, with their significance, in file order.",
        directives=at_most(CLASSIFICATIONS),
    )
    async def policy_markers(self, info: Info) -> list[PolicyMarker]:
        rows = await self._rows(info, "ActivityPolicyMarker")
        return await with_code_names(info, [PolicyMarker.from_row(row) for row in rows])

    @compiled_field(
        activity_rows(table_of(tables.ActivityDocumentLink)),
        description="The IATI document links, in file order.",
        directives=at_most(CLASSIFICATIONS),
    )
    async def documents(self, info: Info) -> list[DocumentLink]:
        rows = await self._rows(info, "ActivityDocumentLink")
        return await with_code_names(info, [DocumentLink.from_row(row) for row in rows])

    @compiled_field(
        activity_rows(table_of(tables.ActivityRelatedActivity), where=related_condition),
        description="The IATI related activities of every type, in file order; each names "
        "its project once that is in the service (`previousPhase` and `programmes` are the "
        "dataset's own links).",
        directives=at_most(CLASSIFICATIONS),
    )
    async def related_projects(
        self,
        info: Info,
        type: Annotated[
            str | None,
            strawberry.argument(
                description="Only relations of this RelatedActivityType code (1 Parent, "
                "2 Child, 3 Sibling, 4 Co-funded, 5 Third party)."
            ),
        ] = None,
    ) -> list[RelatedActivity]:
        rows = await self._rows(info, "ActivityRelatedActivity")
        found = [RelatedActivity.from_row(row) for row in rows]
        return await with_code_names(
            info, [r for r in found if type is None or r.type.code == type]
        )

    @compiled_field(
        part(reporting_scope, lambda row: row.c.reporting_org_ref.is_not(None)),
        description="The organisation that published the project's IATI file, as the file "
        "names it; null for a project no IATI file describes.",
    )
    async def reporting_org(self, info: Info) -> ReportingOrganisation | None:
        [found] = await with_code_names(info, [self.reporting])
        return found

    @compiled_field(
        part(lambda row: row),
        description="The IATI activity's classifications: default flow, finance and aid "
        "types, tied status, collaboration type, scope, tags, humanitarian scopes.",
    )
    async def classifications(self, info: Info) -> Classifications:
        [found] = await with_code_names(info, [self.classified])
        return found

    @compiled_field(
        activity_rows(table_of(tables.ActivityResult)),
        description="The IATI results as the file nests them (result → indicators → baselines "
        "and periods → targets and actuals), in file order. `outcomes` is the service's "
        "summary of the same results: one per indicator, period and set of dimensions.",
        directives=at_most(RESULTS),
    )
    async def results(self, info: Info) -> list[Result]:
        rows = await self._rows(info, "ActivityResult")
        return await with_code_names(info, [Result.from_row(row) for row in rows])

    @compiled_field(
        children(table_of(tables.ActivityWarning), "project_id", by_id),
        description="What the IATI rulesets warn about in the activity as last imported "
        "(a negative budget, percentages not adding up to 100...): imported all the same.",
        directives=at_most(CLASSIFICATIONS),
    )
    async def warnings(self, info: Info) -> list[ActivityWarning]:
        loader = info.context.loaders.activity_warnings
        return [ActivityWarning.from_row(row) for row in await loader.load(self.id)]

    @compiled_field(
        activity_rows(table_of(tables.ActivityContactInfo)),
        description="The contact information the publisher put in its public IATI file for "
        "this activity (names, e-mails, telephones as written): public there, so public here.",
        directives=at_most(CLASSIFICATIONS),
    )
    async def publisher_contacts(self, info: Info) -> list[PublisherContact]:
        rows = await self._rows(info, "ActivityContactInfo")
        return await with_code_names(info, [PublisherContact.from_row(row) for row in rows])

    @compiled_field(
        activity_rows(table_of(tables.ActivityParticipatingOrg)),
        description="The IATI participating-org elements as the file writes them, in file "
        "order, each with the partner it was matched to; empty for a project no file "
        "describes. `partners` is the service's reading of them.",
        directives=at_most(CLASSIFICATIONS),
    )
    async def participating_orgs(self, info: Info) -> list[ParticipatingOrganisation]:
        rows = await self._rows(info, "ActivityParticipatingOrg")
        found = [ParticipatingOrganisation.from_row(row) for row in rows]
        return await with_code_names(info, found)

    @compiled_field(
        activity_rows(table_of(tables.ActivityDateElement)),
        description="The IATI activity-date elements as the file writes them, with their "
        "narratives, in file order; empty for a project no file describes.",
        directives=at_most(CLASSIFICATIONS),
    )
    async def activity_dates(self, info: Info) -> list[ActivityDate]:
        rows = await self._rows(info, "ActivityDateElement")
        return await with_code_names(info, [ActivityDate.from_row(row) for row in rows])


@strawberry.type(description="A partner's role in a project (IATI participating-org).")
class ProjectPartner:
    role: PartnerRole = compiled_field(
        column(), description="The role of this link; a partner in two roles has two links."
    )
    amount: Money | None = compiled_field(
        money("amount", "currency", "amount_qualifier"),
        description="For funders: the amount they give, where a source states it; null "
        "otherwise (the project's `budget` may still be known).",
    )
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

    @compiled_field(reference(queries.partner, "partner_id"), description="The partner linked.")
    async def partner(
        self, info: Info
    ) -> Annotated["Partner", strawberry.lazy("schema.types.partner")]:
        return await load_one(info.context.loaders.partner, self.partner_id)

    @compiled_field(
        reference(queries.project, "project_id"), description="The project it is linked to."
    )
    async def project(self, info: Info) -> Project:
        return await load_one(info.context.loaders.project, self.project_id)

    @compiled_field(sources("project_partner_id"), description=SOURCES)
    async def sources(self, info: Info) -> list[Source]:
        return await info.context.loaders.sources["project_partner_id"].load(self.row_id)


@strawberry.type(description="A country a project works in or with, cited: sources may disagree.")
class ProjectCountry:
    role: CountryRole = compiled_field(
        column(), description="RECIPIENT (receives the aid) or PARTICIPANT (takes part)."
    )
    percentage: Decimal | None = compiled_field(
        decimal_text("percentage"),
        description="Share of the project in this country, in percent (IATI recipient-country "
        "percentage); null when no source splits the project by country.",
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

    @compiled_field(
        reference(queries.country, "country_code", key="code"), description="The country linked."
    )
    async def country(
        self, info: Info
    ) -> Annotated["Country", strawberry.lazy("schema.types.reference")]:
        return await load_one(info.context.loaders.country, self.country_code)

    @compiled_field(
        sources("project_country_id"),
        description="The passages naming this country for the project: sources may disagree.",
    )
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
