"""Read queries the API is built on, each one statement, batched by key.

Functions take a list of keys and return rows grouped by key, so a caller (the GraphQL
DataLoaders) pays one round trip per relation, whatever the number of parents.
"""

from collections import defaultdict
from collections.abc import Hashable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import SQLModel

from db.columns import TEXT_COLLATION
from db.metadata import table_of
from db.tables import (
    ActivityBudget,
    ActivityPolicyMarker,
    ActivityRecipientRegion,
    ActivitySector,
    ActivityTransaction,
    Agreement,
    AgreementParty,
    AgreementProject,
    BeneficiaryGroup,
    Citation,
    Contribution,
    Country,
    Outcome,
    Partner,
    PartnerFact,
    PartnerFactCountry,
    Programme,
    ProgrammePartner,
    Project,
    ProjectCountry,
    ProjectPartner,
    ProjectProgramme,
    ProjectRegion,
    ProjectTheme,
    Region,
    SourceDocument,
    Theme,
)

Grouped = dict[Any, list[RowMapping]]
Condition = sa.ColumnElement[bool]
TRUE: Condition = sa.true()

partner = table_of(Partner)
programme = table_of(Programme)
project = table_of(Project)
country = table_of(Country)
theme = table_of(Theme)
region = table_of(Region)
beneficiary_group = table_of(BeneficiaryGroup)
outcome = table_of(Outcome)
contribution = table_of(Contribution)
agreement = table_of(Agreement)
partner_fact = table_of(PartnerFact)
programme_partner = table_of(ProgrammePartner)
project_programme = table_of(ProjectProgramme)
project_partner = table_of(ProjectPartner)
project_country = table_of(ProjectCountry)
project_region = table_of(ProjectRegion)
project_theme = table_of(ProjectTheme)
agreement_party = table_of(AgreementParty)
agreement_project = table_of(AgreementProject)
partner_fact_country = table_of(PartnerFactCountry)
activity_sector = table_of(ActivitySector)
activity_recipient_region = table_of(ActivityRecipientRegion)
activity_policy_marker = table_of(ActivityPolicyMarker)
activity_transaction = table_of(ActivityTransaction)
citation = table_of(Citation)
source_document = table_of(SourceDocument)
activity_budget = table_of(ActivityBudget)


async def load_by_key(
    conn: AsyncConnection, model: type[SQLModel], keys: Sequence[Hashable], column: str = "id"
) -> dict[Any, RowMapping]:
    table = table_of(model)
    rows = (await conn.execute(sa.select(table).where(table.c[column].in_(keys)))).mappings()
    return {row[column]: row for row in rows}


async def _grouped(
    conn: AsyncConnection, stmt: sa.Select[Any], key: str, *, unique: str | None = None
) -> Grouped:
    """Rows grouped by ``key``; with ``unique``, a row repeated under a key (a project in a
    country both as recipient and participant) is kept once."""
    grouped: Grouped = defaultdict(list)
    seen: set[tuple[Any, Any]] = set()
    for row in (await conn.execute(stmt)).mappings():
        if unique is not None:
            if (row[key], row[unique]) in seen:
                continue
            seen.add((row[key], row[unique]))
        grouped[row[key]].append(row)
    return grouped


async def load_children(
    conn: AsyncConnection,
    model: type[SQLModel],
    column: str,
    keys: Sequence[Hashable],
    order: str = "id",
) -> Grouped:
    """Rows of ``model`` whose ``column`` is one of ``keys``: a partner's sub-organisations,
    a project's beneficiary groups or outcomes, a programme's phases."""
    table = table_of(model)
    stmt = sa.select(table).where(table.c[column].in_(keys)).order_by(table.c[order])
    return await _grouped(conn, stmt, column)


async def load_projects_by_partner(
    conn: AsyncConnection,
    partner_ids: Sequence[int],
    where: Condition = TRUE,
    link_where: Condition = TRUE,
) -> Grouped:
    """Projects a partner takes part in, with the role (a row per role); ``where`` narrows the
    projects, ``link_where`` the partner's own links (its role, its amount)."""
    stmt = (
        sa.select(
            project,
            project_partner.c.partner_id.label("_key"),
            project_partner.c.role.label("_role"),
        )
        .join(project_partner, project_partner.c.project_id == project.c.id)
        .where(project_partner.c.partner_id.in_(partner_ids), where, link_where)
        .order_by(project.c.code.collate(TEXT_COLLATION))
    )
    return await _grouped(conn, stmt, "_key")


async def load_programmes_by_partner(conn: AsyncConnection, partner_ids: Sequence[int]) -> Grouped:
    stmt = (
        sa.select(programme, programme_partner.c.partner_id.label("_key"))
        .join(programme_partner, programme_partner.c.programme_id == programme.c.id)
        .where(programme_partner.c.partner_id.in_(partner_ids))
        .order_by(programme_partner.c.partner_id, programme.c.name.collate(TEXT_COLLATION))
    )
    return await _grouped(conn, stmt, "_key", unique="id")


async def load_contributions_by_partner(
    conn: AsyncConnection, partner_ids: Sequence[int]
) -> Grouped:
    """Contributions a partner gave or received."""
    keys = sa.values(sa.column("_key", sa.Integer), name="keys").data([(k,) for k in partner_ids])
    stmt = (
        sa.select(contribution, keys.c._key)
        .join(
            keys,
            sa.or_(
                contribution.c.donor_id == keys.c._key, contribution.c.recipient_id == keys.c._key
            ),
        )
        .order_by(contribution.c.period_start_year, contribution.c.code)
    )
    return await _grouped(conn, stmt, "_key")


async def load_projects_by_programme(
    conn: AsyncConnection, programme_ids: Sequence[int], where: Condition = TRUE
) -> Grouped:
    stmt = (
        sa.select(project, project_programme.c.programme_id.label("_key"))
        .join(project_programme, project_programme.c.project_id == project.c.id)
        .where(project_programme.c.programme_id.in_(programme_ids), where)
        .order_by(project.c.code.collate(TEXT_COLLATION))
    )
    return await _grouped(conn, stmt, "_key")


async def load_programmes_by_project(conn: AsyncConnection, project_ids: Sequence[int]) -> Grouped:
    stmt = (
        sa.select(programme, project_programme.c.project_id.label("_key"))
        .join(project_programme, project_programme.c.programme_id == programme.c.id)
        .where(project_programme.c.project_id.in_(project_ids))
        .order_by(programme.c.name.collate(TEXT_COLLATION))
    )
    return await _grouped(conn, stmt, "_key")


async def load_countries_by_project(conn: AsyncConnection, project_ids: Sequence[int]) -> Grouped:
    """A project's country links with the country's own columns."""
    stmt = (
        sa.select(
            project_country,
            country.c.name.label("country_name"),
        )
        .join(country, country.c.code == project_country.c.country_code)
        .where(project_country.c.project_id.in_(project_ids))
        .order_by(country.c.name.collate(TEXT_COLLATION), project_country.c.role)
    )
    return await _grouped(conn, stmt, "project_id")


async def load_regions_by_project(conn: AsyncConnection, project_ids: Sequence[int]) -> Grouped:
    stmt = (
        sa.select(region, project_region.c.project_id.label("_key"))
        .join(project_region, project_region.c.region_code == region.c.code)
        .where(project_region.c.project_id.in_(project_ids))
        .order_by(region.c.name.collate(TEXT_COLLATION))
    )
    return await _grouped(conn, stmt, "_key")


async def load_themes_by_project(conn: AsyncConnection, project_ids: Sequence[int]) -> Grouped:
    stmt = (
        sa.select(theme, project_theme.c.project_id.label("_key"))
        .join(project_theme, project_theme.c.theme_slug == theme.c.slug)
        .where(project_theme.c.project_id.in_(project_ids))
        .order_by(theme.c.name.collate(TEXT_COLLATION))
    )
    return await _grouped(conn, stmt, "_key")


async def load_projects_by_country(
    conn: AsyncConnection, codes: Sequence[str], where: Condition = TRUE
) -> Grouped:
    stmt = (
        sa.select(project, project_country.c.country_code.label("_key"))
        .join(project_country, project_country.c.project_id == project.c.id)
        .where(project_country.c.country_code.in_(codes), where)
        .order_by(project_country.c.country_code, project.c.code.collate(TEXT_COLLATION))
    )
    return await _grouped(conn, stmt, "_key", unique="id")


async def load_projects_by_theme(
    conn: AsyncConnection, slugs: Sequence[str], where: Condition = TRUE
) -> Grouped:
    stmt = (
        sa.select(project, project_theme.c.theme_slug.label("_key"))
        .join(project_theme, project_theme.c.project_id == project.c.id)
        .where(project_theme.c.theme_slug.in_(slugs), where)
        .order_by(project.c.code.collate(TEXT_COLLATION))
    )
    return await _grouped(conn, stmt, "_key")


async def load_agreements_by_project(conn: AsyncConnection, project_ids: Sequence[int]) -> Grouped:
    stmt = (
        sa.select(agreement, agreement_project.c.project_id.label("_key"))
        .join(agreement_project, agreement_project.c.agreement_id == agreement.c.id)
        .where(agreement_project.c.project_id.in_(project_ids))
        .order_by(agreement.c.code)
    )
    return await _grouped(conn, stmt, "_key")


async def load_projects_by_agreement(
    conn: AsyncConnection, agreement_ids: Sequence[int]
) -> Grouped:
    stmt = (
        sa.select(project, agreement_project.c.agreement_id.label("_key"))
        .join(agreement_project, agreement_project.c.project_id == project.c.id)
        .where(agreement_project.c.agreement_id.in_(agreement_ids))
        .order_by(project.c.code.collate(TEXT_COLLATION))
    )
    return await _grouped(conn, stmt, "_key")


async def load_parties_by_agreement(conn: AsyncConnection, agreement_ids: Sequence[int]) -> Grouped:
    stmt = (
        sa.select(partner, agreement_party.c.agreement_id.label("_key"))
        .join(agreement_party, agreement_party.c.partner_id == partner.c.id)
        .where(agreement_party.c.agreement_id.in_(agreement_ids))
        .order_by(partner.c.name.collate(TEXT_COLLATION))
    )
    return await _grouped(conn, stmt, "_key")


async def load_countries_by_fact(conn: AsyncConnection, fact_ids: Sequence[int]) -> Grouped:
    stmt = (
        sa.select(country, partner_fact_country.c.partner_fact_id.label("_key"))
        .join(partner_fact_country, partner_fact_country.c.country_code == country.c.code)
        .where(partner_fact_country.c.partner_fact_id.in_(fact_ids))
        .order_by(country.c.name.collate(TEXT_COLLATION))
    )
    return await _grouped(conn, stmt, "_key")


async def load_citations(conn: AsyncConnection, column: str, record_ids: Sequence[int]) -> Grouped:
    """Citations of records of one table, with their document's name and title."""
    stmt = (
        sa.select(
            citation.c[column].label("_key"),
            citation.c.excerpt,
            source_document.c.file_name,
            source_document.c.title,
            source_document.c.publisher,
            source_document.c.published_on,
            source_document.c.published_on_precision,
            source_document.c.published_on_derived,
            source_document.c.published_on_derivation,
        )
        .join(source_document, source_document.c.id == citation.c.document_id)
        .where(citation.c[column].in_(record_ids))
        .order_by(source_document.c.file_name, citation.c.id)
    )
    return await _grouped(conn, stmt, "_key")


async def list_rows(
    conn: AsyncConnection, model: type[SQLModel], order: str
) -> Sequence[RowMapping]:
    table = table_of(model)
    stmt = sa.select(table).order_by(table.c[order].collate(TEXT_COLLATION))
    return (await conn.execute(stmt)).mappings().all()


async def list_countries(conn: AsyncConnection, *, with_projects: bool) -> Sequence[RowMapping]:
    """Every country by name, or only those a project links to (as recipient or
    participant)."""
    stmt = sa.select(country).order_by(country.c.name.collate(TEXT_COLLATION))
    if with_projects:
        stmt = stmt.where(sa.exists().where(project_country.c.country_code == country.c.code))
    return (await conn.execute(stmt)).mappings().all()


def _project_link(
    relation: str, link_where: Condition
) -> tuple[sa.ColumnElement[Any], sa.ColumnElement[Any], Condition]:
    """The parent column, project column and condition linking partners, programmes,
    countries or themes (``relation``) to their projects."""
    return {
        "partner": (project_partner.c.partner_id, project_partner.c.project_id, link_where),
        "programme": (project_programme.c.programme_id, project_programme.c.project_id, TRUE),
        "country": (project_country.c.country_code, project_country.c.project_id, TRUE),
        "theme": (project_theme.c.theme_slug, project_theme.c.project_id, TRUE),
    }[relation]


def project_links(
    relation: str, parents: Sequence[Any], link_where: Condition = TRUE
) -> sa.Select[Any]:
    """Distinct ``(parent, id)`` pairs linking ``parents`` to their projects; ``link_where``
    narrows a partner's own links."""
    parent, project_id, extra = _project_link(relation, link_where)
    return (
        sa.select(parent.label("parent"), project_id.label("id"))
        .where(parent.in_(parents), extra)
        .distinct()
    )


PROJECT_LINKS: dict[str, tuple[sa.Table, str]] = {
    "partner": (project_partner, "partner_id"),
    "programme": (project_programme, "programme_id"),
    "country": (project_country, "country_code"),
    "theme": (project_theme, "theme_slug"),
}
"""The table linking partners, programmes, countries or themes to their projects, and the
column naming the parent."""


def projects_linked_to(
    relation: str, parent: sa.ColumnElement[Any], link_where: Condition = TRUE
) -> sa.Select[Any]:
    """Ids of the projects linked to one parent, given as an expression (a correlated
    column of an enclosing statement)."""
    parent_column, project_id, extra = _project_link(relation, link_where)
    return sa.select(project_id).where(parent_column == parent, extra)


async def existing_keys(
    conn: AsyncConnection, table: sa.Table, column: str, values: Sequence[Any]
) -> set[Any]:
    """Which of ``values`` exist in ``table.column``: one query for every reference checked."""
    if not values:
        return set()
    rows = await conn.execute(sa.select(table.c[column]).where(table.c[column].in_(values)))
    return {value for (value,) in rows.all()}


async def load_activity_rows(
    conn: AsyncConnection, model: type[SQLModel], column: str, keys: Sequence[Hashable]
) -> Grouped:
    """Rows of an IATI ``activity_*`` table whose ``column`` (``project_id``, ``result_id``...)
    is one of ``keys``, in file order, each with its activity's default language (``_lang``):
    the language a narrative without ``xml:lang`` is in."""
    table = table_of(model)
    stmt = (
        sa.select(table, project.c.lang.label("_lang"))
        .join(project, project.c.id == table.c.project_id)
        .where(table.c[column].in_(keys))
        .order_by(table.c[column], table.c.position, table.c.id)
    )
    return await _grouped(conn, stmt, column)


async def load_activity_rows_by_id(
    conn: AsyncConnection, model: type[SQLModel], keys: Sequence[Hashable]
) -> dict[Any, RowMapping]:
    """``load_activity_rows`` by the rows' own ids (``node(id:)`` of a transaction)."""
    table = table_of(model)
    stmt = (
        sa.select(table, project.c.lang.label("_lang"))
        .join(project, project.c.id == table.c.project_id)
        .where(table.c.id.in_(keys))
    )
    return {row["id"]: row for row in (await conn.execute(stmt)).mappings()}
