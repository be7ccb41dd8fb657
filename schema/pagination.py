"""Relay connections paged by keyset cursors, with a ``totalCount`` computed on demand.

A cursor carries the ordering it belongs to and the sort values and id of its row, so paging
stays correct under any ordering and a cursor of another ordering is refused, not
misread. ``totalCount`` is a resolver: it costs a ``COUNT`` only when a client selects it.
"""

import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Generic, Self, TypeVar

import strawberry
from sqlalchemy.engine import RowMapping
from strawberry import relay
from strawberry.relay.utils import from_base64, to_base64

from db import keyset
from schema.errors import bad_user_input
from schema.info import Info

NodeType = TypeVar("NodeType", bound=relay.Node)

_PREFIX = "keyset"

First = Annotated[
    int | None,
    strawberry.argument(
        description="Page size, counted from the start or from `after`: at most the server's "
        "COOPGRAPH_MAX_PAGE_SIZE (100 unless configured), else BAD_USER_INPUT. With neither "
        "`first` nor `last`, COOPGRAPH_DEFAULT_PAGE_SIZE (20)."
    ),
]
After = Annotated[
    str | None,
    strawberry.argument(
        description="An `endCursor` (or edge `cursor`) of this listing in the same order: the "
        "page starts after it. A cursor of another ordering is refused."
    ),
]
Last = Annotated[
    int | None,
    strawberry.argument(
        description="Page size counted back from the end or from `before` (paging backward); "
        "with `first`, the last `last` of the first `first`."
    ),
]
Before = Annotated[
    str | None,
    strawberry.argument(
        description="A `startCursor` (or edge `cursor`) of this listing in the same order: "
        "the page ends before it."
    ),
]


@dataclass(frozen=True)
class Listing(Generic[NodeType]):
    """What a connection pages through: the rows matching a condition, in an ordering."""

    ordering: keyset.Ordering
    where: keyset.Condition
    convert: Callable[[RowMapping], NodeType]


def encode_cursor(ordering: keyset.Ordering, values: keyset.CursorValues) -> str:
    return to_base64(_PREFIX, json.dumps([ordering.signature, list(values)]))


def decode_cursor(cursor: str, ordering: keyset.Ordering, argument: str) -> keyset.CursorValues:
    invalid = bad_user_input(f"`{argument}` is not a valid cursor.", argument=argument)
    try:
        prefix, payload = from_base64(cursor)
        signature, values = json.loads(payload)
    except Exception as error:
        raise invalid from error
    if prefix != _PREFIX or not isinstance(signature, str) or not isinstance(values, list):
        raise invalid
    if signature != ordering.signature:
        raise bad_user_input(
            f"`{argument}` is a cursor of another ordering ({signature}), not of "
            f"{ordering.signature}.",
            argument=argument,
        )
    if len(values) != ordering.width or not all(v is None or isinstance(v, str) for v in values):
        raise invalid
    return tuple(values)


def check_page_size(value: int | None, argument: str, maximum: int) -> None:
    if value is None:
        return
    if value < 0:
        raise bad_user_input(f"`{argument}` must not be negative.", argument=argument)
    if value > maximum:
        raise bad_user_input(
            f"`{argument}` must be at most {maximum}.", argument=argument, maximum=maximum
        )


@strawberry.federation.type(
    shareable=True, description="Information to aid in pagination (Relay's `PageInfo`)."
)
class PageInfo(relay.PageInfo):
    """Shareable: every Relay-style subgraph defines the same ``PageInfo``, and a gateway
    composes them only when each says it may be shared."""


@strawberry.type(description="A page of a list, with the total number of items.")
class Connection(relay.Connection[NodeType], Generic[NodeType]):
    page_info: PageInfo = strawberry.field(description="Pagination data for this connection")
    count_rows: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field(description="Items in the whole (filtered) list, not the page.")
    async def total_count(self) -> int:
        return await self.count_rows()

    @classmethod
    async def resolve_connection(  # type: ignore[override]
        cls,
        nodes: Listing[NodeType],
        *,
        info: Info,
        before: str | None = None,
        after: str | None = None,
        first: int | None = None,
        last: int | None = None,
        max_results: int | None = None,
        **kwargs: Any,
    ) -> Self:
        """Page through ``nodes`` by keyset: forward from ``after``, or backward from ``before``
        when only ``last`` is given. ``first`` with ``last`` takes the last of the first."""
        ctx = info.context
        maximum = max_results or ctx.settings.max_page_size
        check_page_size(first, "first", maximum)
        check_page_size(last, "last", maximum)
        ordering, where = nodes.ordering, nodes.where
        after_values = decode_cursor(after, ordering, "after") if after is not None else None
        before_values = decode_cursor(before, ordering, "before") if before is not None else None
        if first is None and last is None:
            first = ctx.settings.default_page_size
        backward = first is None
        size = last if backward else first
        assert size is not None
        # The cursor the page starts from is a keyset; the one at its far end is a bound.
        cursor = before_values if backward else after_values
        far_end = after_values if backward else before_values
        if far_end is not None:
            where = where & ordering.beyond(far_end, backward=not backward)
        page = await ctx.read(
            keyset.fetch_page, ordering, where, cursor=cursor, limit=size, backward=backward
        )
        rows: Sequence[RowMapping] = page.rows
        more_before = page.more if backward else False
        more_after = False if backward else page.more
        if not backward and last is not None and len(rows) > last:
            rows, more_before = rows[len(rows) - last :], True
        if not backward and after_values is not None and not more_before:
            more_before = await ctx.read(
                keyset.exists_beyond, ordering, nodes.where, after_values, True
            )
        if backward and before_values is not None and not more_after:
            more_after = await ctx.read(
                keyset.exists_beyond, ordering, nodes.where, before_values, False
            )

        edges = [
            relay.Edge(
                node=nodes.convert(row), cursor=encode_cursor(ordering, ordering.cursor_of(row))
            )
            for row in rows
        ]

        async def count() -> int:
            return await ctx.read(keyset.count_matching, ordering.table, nodes.where)

        return cls(
            edges=edges,
            page_info=PageInfo(
                has_previous_page=more_before,
                has_next_page=more_after,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
            count_rows=count,
        )
