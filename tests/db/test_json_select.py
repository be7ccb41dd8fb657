"""A compiled read on a connection the server has ended."""

import asyncpg
import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DisconnectionError

from db.engine import create_engine
from db.json_select import fetch_pooled_json, fetch_rendered_json
from tests.postgres import terminate


async def test_a_read_on_an_ended_connection_is_a_disconnection(fresh_database_url: str) -> None:
    """It says the database is out of reach (the service answers SERVICE_UNAVAILABLE) and the
    connection is not handed out again."""
    engine = create_engine(fresh_database_url, pool_size=1)
    try:
        async with engine.connect() as conn:
            pid = await conn.scalar(sa.text("SELECT pg_backend_pid()"))
            await conn.commit()
            await terminate(fresh_database_url, pid)
            with pytest.raises(DisconnectionError):
                await fetch_rendered_json(conn, "SELECT json_build_object('a', 1)", ())
        async with engine.connect() as conn:
            assert await fetch_rendered_json(conn, "SELECT json_build_object('a', 1)", ()) == {
                "a": 1
            }
            assert await conn.scalar(sa.text("SELECT pg_backend_pid()")) != pid
    finally:
        await engine.dispose()


async def test_a_pooled_read_gives_its_connection_back(fresh_database_url: str) -> None:
    """One statement, the connection back in the pool for the next; one the server ended
    while it sat in the pool is not handed out (``db.engine``'s checkout rule): the read
    takes a new one."""
    engine = create_engine(fresh_database_url, pool_size=1, pool_timeout=2)
    statement = "SELECT json_build_object('pid', pg_backend_pid(), 'n', $1::int)"
    try:
        first = await fetch_pooled_json(engine, statement, (1,))
        again = await fetch_pooled_json(engine, statement, (2,))
        assert again == {"pid": first["pid"], "n": 2}
        await terminate(fresh_database_url, first["pid"])
        after = await fetch_pooled_json(engine, statement, (3,))
        assert after["n"] == 3
        assert after["pid"] != first["pid"]
        assert engine.sync_engine.pool.checkedout() == 0  # type: ignore[attr-defined]
    finally:
        await engine.dispose()


async def test_a_pooled_read_that_fails_gives_its_connection_back(fresh_database_url: str) -> None:
    engine = create_engine(fresh_database_url, pool_size=1, pool_timeout=2)
    try:
        with pytest.raises(asyncpg.exceptions.DivisionByZeroError):
            await fetch_pooled_json(engine, "SELECT 1 / $1::int", (0,))
        assert await fetch_pooled_json(engine, "SELECT to_json($1::int)", (5,)) == 5
    finally:
        await engine.dispose()
