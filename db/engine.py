"""The async engine. Created by the service at start-up, never at import time."""

from typing import Any

import orjson
from sqlalchemy import event
from sqlalchemy.exc import DisconnectionError
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
    so one expensive request cannot hold the database; unset for the command line's work.

    The pool keeps ``pool_size`` connections and no more: a request finding all of them busy
    waits for one (up to ``pool_timeout``). Connections opened past the pool would be closed
    again as soon as they came back, so a steady load just above the pool's size would open
    a connection (a server process, its start-up queries) for many of its requests: at 16
    clients on a pool of 10, a third fewer requests a second and a third more CPU each."""
    server_settings = (
        {}
        if statement_timeout is None
        else {"statement_timeout": str(int(statement_timeout * 1000))}
    )
    engine = create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=0,
        pool_timeout=pool_timeout,
        # asyncpg waits 60 s for a server that does not answer; fail as fast as the pool.
        connect_args={"server_settings": server_settings, "timeout": pool_timeout},
        json_deserializer=orjson.loads,
        echo=echo,
    )
    event.listen(engine.sync_engine.pool, "checkout", refuse_closed_connection)
    return engine


def refuse_closed_connection(dbapi_connection: Any, record: Any, proxy: Any) -> None:
    """Hands out no connection the server has closed (a restart, an idle timeout, a
    terminated backend): the pool drops it and takes another.

    In place of SQLAlchemy's ``pool_pre_ping``, which asks the server on every checkout
    (``BEGIN``, ``;``, ``ROLLBACK``: three round trips, more than a small read costs). The
    driver reads its socket all the time, so a connection the server ended is already
    marked closed when it is next checked out; a connection lost silently (a network cut)
    fails its statement instead, which answers ``SERVICE_UNAVAILABLE`` and is dropped,
    as a ping would have waited for its timeout anyway."""
    if dbapi_connection.driver_connection.is_closed():
        raise DisconnectionError("the server closed this connection")
