"""The async engine. Created by the service at start-up, never at import time."""

import orjson
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine


def create_engine(
    url: str,
    *,
    pool_size: int = 10,
    pool_timeout: float = 10.0,
    statement_timeout: float | None = None,
    echo: bool = False,
) -> AsyncEngine:
    """``statement_timeout`` (seconds): the server cancels any statement that runs longer,
    so one expensive request cannot hold the database; unset for the command line's work."""
    server_settings = (
        {}
        if statement_timeout is None
        else {"statement_timeout": str(int(statement_timeout * 1000))}
    )
    return create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_timeout=pool_timeout,
        pool_pre_ping=True,
        # asyncpg waits 60 s for a server that does not answer; fail as fast as the pool.
        connect_args={"server_settings": server_settings, "timeout": pool_timeout},
        json_deserializer=orjson.loads,
        echo=echo,
    )
