"""The root query type."""

from collections.abc import Awaitable
from typing import Any, cast

import strawberry
from sqlmodel import SQLModel
from strawberry import relay

from db import queries, tables
from schema.errors import bad_user_input, not_found
from schema.info import Info
from schema.pagination import Connection, paginate
from schema.types.funding import Agreement, Contribution
from schema.types.partner import Partner, PartnerFact
from schema.types.programme import Programme
from schema.types.project import Project
from schema.types.reference import Country, Theme
from schema.types.results import BeneficiaryGroup, Outcome

NODE_TYPES: dict[str, type[relay.Node]] = {
    t.__name__: t
    for t in (
        Partner,
        PartnerFact,
        Programme,
        Project,
        BeneficiaryGroup,
        Outcome,
        Contribution,
        Agreement,
        Country,
        Theme,
    )
}
_INT_IDS = set(NODE_TYPES) - {"Country", "Theme"}


def root_connection(model: type[SQLModel], node: Any, description: str) -> Any:
    """A root connection field paging through ``model``'s table in its fixed order."""

    async def resolve(
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Any:
        ctx = info.context

        async def count() -> int:
            return await ctx.read(queries.count_rows, model)

        async def fetch(offset: int, limit: int) -> list[Any]:
            rows = await ctx.read(_page, model, offset, limit)
            return [node.from_row(row) for row in rows]

        return await paginate(
            count=count,
            fetch=fetch,
            first=first,
            after=after,
            last=last,
            before=before,
            default_size=ctx.settings.default_page_size,
            max_size=ctx.settings.max_page_size,
        )

    resolve.__annotations__["return"] = Connection[node]
    return strawberry.field(resolver=resolve, description=description)


async def _page(conn: Any, model: type[SQLModel], offset: int, limit: int) -> Any:
    return await queries.page_rows(conn, model, offset=offset, limit=limit)


@strawberry.type
class Query:
    @strawberry.field(description="Fetch any record by its global id.")
    async def node(self, info: Info, id: strawberry.ID) -> relay.Node:
        try:
            global_id = relay.GlobalID.from_id(id)
        except Exception as error:
            raise bad_user_input(f"{id!r} is not a valid global id.", argument="id") from error
        node_type = NODE_TYPES.get(global_id.type_name)
        if node_type is None or (
            global_id.type_name in _INT_IDS and not global_id.node_id.isdigit()
        ):
            raise bad_user_input(f"{id!r} is not a valid global id.", argument="id")
        resolving = node_type.resolve_nodes(info=info, node_ids=[global_id.node_id])
        [node] = await cast(Awaitable[list[relay.Node | None]], resolving)
        if node is None:
            raise not_found(f"No {global_id.type_name} has the id {id!r}.", id=str(id))
        return node

    partners: Connection[Partner] = root_connection(
        tables.Partner, Partner, "Partners (organisations), by name."
    )
    programmes: Connection[Programme] = root_connection(
        tables.Programme, Programme, "Programmes and their phases, by name."
    )
    projects: Connection[Project] = root_connection(tables.Project, Project, "Projects, by code.")
    beneficiary_groups: Connection[BeneficiaryGroup] = root_connection(
        tables.BeneficiaryGroup, BeneficiaryGroup, "Beneficiary groups of all projects."
    )
    outcomes: Connection[Outcome] = root_connection(
        tables.Outcome, Outcome, "Outcomes of all projects."
    )
    contributions: Connection[Contribution] = root_connection(
        tables.Contribution, Contribution, "Contributions, oldest period first."
    )
    agreements: Connection[Agreement] = root_connection(
        tables.Agreement, Agreement, "MoUs, agreements and reviews, oldest first."
    )

    @strawberry.field(description="All countries, by name.")
    async def countries(self, info: Info) -> list[Country]:
        rows = await info.context.read(queries.list_rows, tables.Country, "name")
        return [Country.from_row(row) for row in rows]

    @strawberry.field(description="All themes, by name.")
    async def themes(self, info: Info) -> list[Theme]:
        rows = await info.context.read(queries.list_rows, tables.Theme, "name")
        return [Theme.from_row(row) for row in rows]
