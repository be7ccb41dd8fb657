"""The pool hands out live connections without asking the server first."""

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from db.engine import create_engine
from tests.postgres import terminate


@pytest.fixture
async def engine(fresh_database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(fresh_database_url, pool_size=2)
    yield engine
    await engine.dispose()


def log_statements(engine: AsyncEngine) -> list[str]:
    """Every statement any of the engine's connections sends, transaction control included."""
    sent: list[str] = []

    def on_connect(dbapi_connection: Any, record: Any) -> None:
        dbapi_connection.driver_connection.add_query_logger(lambda r: sent.append(r.query))

    event.listen(engine.sync_engine.pool, "connect", on_connect)
    return sent


async def backend_pid(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        pid: int = await conn.scalar(sa.text("SELECT pg_backend_pid()"))
    return pid


async def test_a_checkout_sends_nothing(engine: AsyncEngine) -> None:
    sent = log_statements(engine)
    await backend_pid(engine)
    sent.clear()
    async with engine.connect() as conn:
        driver = (await conn.get_raw_connection()).driver_connection
        assert driver is not None
        assert await driver.fetchval("SELECT 41 + 1") == 42
    assert sent == ["SELECT 41 + 1"]


async def test_a_connection_the_server_ended_is_not_handed_out(
    engine: AsyncEngine, fresh_database_url: str
) -> None:
    first = await backend_pid(engine)
    assert await terminate(fresh_database_url, first)
    # The backend has exited; the driver reads the end of its socket in a turn or two.
    await asyncio.sleep(0.05)
    second = await backend_pid(engine)
    assert second != first


async def test_the_pool_never_grows_past_its_size(fresh_database_url: str) -> None:
    """A request finding every connection busy waits for one rather than opening another
    (which the pool would close again at once); past the timeout it gives up."""
    engine = create_engine(fresh_database_url, pool_size=1, pool_timeout=0.2)
    try:
        async with engine.connect() as held:
            await held.scalar(sa.text("SELECT 1"))
            with pytest.raises(sa.exc.TimeoutError):
                async with engine.connect():
                    pass
        async with engine.connect() as conn:
            assert await conn.scalar(sa.text("SELECT 1")) == 1
        assert engine.pool.checkedin() == 1  # type: ignore[attr-defined]
    finally:
        await engine.dispose()
