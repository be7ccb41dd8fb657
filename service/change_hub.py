"""Committed changes, heard from PostgreSQL and handed to this process's subscribers.

Every write's transaction sends a ``NOTIFY`` when it commits (migration 0005), so a change
written through any replica reaches the subscribers of every replica, and a rolled-back
write reaches none. The hub ``LISTEN``s on one dedicated connection; a notification only
wakes it, and it reads the changes after the last position it delivered from the audit
trail, so notifications may coalesce or be lost (a restart of the database) without a
change being skipped: after reconnecting it reads on from where it was.

Each subscriber has a bounded queue. One that falls behind by more than its size is marked
slow, and its subscription is ended with a clear reason, rather than holding the changes
for it in memory without limit.
"""

import asyncio
import contextlib
import logging
from collections.abc import Coroutine
from typing import Any

import asyncpg
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from db.changes import CHANNEL, changes_after, last_position
from schema.live import Subscriber, TooManySubscriptions

log = logging.getLogger(__name__)


def _asyncpg_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


class ChangeHub:
    def __init__(
        self,
        engine: AsyncEngine,
        url: str,
        *,
        buffer: int = 1000,
        reconnect_delay: float = 1.0,
        check_seconds: float = 5.0,
    ) -> None:
        self.engine = engine
        self.dsn = _asyncpg_dsn(url)
        self.buffer = buffer
        self.reconnect_delay = reconnect_delay
        self.check_seconds = check_seconds
        self.position: int | None = None
        """The last change handed to the subscribers; read when the hub first connects."""
        self.subscribers: set[Subscriber] = set()
        self.per_key: dict[str, int] = {}
        self.listening = asyncio.Event()
        self.closing = asyncio.Event()
        """Set when the process starts shutting down: every subscription ends (a WebSocket
        with 1012, an HTTP stream with a last error event), so none holds the shutdown."""
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Start listening in the background: the service starts even while the database
        is down, and the hub connects when it can."""
        self._task = asyncio.create_task(self._run(), name="change-hub")

    def drain(self) -> None:
        self.closing.set()

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    def subscribe(self, key_name: str | None = None, *, key_limit: int | None = None) -> Subscriber:
        """A new subscriber, counted against its key (across this process's connections);
        ``TooManySubscriptions`` past ``key_limit``."""
        if key_name is not None and key_limit is not None:
            if self.per_key.get(key_name, 0) >= key_limit:
                raise TooManySubscriptions(key_limit)
            self.per_key[key_name] = self.per_key.get(key_name, 0) + 1
        subscriber = Subscriber(self.buffer, key_name, self.closing)
        self.subscribers.add(subscriber)
        return subscriber

    def unsubscribe(self, subscriber: Subscriber) -> None:
        if subscriber in self.subscribers:
            self.subscribers.discard(subscriber)
            if subscriber.key_name is not None and subscriber.key_name in self.per_key:
                self.per_key[subscriber.key_name] -= 1

    async def _run(self) -> None:
        while True:
            try:
                await self._listen()
            except asyncio.CancelledError:
                raise
            except Exception as error:
                log.warning("change listener lost its connection (%s); reconnecting", error)
            await asyncio.sleep(self.reconnect_delay)

    async def _listen(self) -> None:
        connection: Any = await asyncpg.connect(self.dsn)
        lost = asyncio.Event()
        try:
            connection.add_termination_listener(lambda _: lost.set())
            await connection.add_listener(CHANNEL, lambda *_: self._wake.set())
            self.listening.set()
            self._wake.set()  # read what was committed while nobody listened
            while True:
                await _first(self._wake.wait(), lost.wait(), seconds=self.check_seconds)
                if lost.is_set():
                    raise ConnectionError("the listening connection was closed")
                if not self._wake.is_set():
                    # Quiet for a while: make sure the connection is still there, since a
                    # dropped one does not always say so.
                    await asyncio.wait_for(connection.fetchval("SELECT 1"), self.check_seconds)
                    continue
                self._wake.clear()
                await self._deliver()
        finally:
            self.listening.clear()
            with contextlib.suppress(Exception):
                await connection.close(timeout=1)

    async def _deliver(self) -> None:
        while True:
            async with self.engine.connect() as conn:
                if self.position is None:
                    self.position = await last_position(conn)
                changes = await changes_after(conn, self.position)
            if not changes:
                return
            for change in changes:
                for subscriber in list(self.subscribers):
                    subscriber.offer(change)
            self.position = changes[-1]["position"]


async def _first(*waits: Coroutine[Any, Any, Any], seconds: float) -> None:
    """Wait until one of ``waits`` is done, or ``seconds`` pass; the others are cancelled."""
    tasks = [asyncio.ensure_future(w) for w in waits]
    try:
        await asyncio.wait(tasks, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
