"""Keyset pagination: a page starts after the sort values of the last row seen.

Unlike offsets, a keyset never skips or repeats a row when rows are added between two pages,
and a deep page costs what the first page costs when an index serves the ordering. Nulls
sort last in either direction. The id breaks ties, unless the ordering ends on a unique,
non-null key (then an index on that key alone serves the whole ordering).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.elements import ColumnElement

Condition = ColumnElement[bool]
CursorValues = tuple[str | None, ...]
"""The sort values of a row as text (so they travel in a cursor), the id last."""


@dataclass(frozen=True)
class OrderKey:
    name: str
    expression: ColumnElement[Any]
    descending: bool = False
    unique: bool = False
    nullable: bool = True


@dataclass(frozen=True)
class Ordering:
    table: sa.Table
    keys: tuple[OrderKey, ...]

    @property
    def signature(self) -> str:
        """Names the ordering, so a cursor of another ordering is recognised and refused."""
        keys = ",".join(f"{k.name}:{'desc' if k.descending else 'asc'}" for k in self.keys)
        return f"{self.table.name}({keys})"

    @property
    def _tiebreak(self) -> bool:
        return not self.keys[-1].unique

    @property
    def width(self) -> int:
        return len(self.keys) + (1 if self._tiebreak else 0)

    def _expressions(self) -> list[tuple[ColumnElement[Any], bool, bool]]:
        pairs = [(k.expression, k.descending, k.nullable) for k in self.keys]
        if self._tiebreak:
            # The id runs the way the last key does, so an index on (key, id) serves the
            # ordering in either direction.
            pairs.append((self.table.c.id, self.keys[-1].descending, False))
        return pairs

    def order_by(
        self, backward: bool, values: Sequence[ColumnElement[Any]] | None = None
    ) -> list[ColumnElement[Any]]:
        """``values``: sort values already selected (the ``_key`` columns of ``select``) to
        order by in place of the table's expressions, once rows have left the table."""
        expressions = self._expressions()
        over = [e for e, _, _ in expressions] if values is None else values
        clauses: list[ColumnElement[Any]] = []
        for expression, (_, descending, _) in zip(over, expressions, strict=True):
            if descending != backward:
                clauses.append(
                    expression.desc().nulls_first() if backward else expression.desc().nulls_last()
                )
            else:
                clauses.append(
                    expression.asc().nulls_first() if backward else expression.asc().nulls_last()
                )
        return clauses

    def beyond(
        self,
        cursor: CursorValues,
        backward: bool,
        values: Sequence[ColumnElement[Any]] | None = None,
    ) -> Condition:
        """Rows after ``cursor`` in this ordering (before it, when ``backward``); compared on
        ``values`` in place of the table's expressions, as ``order_by`` takes them."""
        pairs = self._expressions()
        if values is not None:
            pairs = [(v, d, n) for v, (_, d, n) in zip(values, pairs, strict=True)]
        condition: Condition = sa.false()
        for (expression, descending, nullable), value in reversed(
            list(zip(pairs, cursor, strict=True))
        ):
            if value is None:
                strictly: Condition = expression.is_not(None) if backward else sa.false()
                equal: Condition = expression.is_(None)
            else:
                typed = sa.cast(sa.literal(value), expression.type)
                later = expression < typed if descending else expression > typed
                earlier = expression > typed if descending else expression < typed
                if backward or not nullable:
                    strictly = earlier if backward else later
                else:
                    strictly = sa.or_(later, expression.is_(None))
                equal = expression == typed
            condition = sa.or_(strictly, sa.and_(equal, condition))
        return condition

    def cursor_of(self, row: RowMapping) -> CursorValues:
        return tuple(
            None if row[f"_key{i}"] is None else str(row[f"_key{i}"]) for i in range(self.width)
        )

    def select(self, *columns: Any) -> sa.Select[Any]:
        keys = [
            expression.label(f"_key{i}") for i, (expression, _, _) in enumerate(self._expressions())
        ]
        return sa.select(*(columns or (self.table,)), *keys)


@dataclass(frozen=True)
class Page:
    rows: Sequence[RowMapping]
    more: bool
    """Whether rows remain past the page in the direction of travel."""
    earlier: bool = False
    """For pages fetched per parent: whether rows lie before the page's cursor."""


async def fetch_page(
    conn: AsyncConnection,
    ordering: Ordering,
    where: Condition,
    *,
    cursor: CursorValues | None,
    limit: int,
    backward: bool = False,
) -> Page:
    """``limit`` rows after ``cursor`` (or before it, ``backward``), in the ordering's order."""
    stmt = ordering.select().where(where)
    if cursor is not None:
        stmt = stmt.where(ordering.beyond(cursor, backward))
    stmt = stmt.order_by(*ordering.order_by(backward)).limit(limit + 1)
    rows = (await conn.execute(stmt)).mappings().all()
    page = list(rows[:limit])
    if backward:
        page.reverse()
    return Page(rows=page, more=len(rows) > limit)


async def exists_beyond(
    conn: AsyncConnection,
    ordering: Ordering,
    where: Condition,
    cursor: CursorValues,
    backward: bool,
) -> bool:
    """Whether any matching row lies past ``cursor``: the exact ``hasPreviousPage`` (or
    ``hasNextPage``) of a page that starts (or ends) at a cursor."""
    stmt = sa.select(sa.exists().where(where, ordering.beyond(cursor, backward)))
    return bool((await conn.execute(stmt)).scalar_one())


async def count_matching(conn: AsyncConnection, table: sa.Table, where: Condition) -> int:
    stmt = sa.select(sa.func.count()).select_from(table).where(where)
    return int((await conn.execute(stmt)).scalar_one())


async def fetch_pages_by_parent(
    conn: AsyncConnection,
    ordering: Ordering,
    where: Condition,
    links: sa.Select[Any],
    *,
    cursor: CursorValues | None,
    limit: int,
) -> dict[Any, Page]:
    """The first ``limit`` rows after ``cursor`` for every parent at once, in one statement.

    ``links`` selects ``(parent, row id)`` pairs. A window numbers each parent's rows past
    the cursor, so every parent gets its own page; a second window tells whether the
    parent has rows before the cursor, which makes ``hasPreviousPage`` exact.
    """
    pairs = links.subquery("pairs")
    table = ordering.table
    past = sa.true() if cursor is None else ordering.beyond(cursor, backward=False)
    numbered = (
        ordering.select(table, pairs.c.parent.label("_parent"))
        .add_columns(
            sa.func.row_number()
            .over(partition_by=[pairs.c.parent, past], order_by=ordering.order_by(False))
            .label("_number"),
            past.label("_past"),
            sa.func.bool_or(sa.not_(past)).over(partition_by=pairs.c.parent).label("_earlier"),
        )
        .join(pairs, pairs.c.id == table.c.id)
        .where(where)
        .subquery("numbered")
    )
    # Each parent's rows past the cursor, one more than the page to tell whether more follow,
    # and a single row before it (if any) to tell whether rows lie before.
    stmt = (
        sa.select(numbered)
        .where(
            sa.or_(
                sa.and_(numbered.c["_past"], numbered.c["_number"] <= limit + 1),
                sa.and_(sa.not_(numbered.c["_past"]), numbered.c["_number"] == 1),
            )
        )
        .order_by(numbered.c["_parent"], numbered.c["_past"], numbered.c["_number"])
    )
    grouped: dict[Any, list[RowMapping]] = {}
    earlier: dict[Any, bool] = {}
    for row in (await conn.execute(stmt)).mappings():
        earlier[row["_parent"]] = row["_earlier"]
        if row["_past"]:
            grouped.setdefault(row["_parent"], []).append(row)
    return {
        parent: Page(
            rows=grouped.get(parent, [])[:limit],
            more=len(grouped.get(parent, [])) > limit,
            earlier=seen_earlier,
        )
        for parent, seen_earlier in earlier.items()
    }


async def count_by_parent(
    conn: AsyncConnection, table: sa.Table, where: Condition, links: sa.Select[Any]
) -> dict[Any, int]:
    pairs = links.subquery("pairs")
    stmt = (
        sa.select(pairs.c.parent, sa.func.count())
        .join(table, table.c.id == pairs.c.id)
        .where(where)
        .group_by(pairs.c.parent)
    )
    return {row[0]: row[1] for row in (await conn.execute(stmt)).all()}
