"""Cursor pagination for root connections (Relay), with ``totalCount``.

Cursors are opaque offsets into the connection's fixed order, as in Relay's array
connections. ``first``/``after`` and ``last``/``before`` follow the Relay algorithm; when
neither ``first`` nor ``last`` is given, a default page size applies.
"""

from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

import strawberry
from strawberry import relay
from strawberry.relay.utils import from_base64, to_base64

from schema.errors import bad_user_input

NodeType = TypeVar("NodeType", bound=relay.Node)

_PREFIX = "arrayconnection"


@strawberry.type(description="A page of a list, with the total number of items.")
class Connection(relay.Connection[NodeType], Generic[NodeType]):
    total_count: int = strawberry.field(description="Items in the whole list, not the page.")


def _offset(cursor: str, argument: str) -> int:
    try:
        prefix, value = from_base64(cursor)
        offset = int(value)
    except Exception as error:
        raise bad_user_input(f"`{argument}` is not a valid cursor.", argument=argument) from error
    if prefix != _PREFIX or offset < 0:
        raise bad_user_input(f"`{argument}` is not a valid cursor.", argument=argument)
    return offset


def _check_size(value: int | None, argument: str, maximum: int) -> None:
    if value is None:
        return
    if value < 0:
        raise bad_user_input(f"`{argument}` must not be negative.", argument=argument)
    if value > maximum:
        raise bad_user_input(
            f"`{argument}` must be at most {maximum}.", argument=argument, maximum=maximum
        )


async def paginate(
    *,
    count: Callable[[], Awaitable[int]],
    fetch: Callable[[int, int], Awaitable[Sequence[NodeType]]],
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
    default_size: int,
    max_size: int,
) -> Connection[NodeType]:
    _check_size(first, "first", max_size)
    _check_size(last, "last", max_size)
    after_offset = _offset(after, "after") if after is not None else None
    before_offset = _offset(before, "before") if before is not None else None
    if first is None and last is None:
        first = default_size

    total = await count()
    start = after_offset + 1 if after_offset is not None else 0
    end = min(before_offset, total) if before_offset is not None else total
    if first is not None:
        end = min(end, start + first)
    if last is not None:
        start = max(start, end - last)
    start = min(start, total)
    end = max(end, start)

    nodes = await fetch(start, end - start) if end > start else []
    edges = [
        relay.Edge(node=node, cursor=to_base64(_PREFIX, start + i)) for i, node in enumerate(nodes)
    ]
    return Connection(
        edges=edges,
        page_info=relay.PageInfo(
            has_previous_page=start > 0,
            has_next_page=end < total,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        total_count=total,
    )
