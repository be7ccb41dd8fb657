"""Per-request context: one database connection, its lock, and fresh DataLoaders.

Loaders are created per request so their cache never outlives it. Their batch functions
run as concurrent tasks; an asyncpg connection runs one statement at a time, so every
query goes through ``Context.read`` under a lock.
"""

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncConnection
from strawberry.dataloader import DataLoader
from strawberry.fastapi import BaseContext

from service.settings import Settings

T = TypeVar("T")
K = TypeVar("K")


class Context(BaseContext):
    def __init__(self, connection: AsyncConnection, settings: Settings) -> None:
        from schema.loaders import Loaders

        super().__init__()
        self.connection = connection
        self.settings = settings
        self._lock = asyncio.Lock()
        self.loaders = Loaders(self)

    async def read(self, query: Callable[..., Awaitable[T]], *args: Any, **kwargs: Any) -> T:
        async with self._lock:
            return await query(self.connection, *args, **kwargs)


async def load_one(loader: DataLoader[K, T | None], key: K) -> T:
    """The record a foreign key points at: the database guarantees it exists."""
    value = await loader.load(key)
    if value is None:
        raise LookupError(f"dangling reference to {key!r}")
    return value
