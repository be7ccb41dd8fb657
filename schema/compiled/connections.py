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
from sqlalchemy.dialects.postgresql import TSVECTOR, aggregate_order_by, distinct_on
from sqlalchemy.sql import FromClause
from sqlalchemy.sql.elements import ColumnElement
from strawberry import relay
from strawberry.types.base import StrawberryObjectDefinition

from db import keyset
from db.bounds import record_id
from db.json_select import EMPTY_LIST, Json, as_text, global_id
from schema import pagination
from schema.compiled.builders import Values
from schema.compiled.compiler import CannotCompile, Compiler, Inherited, Request, Rule
from schema.pagination import check_page_size, decode_cursor


@dataclass(frozen=True)
class Span:
    """Where a page starts and ends: after one cursor, before another (either may be left
    out), as ``Connection.resolve_connection`` reads ``after`` and ``before``."""

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

    def bounds(
        self, ordering: keyset.Ordering, values: list[ColumnElement[Any]] | None = None
    ) -> keyset.Condition:
        condition: keyset.Condition = sa.true()
        if self.after is not None:
            condition = condition & ordering.beyond(self.after, backward=False, values=values)
        if self.before is not None:
            condition = condition & ordering.beyond(self.before, backward=True, values=values)
        return condition


@dataclass(frozen=True)
class Walk:
    """A page read through a link table whose index serves the ordering: ``joined``, the
    link joined to the ordering's table, the rows of the list on it (``where``), and the
    ordering's sort expressions on the link's own columns (``keys``). The page then walks
    the link's index and stops after its rows, where a sort would read every link first. A
    record linked twice (a partner in two roles) is taken once."""

    joined: FromClause
    where: keyset.Condition
    keys: list[ColumnElement[Any]]


@dataclass(frozen=True)
class Paging:
    """What a connection's ``first``, ``last``, ``after`` and ``before`` ask for, as
    ``Connection.resolve_connection`` reads them: ``size`` rows from the start or from
    ``after``; or, with ``last`` alone, ``size`` rows back from the end or from ``before``
    (``backward``); with both, the last ``last`` of the first ``first`` (``keep_last``)."""

    size: int
    span: Span = Span()
    backward: bool = False
    keep_last: int | None = None

    @classmethod
    def of(
        cls, compiler: Compiler, arguments: dict[str, Any], ordering: keyset.Ordering
    ) -> "Paging":
        """A size or a cursor the resolvers refuse raises their error (and so goes to them)."""
        first, last = arguments.get("first"), arguments.get("last")
        check_page_size(first, "first", compiler.reader.max_page_size)
        check_page_size(last, "last", compiler.reader.max_page_size)
        span = Span.of(arguments, ordering)
        if first is None:
            if last is None:
                return cls(compiler.reader.default_page_size, span)
            return cls(int(last), span, backward=True)
        return cls(int(first), span, keep_last=None if last is None else int(last))


@dataclass(frozen=True)
class Page:
    """The scope of a connection: its rows (numbered ``_n`` in the direction of travel, one
    past the page), which of them are on the page and in what order, how to count the whole
    list, its ordering, and whether rows lie before and after it."""

    rows: FromClause
    on_page: ColumnElement[bool]
    position: ColumnElement[Any]
    total: Callable[[], ColumnElement[int]]
    ordering: keyset.Ordering
    has_previous: ColumnElement[bool]
    has_next: ColumnElement[bool]


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
    paging: Paging,
    *,
    filtered: bool,
    correlate: FromClause | None = None,
    walk: Walk | None = None,
) -> Json:
    """A page of ``ordering.table`` rows matching ``where`` within ``paging``'s span, as
    ``keyset.fetch_page`` reads it: in the direction of travel, one row past the page tells
    whether more follow; rows beyond the cursor the page starts from, if any, that match
    tell whether any lie on that side.

    A ``filtered`` list asked for its page and its ``totalCount`` is read once: the page's
    rows carry the count of all the matching rows (a window over them). Its page is sorted
    from all the matches anyway (rarely does an index give a filter's rows in order), and
    counting them apart would find them a second time. An unfiltered list, or one read by a
    ``walk``, is counted apart, so its page can stop after its rows in an index's order."""
    span, size, backward = paging.span, paging.size, paging.backward
    order = ordering.order_by(backward)
    selected = compiler.selected(request.returns.name, request.nodes)
    counted_with_page = (
        filtered
        and walk is None
        and span == Span()
        and "totalCount" in selected
        and bool(selected & {"edges", "pageInfo"})
    )
    select = ordering.select(*readable_columns(ordering.table))
    if walk is None:
        select = select.where(where, span.bounds(ordering)).order_by(*order)
    else:
        select = (
            select.select_from(walk.joined)
            .where(walk.where, span.bounds(ordering, walk.keys))
            .order_by(*ordering.order_by(backward, walk.keys))
            .ext(distinct_on(*walk.keys))
        )
    select = select.limit(
        # Written into the statement, not bound: planning a statement kept for reuse, the
        # server takes a bound limit for a tenth of the rows and may choose to walk a whole
        # index for a page it would rather sort.
        sa.literal_column(str(size + 1), sa.Integer)
    )
    if counted_with_page:
        select = select.add_columns(sa.func.count().over().label("_total"))
    page_rows = (select if correlate is None else select.correlate(correlate)).subquery()
    # Numbered once taken: numbering the matching rows before the limit would sort all of
    # them, where taking the first few of a sort keeps only those few.
    keys = [page_rows.c[f"_key{i}"] for i in range(ordering.width)]
    number = sa.func.row_number().over(order_by=ordering.order_by(backward, keys))
    columns: list[Any] = [page_rows, number.label("_n")]
    if paging.keep_last is not None:
        columns.append(sa.func.count().over().label("_fetched"))
    rows = sa.select(*columns).subquery()
    n = rows.c["_n"]

    def matching(*conditions: keyset.Condition) -> sa.Select[Any]:
        selected = sa.select(sa.func.count()).select_from(ordering.table).where(*conditions)
        return selected if correlate is None else selected.correlate(correlate)

    def total() -> ColumnElement[int]:
        if counted_with_page:
            # Each row holds the count; no row at all means none matched.
            return sa.func.coalesce(sa.func.max(rows.c["_total"]), 0)
        return matching(where).scalar_subquery()

    def beyond(cursor: keyset.CursorValues | None, backward: bool) -> ColumnElement[bool]:
        """Whether any matching row lies past ``cursor``, outside the span."""
        if cursor is None:
            return sa.false()
        return sa.exists(matching(where, ordering.beyond(cursor, backward=backward)))

    on_page = n <= size
    more = sa.func.count() > size
    if backward:
        has_previous, has_next = more, beyond(span.before, backward=False)
        position = n.desc()
    else:
        has_previous, has_next = beyond(span.after, backward=True), more
        position = n.asc()
    if paging.keep_last is not None:
        # The last ``keep_last`` of the rows taken (at most ``size``): any left out precede.
        taken = sa.func.least(rows.c["_fetched"], size)
        on_page = on_page & (n > taken - paging.keep_last)
        has_previous = sa.or_(sa.func.least(sa.func.count(), size) > paging.keep_last, has_previous)
    page = Page(rows, on_page, position, total, ordering, has_previous, has_next)
    built = compiler.object(request.returns.name, page, request.nodes, request.path)
    return sa.select(built).select_from(rows).having(sa.true()).scalar_subquery()


def readable_columns(table: sa.Table) -> list[sa.Column[Any]]:
    """A page's columns: all but search vectors, which no field shows and which would be
    carried through the page's sort and numbering for nothing."""
    return [column for column in table.c if not isinstance(column.type, TSVECTOR)]


def _on_page(page: Page, value: Json) -> Json:
    """``value`` of the page's rows, in order, leaving out those fetched past the page."""
    aggregated = sa.func.json_agg(aggregate_order_by(value, page.position))
    return aggregated.filter(page.on_page)


def edges(compiler: Compiler, page: Page, request: Request) -> Json:
    row = Row(page.rows, page.ordering)
    built = compiler.object(request.returns.name, row, request.nodes, request.path)
    return sa.func.coalesce(_on_page(page, built), EMPTY_LIST)


def page_info(compiler: Compiler, page: Page, request: Request) -> Json:
    cursors = _on_page(page, sort_values(Row(page.rows, page.ordering)))
    ends = Ends(
        {
            "hasNextPage": page.has_next,
            "hasPreviousPage": page.has_previous,
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
        where = condition(arguments.get("filter"))
        paging = Paging.of(compiler, arguments, ordering)
        filtered = arguments.get("filter") is not None
        return connection(compiler, request, ordering, where, paging, filtered=filtered)

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
    number = record_id(parsed.node_id)
    if not isinstance(declared, NodeTable) or number is None:
        raise CannotCompile("a node type the compiled path does not read")
    target = declared.table.alias()
    built = compiler.object(parsed.type_name, target, request.nodes, request.path)
    compiler.required.append(request.path)
    return sa.select(built).where(target.c.id == number).scalar_subquery()


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
