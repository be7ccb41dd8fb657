"""Fixtures: a real PostgreSQL, a migrated and seeded template, and per-test isolation.

Most tests get ``conn``: a connection to a copy of the template inside a transaction that
is rolled back afterwards. Tests that must really commit (the CLI, seeding from scratch)
use ``fresh_database_url``: a database cloned from the template for that test alone.
"""

import json
import os
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from db.engine import create_engine
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


@pytest.fixture
async def client(conn: AsyncConnection, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings, connections=FixedConnection(conn))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


class StatementCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    def __call__(self, *args: Any) -> None:
        self.statements.append(args[2])

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def statements(conn: AsyncConnection) -> Iterator[StatementCounter]:
    """Counts the SQL statements sent to the server on the test's connection."""
    counter = StatementCounter()
    event.listen(conn.sync_engine, "before_cursor_execute", counter)
    yield counter
    event.remove(conn.sync_engine, "before_cursor_execute", counter)
