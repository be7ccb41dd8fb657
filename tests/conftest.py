"""Fixtures: a real PostgreSQL, a migrated and seeded template, and per-test isolation.

Most tests get ``conn``: a connection to a copy of the template inside a transaction that
is rolled back afterwards. Tests that must really commit (the CLI, seeding from scratch)
use ``fresh_database_url``: a database cloned from the template for that test alone.
"""

import asyncio
import json
import os
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from db.engine import create_engine
from db.json_select import fetch_rendered_json
from schema.build import schema
from schema.context import Context, Principal
from service.app import create_app
from service.settings import Settings
from tests.postgres import DatabaseServer


@pytest.fixture(scope="session")
async def server() -> AsyncIterator[DatabaseServer]:
    server = DatabaseServer()
    await server.create_template()
    yield server
    await server.drop_template()


@pytest.fixture(scope="session")
async def engine(server: DatabaseServer) -> AsyncIterator[AsyncEngine]:
    async with server.clone(f"coopgraph_test_shared_{os.getpid()}") as url:
        engine = create_engine(url)
        yield engine
        await engine.dispose()


@pytest.fixture
async def conn(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    async with engine.connect() as conn:
        transaction = await conn.begin()
        try:
            yield conn
        finally:
            await transaction.rollback()


@pytest.fixture
async def fresh_database_url(server: DatabaseServer) -> AsyncIterator[str]:
    async with server.clone() as url:
        yield url


@pytest.fixture
def settings() -> Settings:
    return Settings(_env_file=None)


class GraphQLResult:
    def __init__(self, data: Any, errors: list[dict[str, Any]] | None) -> None:
        self.data = data
        self.errors = errors


Execute = Callable[..., Any]


@pytest.fixture
def gql(conn: AsyncConnection, settings: Settings) -> Execute:
    """Run a query through the schema on the test's connection; errors as the client sees them."""

    async def execute(
        query: str, variables: dict[str, Any] | None = None, *, key: Principal | None = None
    ) -> GraphQLResult:
        context = Context(conn, settings, principal=key, commit_writes=False)
        result = await schema.execute(query, variable_values=variables, context_value=context)
        errors = [dict(e.formatted) for e in result.errors] if result.errors else None
        return GraphQLResult(json.loads(json.dumps(result.data, default=str)), errors)

    return execute


class FixedConnection:
    """Hands the app the test's connection, so HTTP tests see and roll back the same data."""

    commits = False

    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    @asynccontextmanager
    async def connect(self) -> AsyncIterator[AsyncConnection]:
        yield self.conn

    async def fetch_json(self, sql: str, parameters: tuple[Any, ...]) -> Any:
        return await fetch_rendered_json(self.conn, sql, parameters)


@pytest.fixture
async def client(conn: AsyncConnection, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings, connections=FixedConnection(conn))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


_TRANSACTION_CONTROL = {"BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE"}


class StatementCounter:
    """Statements SQLAlchemy runs (its cursor events) and statements run on the driver's
    connection directly (the compiled reads; the driver's query log, which SQLAlchemy's
    prepared statements do not reach). The driver reports through ``loop.call_soon``:
    reading waits a turn of the loop, so the last statement of an awaited query is in."""

    def __init__(self) -> None:
        self._statements: list[str] = []

    def by_sqlalchemy(self, *args: Any) -> None:
        self._statements.append(args[2])

    def by_driver(self, record: Any) -> None:
        # SQLAlchemy's transaction control reaches the driver's log only: left out here,
        # as it is from SQLAlchemy's own count.
        if record.query.split(maxsplit=1)[0].upper().rstrip(";") not in _TRANSACTION_CONTROL:
            self._statements.append(record.query)

    async def sent(self) -> list[str]:
        await asyncio.sleep(0)
        return list(self._statements)

    async def counted(self) -> int:
        return len(await self.sent())

    async def clear(self) -> None:
        await asyncio.sleep(0)
        self._statements.clear()


@pytest.fixture
async def statements(conn: AsyncConnection) -> AsyncIterator[StatementCounter]:
    """Counts the SQL statements sent to the server on the test's connection."""
    counter = StatementCounter()
    driver = (await conn.get_raw_connection()).driver_connection
    assert driver is not None
    event.listen(conn.sync_engine, "before_cursor_execute", counter.by_sqlalchemy)
    driver.add_query_logger(counter.by_driver)
    yield counter
    driver.remove_query_logger(counter.by_driver)
    event.remove(conn.sync_engine, "before_cursor_execute", counter.by_sqlalchemy)
