"""SQL that builds JSON in PostgreSQL: one statement returns a whole nested answer.

A nested read fetched row by row costs a round trip per level and Python work per value;
built here, PostgreSQL assembles the document and the caller parses one string. The
pieces mirror how the API presents values (decimals as strings, dates at their stated
precision, global ids), so a document built here equals the one built from rows.
"""

from collections.abc import Sequence
from itertools import chain
from typing import Any

import asyncpg
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.util import await_only, greenlet_spawn

Json = ColumnElement[Any]

EMPTY_LIST: Json = sa.literal_column("'[]'::json")


def key_literal(key: str) -> Json:
    """A JSON key written into the statement, not bound: asyncpg cannot type a parameter
    of ``json_build_object``, and a literal keeps the statement text cacheable.

    Keys are GraphQL names (``[_A-Za-z][_0-9A-Za-z]*``); anything else is refused."""
    if not key.replace("_", "a").isalnum() or not key.isascii():
        raise ValueError(f"not a name: {key!r}")
    return sa.literal_column(f"'{key}'")


def json_object(pairs: Sequence[tuple[str, ColumnElement[Any]]]) -> Json:
    return sa.func.json_build_object(
        *chain.from_iterable((key_literal(key), value) for key, value in pairs)
    )


def unless_null(value: Json, *tests: ColumnElement[Any]) -> Json:
    """``value``, or JSON null where any of ``tests`` is null (an absent date, amount or
    figure)."""
    return sa.case((sa.or_(*(test.is_(None) for test in tests)), sa.null()), else_=value)


def json_list(
    value: Json,
    source: sa.Select[Any],
    order_by: Sequence[ColumnElement[Any]],
) -> Json:
    """The ``value`` of every row ``source`` selects, in ``order_by`` order; ``[]`` for none."""
    aggregated = sa.func.json_agg(aggregate_order_by(value, *order_by) if order_by else value)
    return sa.func.coalesce(source.with_only_columns(aggregated).scalar_subquery(), EMPTY_LIST)


def as_text(value: ColumnElement[Any]) -> ColumnElement[str]:
    return sa.cast(value, sa.Text)


def trimmed_decimal(value: ColumnElement[Any]) -> ColumnElement[str]:
    """65.00 → "65", 0.3000 → "0.3": the figure without the column's padding."""
    return as_text(sa.func.trim_scale(value))


def stated_date(day: ColumnElement[Any], precision: ColumnElement[Any]) -> ColumnElement[str]:
    """A date written to the precision its source gives: 2020, 2020-12 or 2020-12-01."""
    return sa.case(
        (precision == "YEAR", sa.func.to_char(day, "YYYY")),
        (precision == "MONTH", sa.func.to_char(day, "YYYY-MM")),
        else_=sa.func.to_char(day, "YYYY-MM-DD"),
    )


def global_id(type_name: str, key: ColumnElement[Any]) -> ColumnElement[str]:
    """Relay's global id, base64 of ``Type:key``, as Strawberry writes it."""
    text = sa.literal(f"{type_name}:", sa.Text) + as_text(key)
    encoded = sa.func.encode(sa.func.convert_to(text, "UTF8"), "base64")
    return sa.func.replace(encoded, "\n", "")


async def fetch_rendered_json(conn: AsyncConnection, sql: str, parameters: tuple[Any, ...]) -> Any:
    """The one JSON value a rendered statement selects, parsed (by the ``json`` codec the
    engine set on the driver's connection).

    It runs on the driver's connection itself: SQLAlchemy would open a transaction around
    it (a ``BEGIN`` and a ``ROLLBACK``, two more round trips) that one read does not need;
    inside a transaction already open (a test's) it runs in that one. A connection lost
    midway, or found broken, is invalidated, as SQLAlchemy would, so the pool does not hand
    it out again."""
    driver = (await conn.get_raw_connection()).driver_connection
    assert driver is not None, "a pooled connection always has its driver's"
    try:
        return await driver.fetchval(sql, *parameters)
    except _BROKEN_CONNECTION as error:
        await conn.invalidate(error)
        raise DisconnectionError(str(error)) from error


_BROKEN_CONNECTION = (
    asyncpg.exceptions.InterfaceError,
    # The server ended the connection while it sat in the pool, and the driver had not yet
    # read the end: its protocol is left in a state no statement can use.
    asyncpg.exceptions.InternalClientError,
    OSError,
)


async def fetch_pooled_json(engine: AsyncEngine, sql: str, parameters: tuple[Any, ...]) -> Any:
    """``fetch_rendered_json`` on a connection taken from the engine's pool and given back
    within one greenlet. An ``AsyncConnection`` takes three (to open, to reach the driver's
    connection, to close) and builds a ``Connection`` on the way: together a sixth of a
    one-row answer's CPU, for a statement that needs none of what they offer."""
    return await greenlet_spawn(_fetch_pooled_json, engine.sync_engine, sql, parameters)


def _fetch_pooled_json(engine: Engine, sql: str, parameters: tuple[Any, ...]) -> Any:
    pooled = engine.raw_connection()
    try:
        driver = pooled.driver_connection
        assert driver is not None, "a pooled connection always has its driver's"
        return await_only(driver.fetchval(sql, *parameters))
    except _BROKEN_CONNECTION as error:
        pooled.invalidate(error)
        raise DisconnectionError(str(error)) from error
    finally:
        pooled.close()
