"""Per-request context: one database connection, its lock, and fresh DataLoaders.

Loaders are created per request so their cache never outlives it. Their batch functions
run as concurrent tasks; an asyncpg connection runs one statement at a time, so every
query goes through ``Context.read`` under a lock.
"""

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncConnection
from strawberry.dataloader import DataLoader
from strawberry.fastapi import BaseContext

from db.enums import KeyScope
from schema.extensions.operation_metrics import Observer
from schema.live import ChangeFeed
from service.settings import Settings

if TYPE_CHECKING:
    from schema.loaders import Loaders

T = TypeVar("T")
K = TypeVar("K")


@dataclass(frozen=True)
class Principal:
    """Who a request acts as: the API key it presented."""

    key_name: str
    scope: KeyScope
    partner_id: int | None

    @property
    def is_admin(self) -> bool:
        return self.scope is KeyScope.ADMIN


Authenticate = Callable[[AsyncConnection], Awaitable[tuple[Principal | None, bool]]]
"""Who the request's credentials name, looked up on the given connection; and whether it
presented credentials that are not valid."""


class Context(BaseContext):
    def __init__(
        self,
        connection: AsyncConnection | None,
        settings: Settings,
        *,
        principal: Principal | None = None,
        bad_credentials: bool = False,
        commit_writes: bool = True,
        connections: Any = None,
        change_feed: "ChangeFeed | None" = None,
        request_id: str | None = None,
        observer: "Observer | None" = None,
        reads_replica: bool = False,
        authenticate: "Authenticate | None" = None,
    ) -> None:
        super().__init__()
        self._connection = connection
        self.settings = settings
        self.principal = principal
        self.bad_credentials = bad_credentials
        self.commit_writes = commit_writes
        self.connections = connections
        """The primary's connections: where a WebSocket's subscriptions get one for each event
        they resolve, and where a mutation moves when ``connection`` is a replica's."""
        self.reads_replica = reads_replica
        self._authenticate = authenticate
        self.change_feed = change_feed
        self.request_id = request_id
        self.observer = observer
        self._lock = asyncio.Lock()
        self._loaders: Loaders | None = None

    @property
    def loaders(self) -> "Loaders":
        """Made on first use: a compiled query never needs them, and making some forty
        loaders is a noticeable part of a small request."""
        from schema.loaders import Loaders

        if self._loaders is None:
            self._loaders = Loaders(self)
        return self._loaders

    @property
    def connection(self) -> AsyncConnection:
        if self._connection is None:
            raise RuntimeError("no database connection is bound to this context")
        return self._connection

    def bind(self, connection: AsyncConnection | None) -> None:
        """A subscription resolves each event on a connection of its own, with fresh loaders:
        a WebSocket lives for hours and must not hold a connection, nor a stale cache."""
        self._connection = connection
        self._loaders = None

    @asynccontextmanager
    async def on_primary(self) -> AsyncIterator[None]:
        """Leave the replica for the primary, checking the key again there: a mutation must
        not decide on what the replica has not yet caught up with (a revoked key, a version,
        a partner's role)."""
        async with self.connections.connect() as conn:
            self._connection = conn
            self.reads_replica = False
            if self._authenticate is not None:
                self.principal, self.bad_credentials = await self._authenticate(conn)
            yield

    async def read(self, query: Callable[..., Awaitable[T]], *args: Any, **kwargs: Any) -> T:
        async with self._lock:
            return await query(self.connection, *args, **kwargs)

    async def write(self, operation: Callable[..., Awaitable[T]], *args: Any, **kwargs: Any) -> T:
        """Run ``operation`` as one unit: all of it lands, or none of it (a savepoint), and it
        is committed before the answer is sent (unless the connection belongs to a test)."""
        async with self._lock:
            async with self.connection.begin_nested():
                result = await operation(self.connection, *args, **kwargs)
            if self.commit_writes:
                await self.connection.commit()
            return result


async def load_one(loader: DataLoader[K, T | None], key: K) -> T:
    """The record a foreign key points at: the database guarantees it exists."""
    value = await loader.load(key)
    if value is None:
        raise LookupError(f"dangling reference to {key!r}")
    return value
