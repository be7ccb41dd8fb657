"""Per-request DataLoaders: every nested field is one batched query per level, not per row."""

from collections.abc import Awaitable, Callable, Hashable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import SQLModel
from strawberry.dataloader import DataLoader

from db import conditions, keyset, queries, tables
from db.codelists import CodeInfo, codes_by_key
from db.conversion import ConversionKey, FoundRate, find_rates
from db.criteria import ProjectCriteria
from db.enums import PartnerRole
from db.tables.citations import CITED_RECORDS
from schema.project_pages import project_conditions
from schema.types.budget import Budget
from schema.types.common import Source
from schema.types.funding import Agreement, Contribution
from schema.types.partner import Partner, PartnerFact
from schema.types.programme import Programme, ProgrammePartner
from schema.types.project import Project, ProjectCountry, ProjectPartner
from schema.types.reference import Country, Region, Theme
from schema.types.results import BeneficiaryGroup, Outcome
from schema.types.transaction import Transaction

if TYPE_CHECKING:
    from schema.context import Context


def _row(row: RowMapping) -> RowMapping:
    """Rows the resolvers convert themselves, with what their parent knows (its language)."""
    return row


K = TypeVar("K", bound=Hashable)
T = TypeVar("T")
GroupQuery = Callable[[AsyncConnection, Sequence[Any]], Awaitable[queries.Grouped]]
RelationQuery = Callable[
    [AsyncConnection, Sequence[Any], queries.Condition], Awaitable[queries.Grouped]
]
_PROJECTS_BY: dict[str, RelationQuery] = {
    "programme": queries.load_projects_by_programme,
    "country": queries.load_projects_by_country,
    "theme": queries.load_projects_by_theme,
}


class Loaders:
    def __init__(self, ctx: "Context") -> None:
        self._ctx = ctx
        self.partner = self._by_key(tables.Partner, Partner.from_row)
        self.programme = self._by_key(tables.Programme, Programme.from_row)
        self.project = self._by_key(tables.Project, Project.from_row)
        self.beneficiary_group = self._by_key(tables.BeneficiaryGroup, BeneficiaryGroup.from_row)
        self.outcome = self._by_key(tables.Outcome, Outcome.from_row)
        self.contribution = self._by_key(tables.Contribution, Contribution.from_row)
        self.agreement = self._by_key(tables.Agreement, Agreement.from_row)
        self.partner_fact = self._by_key(tables.PartnerFact, PartnerFact.from_row)
        self.country = self._by_key(tables.Country, Country.from_row, "code")
        self.theme = self._by_key(tables.Theme, Theme.from_row, "slug")

        self.partner_children = self._children(tables.Partner, "parent_id", Partner.from_row)
        self.facts_by_partner = self._children(
            tables.PartnerFact, "partner_id", PartnerFact.from_row
        )
        self.programme_phases = self._children(
            tables.Programme, "parent_id", Programme.from_row, order="start_date"
        )
        self.partners_by_programme = self._children(
            tables.ProgrammePartner, "programme_id", ProgrammePartner.from_row
        )
        self.next_phases = self._children(tables.Project, "previous_phase_id", Project.from_row)
        self.partners_by_project = self._children(
            tables.ProjectPartner, "project_id", ProjectPartner.from_row
        )
        self.groups_by_project = self._children(
            tables.BeneficiaryGroup, "project_id", BeneficiaryGroup.from_row, order="code"
        )
        self.outcomes_by_project = self._children(
            tables.Outcome, "project_id", Outcome.from_row, order="code"
        )

        self.projects_by_partner: DataLoader[int, list[tuple[PartnerRole, Project]]] = (
            self._grouped(
                queries.load_projects_by_partner,
                lambda row: (PartnerRole(row["_role"]), Project.from_row(row)),
            )
        )
        self.programmes_by_partner = self._grouped(
            queries.load_programmes_by_partner, Programme.from_row
        )
        self.contributions_by_partner = self._grouped(
            queries.load_contributions_by_partner, Contribution.from_row
        )
        self.projects_by_programme = self._grouped(
            queries.load_projects_by_programme, Project.from_row
        )
        self.programmes_by_project = self._grouped(
            queries.load_programmes_by_project, Programme.from_row
        )
        self.countries_by_project = self._grouped(
            queries.load_countries_by_project, ProjectCountry.from_row
        )
        self.regions_by_project = self._grouped(queries.load_regions_by_project, Region.from_row)
        self.themes_by_project = self._grouped(queries.load_themes_by_project, Theme.from_row)
        self.agreements_by_project = self._grouped(
            queries.load_agreements_by_project, Agreement.from_row
        )
        self.projects_by_country = self._grouped(queries.load_projects_by_country, Project.from_row)
        self.projects_by_theme = self._grouped(queries.load_projects_by_theme, Project.from_row)
        self.projects_by_agreement = self._grouped(
            queries.load_projects_by_agreement, Project.from_row
        )
        self.parties_by_agreement = self._grouped(
            queries.load_parties_by_agreement, Partner.from_row
        )
        self.countries_by_fact = self._grouped(queries.load_countries_by_fact, Country.from_row)
        self.region = self._by_key(tables.Region, Region.from_row, "code")
        self.transaction = self._activity_by_id(tables.ActivityTransaction, Transaction.from_row)
        self.budget = self._activity_by_id(tables.ActivityBudget, Budget.from_row)
        self.activity_warnings = self._children(tables.ActivityWarning, "project_id", _row)
        self.code: DataLoader[tuple[str, str], CodeInfo | None] = DataLoader(load_fn=self._codes)
        self._activity_rows: dict[tuple[str, str], DataLoader[Any, list[RowMapping]]] = {}
        self.rates: DataLoader[ConversionKey, FoundRate | None] = DataLoader(load_fn=self._rates)
        self._matching: dict[tuple[str, ProjectCriteria], DataLoader[Any, list[Any]]] = {}
        self._pages: dict[tuple[Any, ...], DataLoader[Any, Any]] = {}
        self.sources: dict[str, DataLoader[int, list[Source]]] = {
            column: self._grouped(self._citations_of(column), Source.from_row)
            for column in CITED_RECORDS
        }

    def activity_rows(
        self, model: str, column: str = "project_id"
    ) -> DataLoader[Any, list[RowMapping]]:
        """Rows of an IATI ``activity_*`` table (named by its class, ``ActivitySector``) by
        their parent, each with the activity's default language: one loader per table and
        parent column in a request, so every parent's rows come in one statement."""
        key = (model, column)
        if key not in self._activity_rows:
            table: type[SQLModel] = getattr(tables, model)

            async def query(conn: AsyncConnection, keys: Sequence[Any]) -> queries.Grouped:
                return await queries.load_activity_rows(conn, table, column, keys)

            self._activity_rows[key] = self._grouped(query, _row)
        return self._activity_rows[key]

    async def _codes(self, keys: list[tuple[str, str]]) -> list[CodeInfo | None]:
        found = await self._ctx.read(codes_by_key, keys)
        return [found.get(key) for key in keys]

    def _activity_by_id(
        self, model: type[SQLModel], convert: Callable[[RowMapping], T]
    ) -> DataLoader[Any, T | None]:
        async def batch(keys: list[Any]) -> list[T | None]:
            rows = await self._ctx.read(queries.load_activity_rows_by_id, model, keys)
            return [convert(rows[k]) if k in rows else None for k in keys]

        return DataLoader(load_fn=batch)

    async def _rates(self, keys: list[ConversionKey]) -> list[FoundRate | None]:
        found = await self._ctx.read(find_rates, keys)
        return [found.get(k) for k in keys]

    def projects_matching(
        self, relation: str, criteria: ProjectCriteria
    ) -> DataLoader[Any, list[Any]]:
        """A loader of a relation's projects narrowed by ``criteria``, one per distinct filter
        in a request, so every parent asking with the same filter shares one statement."""
        key = (relation, criteria)
        if key not in self._matching:
            self._matching[key] = self._filtered_projects(relation, criteria)
        return self._matching[key]

    def project_pages(
        self,
        relation: str,
        criteria: ProjectCriteria,
        role: PartnerRole | None,
        ordering: keyset.Ordering,
        cursor: keyset.CursorValues | None,
        limit: int,
    ) -> DataLoader[Any, keyset.Page | None]:
        """A loader of each parent's page of projects: one statement for all parents."""
        key = ("pages", relation, criteria, role, ordering.signature, cursor, limit)
        if key not in self._pages:
            where, link_where = project_conditions(relation, criteria, role)

            async def batch(parents: list[Any]) -> list[keyset.Page | None]:
                pages = await self._ctx.read(
                    keyset.fetch_pages_by_parent,
                    ordering,
                    where,
                    queries.project_links(relation, parents, link_where),
                    cursor=cursor,
                    limit=limit,
                )
                return [pages.get(parent) for parent in parents]

            self._pages[key] = DataLoader(load_fn=batch)
        return self._pages[key]

    def project_counts(
        self, relation: str, criteria: ProjectCriteria, role: PartnerRole | None
    ) -> DataLoader[Any, int]:
        key = ("counts", relation, criteria, role)
        if key not in self._pages:
            where, link_where = project_conditions(relation, criteria, role)

            async def batch(parents: list[Any]) -> list[int]:
                counts = await self._ctx.read(
                    keyset.count_by_parent,
                    queries.project,
                    where,
                    queries.project_links(relation, parents, link_where),
                )
                return [counts.get(parent, 0) for parent in parents]

            self._pages[key] = DataLoader(load_fn=batch)
        return self._pages[key]

    def _filtered_projects(
        self, relation: str, criteria: ProjectCriteria
    ) -> DataLoader[Any, list[Any]]:
        if relation == "partner":
            where, link_where = project_conditions(relation, criteria, None)

            async def by_partner(conn: AsyncConnection, keys: Sequence[Any]) -> queries.Grouped:
                return await queries.load_projects_by_partner(conn, keys, where, link_where)

            return self._grouped(
                by_partner, lambda row: (PartnerRole(row["_role"]), Project.from_row(row))
            )
        query = _PROJECTS_BY[relation]
        where = conditions.project_condition(criteria)

        async def by_relation(conn: AsyncConnection, keys: Sequence[Any]) -> queries.Grouped:
            return await query(conn, keys, where)

        return self._grouped(by_relation, Project.from_row)

    def _by_key(
        self, model: type[SQLModel], convert: Callable[[RowMapping], T], column: str = "id"
    ) -> DataLoader[Any, T | None]:
        async def batch(keys: list[Any]) -> list[T | None]:
            rows = await self._ctx.read(queries.load_by_key, model, keys, column)
            return [convert(rows[k]) if k in rows else None for k in keys]

        return DataLoader(load_fn=batch)

    def _grouped(
        self, query: GroupQuery, convert: Callable[[RowMapping], T]
    ) -> DataLoader[Any, list[T]]:
        async def batch(keys: list[Any]) -> list[list[T]]:
            groups = await self._ctx.read(query, keys)
            return [[convert(row) for row in groups.get(k, [])] for k in keys]

        return DataLoader(load_fn=batch)

    def _children(
        self,
        model: type[SQLModel],
        column: str,
        convert: Callable[[RowMapping], T],
        order: str = "id",
    ) -> DataLoader[Any, list[T]]:
        async def query(conn: AsyncConnection, keys: Sequence[Any]) -> queries.Grouped:
            return await queries.load_children(conn, model, column, keys, order)

        return self._grouped(query, convert)

    @staticmethod
    def _citations_of(column: str) -> GroupQuery:
        async def query(conn: AsyncConnection, keys: Sequence[Any]) -> queries.Grouped:
            return await queries.load_citations(conn, column, keys)

        return query
