"""Nested project connections (a partner's, programme's, country's or theme's projects),
paged for every parent at once: one statement per level, whatever the number of parents."""

from typing import Any

from strawberry import relay

from db.enums import PartnerRole
from db.orderings import project_ordering
from schema.filters import ProjectFilter, ProjectOrder, project_criteria, project_order
from schema.info import Info
from schema.pagination import check_page_size, decode_cursor, encode_cursor
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
        page_info=relay.PageInfo(
            has_previous_page=page is not None and page.earlier,
            has_next_page=page is not None and page.more,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        count_rows=count,
    )
