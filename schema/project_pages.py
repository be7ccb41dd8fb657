"""Nested project connections (a partner's, programme's, country's or theme's projects),
paged for every parent at once: one statement per level, whatever the number of parents."""

from typing import Any

import strawberry
from strawberry import relay

from db.enums import PartnerRole
from db.orderings import project_ordering
from schema.filters import ProjectFilter, ProjectOrder, project_criteria, project_order
from schema.info import Info
from schema.pagination import PageInfo, check_page_size, decode_cursor, encode_cursor
from schema.types.project import Project, ProjectConnection


async def project_page(
    info: Info,
    relation: str,
    parent: Any,
    *,
    filter: ProjectFilter | None,
    order_by: list[ProjectOrder] | None,
    first: int | None,
    after: str | None,
    role: PartnerRole | None = None,
) -> ProjectConnection:
    ctx = info.context
    check_page_size(first, "first", ctx.settings.max_page_size)
    size = ctx.settings.default_page_size if first is None else first
    criteria = project_criteria(filter)
    ordering = project_ordering(project_order(order_by))
    cursor = None if after is None else decode_cursor(after, ordering, "after")
    loaders = ctx.loaders
    page = await loaders.project_pages(relation, criteria, role, ordering, cursor, size).load(
        parent
    )
    rows = [] if page is None else page.rows
    edges = [
        relay.Edge(
            node=Project.from_row(row), cursor=encode_cursor(ordering, ordering.cursor_of(row))
        )
        for row in rows
    ]
    counts = loaders.project_counts(relation, criteria, role)

    async def count() -> int:
        return await counts.load(parent)

    return ProjectConnection(
        edges=edges,
        page_info=PageInfo(
            has_previous_page=page is not None and page.earlier,
            has_next_page=page is not None and page.more,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        count_rows=count,
    )


def projects_connection_field(relation: str, key: str) -> Any:
    """The ``projectsConnection`` field of a partner, programme, country or theme (``key``
    names the attribute its projects are linked by)."""

    async def resolve(
        root: Any,
        info: Info,
        filter: ProjectFilter | None = None,
        order_by: list[ProjectOrder] | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> ProjectConnection:
        return await project_page(
            info,
            relation,
            getattr(root, key),
            filter=filter,
            order_by=order_by,
            first=first,
            after=after,
        )

    return strawberry.field(
        resolver=resolve,
        description="The same projects as a connection: filtered, ordered and paged, for "
        f"every {relation} of a page in one statement.",
    )
