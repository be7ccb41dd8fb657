"""Rules for Strawberry relay's own types and fields, which every connection shares: a page
of rows as ``keyset.fetch_page`` reads it (``connection``), its edges, cursors, ``pageInfo``
and ``totalCount``, a node's global id, and ``node(id:)``. The types of this repo declare
the rest of their rules with their fields; these are inherited (``INHERITED``), since
relay's classes are not ours to annotate.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import TSVECTOR, aggregate_order_by
from sqlalchemy.sql import FromClause
from sqlalchemy.sql.elements import ColumnElement
from strawberry import relay
from strawberry.types.base import StrawberryObjectDefinition

from db import keyset
from db.json_select import EMPTY_LIST, Json, as_text, global_id
from schema import pagination
from schema.compiled.builders import Values
from schema.compiled.compiler import CannotCompile, Compiler, Inherited, Request, Rule
from schema.pagination import check_page_size, decode_cursor


@dataclass(frozen=True)
class Page:
    """The scope of a connection: its rows (numbered ``_n``, one past the page), the page
    size, how to count the whole list, its ordering, and whether rows precede it."""

    rows: FromClause
    size: int
    total: Callable[[], ColumnElement[int]]
    ordering: keyset.Ordering
    earlier: ColumnElement[bool]


def page_size(compiler: Compiler, arguments: dict[str, Any]) -> int:
    """The resolver's page size; a size it refuses raises its error (and so goes to it), and
    paging backward is its own."""
    if arguments.get("last") is not None:
        raise CannotCompile("paging backward is the resolvers'")
    first = arguments.get("first")
    check_page_size(first, "first", compiler.reader.max_page_size)
    return compiler.reader.default_page_size if first is None else int(first)


@dataclass(frozen=True)
class Span:
    """Where a forward page starts and ends: after one cursor, before another (either may
    be left out), as ``Connection.resolve_connection`` reads ``after`` and ``before``."""

    after: keyset.CursorValues | None = None
    before: keyset.CursorValues | None = None

    @classmethod
    def of(cls, arguments: dict[str, Any], ordering: keyset.Ordering) -> "Span":
        """A cursor that is not valid, or of another ordering, raises the resolvers' error
        (and so goes to them)."""
        after, before = arguments.get("after"), arguments.get("before")
        return cls(
            None if after is None else decode_cursor(after, ordering, "after"),
            None if before is None else decode_cursor(before, ordering, "before"),
        )

    def bounds(self, ordering: keyset.Ordering) -> keyset.Condition:
        condition: keyset.Condition = sa.true()
        if self.after is not None:
            condition = condition & ordering.beyond(self.after, backward=False)
        if self.before is not None:
            condition = condition & ordering.beyond(self.before, backward=True)
        return condition


@dataclass(frozen=True)
class Row:
    """The scope of an edge: the page's row and the ordering its cursor belongs to."""

    rows: FromClause
    ordering: keyset.Ordering


def sort_values(row: Row) -> Json:
    """A row's sort values as the resolvers put them in a cursor: ``str()`` of each value
    (a date as ISO 8601 whatever the server's DateStyle)."""
    values = []
    for i in range(row.ordering.width):
        column = row.rows.c[f"_key{i}"]
        text = (
            sa.func.to_char(column, "YYYY-MM-DD")
            if isinstance(column.type, sa.Date)
            else as_text(column)
        )
        values.append(text)
    return sa.func.json_build_array(*values)


def connection(
    compiler: Compiler,
    request: Request,
    ordering: keyset.Ordering,
    where: keyset.Condition,
    size: int,
    span: Span,
    *,
    filtered: bool,
    correlate: FromClause | None = None,
) -> Json:
    """A page of ``ordering.table`` rows matching ``where`` within ``span``, as
    ``keyset.fetch_page`` reads it: one row past the page tells whether more follow; rows
    before ``after`` that match tell whether any precede.

    A ``filtered`` list asked for its page and its ``totalCount`` is read once: the page's
    rows carry the count of all the matching rows (a window over them). Its page is sorted
    from all the matches anyway (rarely does an index give a filter's rows in order), and
    counting them apart would find them a second time. An unfiltered list is counted apart,
    so its page can stop after its rows in an index's order."""
    order = ordering.order_by(False)
    selected = compiler.selected(request.returns.name, request.nodes)
    counted_with_page = (
        filtered
        and span == Span()
        and "totalCount" in selected
        and bool(selected & {"edges", "pageInfo"})
    )
    select = (
        ordering.select(*readable_columns(ordering.table))
        .where(where, span.bounds(ordering))
        .order_by(*order)
        # Written into the statement, not bound: planning a statement kept for reuse, the
        # server takes a bound limit for a tenth of the rows and may choose to walk a whole
        # index for a page it would rather sort.
        .limit(sa.literal_column(str(size + 1), sa.Integer))
    )
    if counted_with_page:
        select = select.add_columns(sa.func.count().over().label("_total"))
    page_rows = (select if correlate is None else select.correlate(correlate)).subquery()
    # Numbered once taken: numbering the matching rows before the limit would sort all of
    # them, where taking the first few of a sort keeps only those few.
    keys = [page_rows.c[f"_key{i}"] for i in range(ordering.width)]
    number = sa.func.row_number().over(order_by=ordering.order_by(False, keys))
    rows = sa.select(page_rows, number.label("_n")).subquery()

    def matching(*conditions: keyset.Condition) -> sa.Select[Any]:
        selected = sa.select(sa.func.count()).select_from(ordering.table).where(*conditions)
        return selected if correlate is None else selected.correlate(correlate)

    def total() -> ColumnElement[int]:
        if counted_with_page:
            # Each row holds the count; no row at all means none matched.
            return sa.func.coalesce(sa.func.max(rows.c["_total"]), 0)
        return matching(where).scalar_subquery()

    earlier: ColumnElement[bool] = sa.false()
    if span.after is not None:
        earlier = sa.exists(matching(where, ordering.beyond(span.after, backward=True)))
    page = Page(rows, size, total, ordering, earlier)
    built = compiler.object(request.returns.name, page, request.nodes, request.path)
    return sa.select(built).select_from(rows).having(sa.true()).scalar_subquery()


def readable_columns(table: sa.Table) -> list[sa.Column[Any]]:
    """A page's columns: all but search vectors, which no field shows and which would be
    carried through the page's sort and numbering for nothing."""
    return [column for column in table.c if not isinstance(column.type, TSVECTOR)]


def _on_page(page: Page, value: Json) -> Json:
    """``value`` of the page's rows, in order, leaving out the one fetched past the page."""
    aggregated = sa.func.json_agg(aggregate_order_by(value, page.rows.c["_n"]))
    return aggregated.filter(page.rows.c["_n"] <= page.size)


def edges(compiler: Compiler, page: Page, request: Request) -> Json:
    row = Row(page.rows, page.ordering)
    built = compiler.object(request.returns.name, row, request.nodes, request.path)
    return sa.func.coalesce(_on_page(page, built), EMPTY_LIST)


def page_info(compiler: Compiler, page: Page, request: Request) -> Json:
    cursors = _on_page(page, sort_values(Row(page.rows, page.ordering)))
    ends = Ends(
        {
            "hasNextPage": sa.func.count() > page.size,
            "hasPreviousPage": page.earlier,
            "startCursor": cursors.op("->")(0),
            "endCursor": cursors.op("->")(-1),
        },
        page.ordering,
    )
    return compiler.object(request.returns.name, ends, request.nodes, request.path)


@dataclass(frozen=True)
class Ends:
    """The scope of a ``PageInfo``: its values, and the ordering of its cursors."""

    values: Values
    ordering: keyset.Ordering


def end_flag(name: str) -> Rule:
    return lambda compiler, ends, request: ends.values[name]


def end_cursor(name: str) -> Rule:
    def rule(compiler: Compiler, ends: Ends, request: Request) -> Json:
        compiler.cursors.append((request.path, ends.ordering))
        return ends.values[name]

    return rule


def edge_cursor(compiler: Compiler, row: Row, request: Request) -> Json:
    compiler.cursors.append((request.path, row.ordering))
    return sort_values(row)


def node_of_edge(compiler: Compiler, row: Row, request: Request) -> Json:
    return compiler.object(request.returns.name, row.rows, request.nodes, request.path)


def total_count(compiler: Compiler, page: Page, request: Request) -> ColumnElement[int]:
    return page.total()


def root_listing(ordering: keyset.Ordering, condition: Callable[[Any], keyset.Condition]) -> Rule:
    def rule(compiler: Compiler, root: None, request: Request) -> Json:
        arguments = compiler.arguments(request)
        size = page_size(compiler, arguments)
        where = condition(arguments.get("filter"))
        span = Span.of(arguments, ordering)
        filtered = arguments.get("filter") is not None
        return connection(compiler, request, ordering, where, size, span, filtered=filtered)

    return rule


def node_id(compiler: Compiler, row: FromClause, request: Request) -> Json:
    """A node's global id: its type's name and the column its ``relay.NodeID`` names."""
    definition = compiler.schema.get_type_by_name(request.type_name)
    assert isinstance(definition, StrawberryObjectDefinition)
    return global_id(request.type_name, row.c[definition.origin.resolve_id_attr()])


@dataclass(frozen=True)
class NodeTable:
    """The table ``node(id:)`` reads a type's records from, declared by the type as
    ``compiled_node: ClassVar[NodeTable]``; a type without one is the resolvers'. (A
    wrapper: Strawberry tests the truth of class attributes, which a table refuses.)"""

    table: sa.Table


def node_by_id(compiler: Compiler, root: None, request: Request) -> Json:
    """``node(id:)`` for the types that declare their ``NodeTable``; a malformed or unknown
    id, or an id of another type, is the resolver's to answer (with its error)."""
    raw = compiler.arguments(request)["id"]
    try:
        parsed = relay.GlobalID.from_id(raw)
    except Exception as error:
        raise CannotCompile("not a global id") from error
    definition = compiler.schema.get_type_by_name(parsed.type_name)
    declared = (
        getattr(definition.origin, "compiled_node", None)
        if isinstance(definition, StrawberryObjectDefinition)
        else None
    )
    if not isinstance(declared, NodeTable) or not parsed.node_id.isdigit():
        raise CannotCompile("a node type the compiled path does not read")
    target = declared.table.alias()
    built = compiler.object(parsed.type_name, target, request.nodes, request.path)
    compiler.required.append(request.path)
    return sa.select(built).where(target.c.id == int(parsed.node_id)).scalar_subquery()


INHERITED: Inherited = {
    relay.Node: {"_id": node_id},
    relay.Connection: {"edges": edges, "page_info": page_info},
    pagination.Connection: {"total_count": total_count},
    relay.Edge: {"node": node_of_edge, "cursor": edge_cursor},
    relay.PageInfo: {
        "has_next_page": end_flag("hasNextPage"),
        "has_previous_page": end_flag("hasPreviousPage"),
        "start_cursor": end_cursor("startCursor"),
        "end_cursor": end_cursor("endCursor"),
    },
}
