"""The root query type."""

from collections.abc import Callable
from dataclasses import replace
from typing import Annotated, Any, cast

import strawberry
from graphql import GraphQLError
from strawberry import relay
from strawberry.federation.schema_directives import Shareable

from db import conditions, keyset, orderings, queries, tables
from db.json_select import Json
from schema import filters
from schema.changes import Change, changes
from schema.compiled.compiler import Compiler, Request, compiled_field
from schema.compiled.connections import Paging, connection, node_by_id, root_listing
from schema.info import Info
from schema.nodes import MAX_IDS, load_nodes
from schema.pagination import After, Before, Connection, First, Last, Listing
from schema.permissions import CanRead
from schema.search import SearchHit, search_field
from schema.stats import (
    ContributionStats,
    ProjectStats,
    project_stats_field,
    resolve_contribution_stats,
)
from schema.types.common import COUNTRIES, THEMES, at_most
from schema.types.finance_stats import FinanceStats, finance_stats_field
from schema.types.funding import Agreement, Contribution
from schema.types.partner import Partner
from schema.types.programme import Programme
from schema.types.project import Project, ProjectConnection
from schema.types.reference import Country, Theme
from schema.types.results import BeneficiaryGroup, Outcome


def root_connection(
    ordering: keyset.Ordering,
    node: Any,
    filter_type: Any,
    condition: Callable[[Any], keyset.Condition],
    description: str,
    *,
    compiled: bool = False,
) -> Any:
    """A root connection field: ``node`` rows matching ``filter``, in ``ordering``; read on
    the compiled path too when ``compiled``."""

    async def resolve(
        info: Info,
        filter: Any = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Any:
        listing = Listing(ordering, condition(filter), node.from_row)
        return await Connection.resolve_connection(
            listing, info=info, first=first, after=after, last=last, before=before
        )

    resolve.__annotations__["filter"] = Annotated[
        filter_type | None,
        strawberry.argument(description="Only the records meeting every condition given."),
    ]
    resolve.__annotations__["return"] = Connection[node]
    options: dict[str, Any] = {
        "resolver": resolve,
        "description": description,
        "permission_classes": [CanRead],
    }
    if compiled:
        return compiled_field(root_listing(ordering, condition), **options)
    return strawberry.field(**options)


def root_projects(compiler: Compiler, root: None, request: Request) -> Json:
    """``projects`` on the compiled path: the resolver's filter, ordering and page."""
    arguments = compiler.arguments(request)
    criteria = filters.project_criteria(arguments.get("filter"))
    ordering = orderings.project_ordering(filters.project_order(arguments.get("order_by")))
    where = conditions.project_condition(criteria)
    paging = Paging.of(compiler, arguments, ordering)
    filtered = arguments.get("filter") is not None
    return connection(compiler, request, ordering, where, paging, filtered=filtered)


@strawberry.type(
    description="Reading the graph: records by global id, listings paged as Relay "
    "connections, full-text search, aggregates and the audit trail of changes."
)
class Query:
    @compiled_field(
        node_by_id,
        directives=[Shareable()],
        description="Any record by its global id; `null` (with a `NOT_FOUND` error at this "
        "path) for one that does not exist, or no longer does.",
        permission_classes=[CanRead],
    )
    async def node(
        self,
        info: Info,
        id: Annotated[
            strawberry.ID,
            strawberry.argument(
                description="A global id as any record's `id` answers it (opaque: base64 of "
                "type and key); a malformed one is BAD_USER_INPUT."
            ),
        ],
    ) -> relay.Node | None:
        [node] = await load_nodes(info, [id], "id")
        if isinstance(node, GraphQLError):
            raise node
        return node

    @strawberry.federation.field(
        shareable=True,
        description="Records by their global ids, in the order asked; `null` (with an error "
        "at that index) for each that does not exist. One query per type named; at most "
        f"{MAX_IDS} ids.",
        permission_classes=[CanRead],
        directives=at_most(MAX_IDS),
    )
    async def nodes(
        self,
        info: Info,
        ids: Annotated[
            list[strawberry.ID],
            strawberry.argument(
                description="Global ids of any types, as records' `id` answer them; a "
                "malformed one is BAD_USER_INPUT at its index."
            ),
        ],
    ) -> list[relay.Node | None]:
        return cast(list[relay.Node | None], await load_nodes(info, ids, "ids"))

    partners: Connection[Partner] = root_connection(
        orderings.PARTNERS,
        Partner,
        filters.PartnerFilter,
        lambda f: conditions.partner_condition(filters.partner_criteria(f)),
        "Partners (organisations), by name.",
        compiled=True,
    )
    programmes: Connection[Programme] = root_connection(
        orderings.PROGRAMMES,
        Programme,
        filters.ProgrammeFilter,
        lambda f: conditions.programme_condition(filters.programme_criteria(f)),
        "Programmes and their phases, by name.",
        compiled=True,
    )
    beneficiary_groups: Connection[BeneficiaryGroup] = root_connection(
        orderings.BENEFICIARY_GROUPS,
        BeneficiaryGroup,
        filters.BeneficiaryGroupFilter,
        lambda f: conditions.beneficiary_group_condition(filters.beneficiary_group_criteria(f)),
        "Beneficiary groups of all projects, by code.",
    )
    outcomes: Connection[Outcome] = root_connection(
        orderings.OUTCOMES,
        Outcome,
        filters.OutcomeFilter,
        lambda f: conditions.outcome_condition(filters.outcome_criteria(f)),
        "Outcomes of all projects, by code.",
    )
    contributions: Connection[Contribution] = root_connection(
        orderings.CONTRIBUTIONS,
        Contribution,
        filters.ContributionFilter,
        lambda f: conditions.contribution_condition(filters.contribution_criteria(f)),
        "Contributions, oldest period first.",
    )
    agreements: Connection[Agreement] = root_connection(
        orderings.AGREEMENTS,
        Agreement,
        filters.AgreementFilter,
        lambda f: conditions.agreement_condition(filters.agreement_criteria(f)),
        "MoUs, agreements and reviews, oldest first.",
    )

    @compiled_field(
        root_projects,
        description="Projects matching `filter`, in `orderBy` order (by code).",
        permission_classes=[CanRead],
    )
    async def projects(
        self,
        info: Info,
        filter: filters.ProjectFilterArgument = None,
        order_by: filters.ProjectOrderArgument = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> ProjectConnection:
        criteria = filters.project_criteria(filter)
        ordering = orderings.project_ordering(filters.project_order(order_by))
        listing = Listing(ordering, conditions.project_condition(criteria), Project.from_row)
        connection = await ProjectConnection.resolve_connection(
            listing, info=info, first=first, after=after, last=last, before=before
        )
        if criteria.active_on is not None:
            undated = conditions.project_condition(
                replace(criteria, active_on=None)
            ) & conditions.undecided_on(criteria.active_on)

            async def count_undated() -> int:
                return await info.context.read(keyset.count_matching, queries.project, undated)

            connection.count_undated = count_undated
        return connection

    search: list[SearchHit] = search_field

    project_stats: ProjectStats = project_stats_field
    contribution_stats: ContributionStats = strawberry.field(
        resolver=resolve_contribution_stats,
        permission_classes=[CanRead],
        description="Contributions summed per currency, in total and per `groupBy` bucket.",
    )

    finance_stats: FinanceStats = finance_stats_field

    changes: Connection[Change] = changes

    @strawberry.field(
        description="Every country of the IATI Country codelist, by name (withdrawn codes "
        "such as AN included, since old files use them): the codes a project, a filter or an "
        "IATI file may name. `withProjects: true` keeps those a project works in or with.",
        permission_classes=[CanRead],
        directives=at_most(COUNTRIES),
    )
    async def countries(
        self,
        info: Info,
        with_projects: Annotated[
            bool,
            strawberry.argument(
                description="Only the countries at least one project links to (as recipient "
                "or participant)."
            ),
        ] = False,
    ) -> list[Country]:
        rows = await info.context.read(queries.list_countries, with_projects=with_projects)
        return [Country.from_row(row) for row in rows]

    @strawberry.field(
        description="All themes, by name.", permission_classes=[CanRead], directives=at_most(THEMES)
    )
    async def themes(self, info: Info) -> list[Theme]:
        rows = await info.context.read(queries.list_rows, tables.Theme, "name")
        return [Theme.from_row(row) for row in rows]
