"""A compiled read on a connection the server has ended."""

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DisconnectionError

from db.engine import create_engine
from db.json_select import fetch_rendered_json
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
