"""Where request handlers get a database connection from.

The app asks a ``ConnectionSource`` rather than an engine so tests can hand it a connection
inside a transaction that they roll back afterwards.
"""

import logging
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from db.json_select import fetch_pooled_json
from schema.error_codes import database_unreachable

log = logging.getLogger(__name__)


class ConnectionSource(Protocol):
    commits: bool
    """Whether a write is committed when it succeeds (not when a test owns the transaction)."""

    def connect(self) -> AbstractAsyncContextManager[AsyncConnection]: ...

    async def fetch_json(self, sql: str, parameters: tuple[Any, ...]) -> Any:
        """The one JSON value of a rendered statement (``db.json_select``), on a connection
        of its own for just that statement."""


class EngineConnections:
    commits = True

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def fetch_json(self, sql: str, parameters: tuple[Any, ...]) -> Any:
        return await fetch_pooled_json(self.engine, sql, parameters)

    @asynccontextmanager
    async def connect(self) -> AsyncIterator[AsyncConnection]:
        conn = await self.engine.connect()
        try:
            yield conn
        finally:
            try:
                await conn.close()
            except Exception as error:
                # The database went away under the request: its answer is already given
                # (or the error that ended it is being raised); a dead connection cannot
                # be returned cleanly, and the pool drops it.
                if not database_unreachable(error):
                    raise
                log.warning("dropped a connection the database closed: %s", error)
