"""Nested project connections (a partner's, programme's, country's or theme's projects),
paged for every parent at once: one statement per level, whatever the number of parents;
on the compiled path, a subquery of the parent's statement (``projects_of``)."""

from dataclasses import replace
from typing import Any

from sqlalchemy.sql import ColumnElement, FromClause
from strawberry import relay

from db import conditions, queries
from db.criteria import PartnerLinkCriteria, ProjectCriteria
from db.enums import PartnerRole
from db.json_select import Json
from db.keyset import Ordering
from db.orderings import project_ordering, through_link
from schema.compiled.compiler import Compiler, Request, Rule, compiled_field
from schema.compiled.connections import Paging, Walk, connection
from schema.filters import (
    ProjectFilter,
    ProjectFilterArgument,
    ProjectOrder,
    ProjectOrderArgument,
    project_criteria,
    project_order,
)
from schema.info import Info
from schema.pagination import After, First, PageInfo, check_page_size, decode_cursor, encode_cursor
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
        filter: ProjectFilterArgument = None,
        order_by: ProjectOrderArgument = None,
        first: First = None,
        after: After = None,
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

    return compiled_field(
        projects_of(relation, key),
        resolver=resolve,
        description="The same projects as a connection: filtered, ordered and paged, for "
        f"every {relation} of a page in one statement.",
    )


def projects_of(relation: str, key: str) -> Rule:
    """The compiled ``projectsConnection`` of a partner, programme, country or theme, as
    ``project_page`` reads it."""

    def rule(compiler: Compiler, row: FromClause, request: Request) -> Json:
        arguments = compiler.arguments(request)
        criteria = project_criteria(arguments.get("filter"))
        ordering = project_ordering(project_order(arguments.get("order_by")))
        role = arguments.get("role")
        where, link_where = project_conditions(relation, criteria, role)
        linked_ids = queries.projects_linked_to(relation, row.c[key], link_where).correlate(row)
        return connection(
            compiler,
            request,
            ordering,
            where & queries.project.c.id.in_(linked_ids),
            Paging.of(compiler, arguments, ordering),
            filtered=True,  # to the partner's, programme's, country's or theme's projects
            correlate=row,
            walk=link_walk(relation, row.c[key], criteria, role, ordering),
        )

    return rule


def link_walk(
    relation: str,
    parent: ColumnElement[Any],
    criteria: ProjectCriteria,
    role: PartnerRole | None,
    ordering: Ordering,
) -> Walk | None:
    """The parent's projects read through its links, when the link carries the ordering's
    keys (by code, the default): a page of the top funder's then costs what a small
    partner's does. The link is a table of its own in the statement, so a filter's
    subqueries on links (``filter.partner``, countries) still speak of any link."""
    table, parent_column = queries.PROJECT_LINKS[relation]
    link = table.alias(f"{table.name}_walked")
    keys = through_link(ordering, link)
    if keys is None:
        return None
    where, link_where = project_conditions(relation, criteria, role, link)
    project = queries.project
    return Walk(
        link.join(project, project.c.id == link.c.project_id),
        where & (link.c[parent_column] == parent) & link_where,
        keys,
    )


def project_conditions(
    relation: str,
    criteria: ProjectCriteria,
    role: PartnerRole | None,
    link_table: FromClause = queries.project_partner,
) -> tuple[queries.Condition, queries.Condition]:
    """The condition on projects and, under a partner, on the partner's own link (a row of
    ``link_table``): there the filter's ``partner`` part and the ``role`` speak of that link,
    not of any partner."""
    if relation != "partner":
        return conditions.project_condition(criteria), queries.TRUE
    link = criteria.partner or PartnerLinkCriteria()
    if role is not None:
        link = replace(link, role=role)
    return (
        conditions.project_condition(replace(criteria, partner=None)),
        conditions.partner_link_condition(link_table, link),
    )
