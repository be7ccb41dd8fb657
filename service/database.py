"""Where request handlers get a database connection from.

The app asks a ``ConnectionSource`` rather than an engine so tests can hand it a connection
inside a transaction that they roll back afterwards.
"""

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine


class ConnectionSource(Protocol):
    commits: bool
    """Whether a write is committed when it succeeds (not when a test owns the transaction)."""

    def connect(self) -> AbstractAsyncContextManager[AsyncConnection]: ...


class EngineConnections:
    commits = True

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    @asynccontextmanager
    async def connect(self) -> AsyncIterator[AsyncConnection]:
        async with self.engine.connect() as conn:
            yield conn
